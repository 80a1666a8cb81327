"""One exception tree for labkit.

Everything a user can cause (a bad scenario, a corrupt image, a malformed answer
sheet) raises a subclass of :class:`LabkitError`. The CLI turns each into one
clear line and a meaningful exit code; nothing below ``labkit.cli`` prints.
"""

from __future__ import annotations

from pathlib import Path


class LabkitError(Exception):
    """Root of every error labkit raises on purpose."""

    exit_code = 1

    def one_line(self) -> str:
        """The message the CLI prints: a single line, no traceback."""
        return " ".join(str(self).split())


class UsageError(LabkitError):
    """The command line or an input file is not what it must be (exit 2)."""

    exit_code = 2


class LocatedError(UsageError):
    """An error in a file the user wrote, located at file, line and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.field = field
        self.value = value
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [f"{where}: "]
        if self.field:
            parts.append(f"{self.field}: ")
        parts.append(self.message)
        if self.value is not None:
            shown = repr(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            parts.append(f" (got {shown})")
        if self.hint:
            parts.append(f"; {self.hint}")
        return "".join(parts)


class ScenarioError(LocatedError):
    """A scenario file is invalid: names file, line, field, value and what would be valid."""


class AnswerSheetError(LocatedError):
    """A trainee's answer sheet cannot be read."""


class EvidenceError(LabkitError):
    """Evidence could not be written or read (corrupt image, wrong format...)."""

    exit_code = 2


class ImageFormatError(EvidenceError):
    """An image given to a tool is not what it claims to be."""


class DiskFullError(EvidenceError):
    """A planted item does not fit in the volume the scenario declared."""


class VerificationError(LabkitError):
    """An independent tool disagrees with the answer key (exit 3)."""

    exit_code = 3


class GradingError(LabkitError):
    """Grading failed for a reason other than a malformed sheet."""

    exit_code = 2


class OutputExistsError(UsageError):
    """The output path exists and would be overwritten."""


class PayloadValueError(EvidenceError, ValueError):
    """A value a network protocol cannot carry (a DNS label over 63 octets, CR/LF in an FTP argument...).

    Also a ValueError, as the pure payload builders promise; the story layer re-raises
    it located at the scenario action that supplied the value.
    """


class CaptureFormatError(ImageFormatError):
    """A packet capture is not pcap/pcapng or is damaged; the message names the file, the byte offset,
    the frame number where that is known, what is wrong and what to do."""

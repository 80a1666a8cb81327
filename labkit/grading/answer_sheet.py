"""A trainee's answers as read from ``answers.yaml``, each with the line it came from."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from labkit.errors import AnswerSheetError
from labkit.grading.results import GivenAnswer


@dataclass(frozen=True)
class SheetAnswer:
    """One ``id: answer`` line (or block); ``value`` is None when left empty."""

    question_id: str
    value: GivenAnswer
    line: int

    @property
    def cleaned(self) -> GivenAnswer:
        """The value trimmed, with blank list items dropped; None when nothing is left."""
        if isinstance(self.value, tuple):
            items = tuple(item.strip() for item in self.value if item.strip())
            return items or None
        if self.value is None or not self.value.strip():
            return None
        return self.value.strip()


@dataclass(frozen=True)
class AnswerSheet:
    """All answers of one sheet, in file order, keyed by question id."""

    file: str
    answers: Mapping[str, SheetAnswer]
    #: Set when the sheet was not valid YAML but every line read as ``id: answer`` (see sheet_reader):
    #: the YAML problem, so reports can say how the sheet was read.
    note: str | None = None

    def get(self, question_id: str) -> SheetAnswer | None:
        return self.answers.get(question_id)

    def check_question_ids(self, known_ids: Sequence[str]) -> None:
        """Fail on the first answer to a question the key does not have, suggesting the closest id.

        An answer under a mistyped id would otherwise be silently graded as missing.

        Raises:
            AnswerSheetError: naming the line, the unknown id and a likely correction.
        """
        unknown = [a for a in self.answers.values() if a.question_id not in known_ids]
        if not unknown:
            return
        first = unknown[0]
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise AnswerSheetError(
            f"unknown question id {first.question_id!r}{more}",
            file=self.file,
            line=first.line,
            hint=_suggestion(first.question_id, known_ids),
        )


def _suggestion(question_id: str, known_ids: Sequence[str]) -> str:
    by_case = [k for k in known_ids if k.casefold() == question_id.strip().casefold()]
    close = by_case or difflib.get_close_matches(question_id, list(known_ids), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? Use the ids printed on the blank sheet"
    shown = ", ".join(known_ids[:8]) + (", ..." if len(known_ids) > 8 else "")
    return f"this key's questions are {shown}"

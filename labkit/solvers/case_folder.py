"""What a trainee has to work with: the case folder's briefing, evidence and answer sheet.

A solver reads only these, never the trainer's key or the generator's facts, so
that what it finds is what the evidence shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import LabkitError, UsageError
from labkit.tools.disk import open_evidence, resolve_zone

BRIEFING_FILE = "briefing.md"
ANSWERS_FILE = "answers.yaml"
EVIDENCE_DIR = "evidence"
# An IANA zone name as briefings state it ("Asia/Almaty", "America/Argentina/Buenos_Aires").
_ZONE_NAME = re.compile(r"\b[A-Z][A-Za-z_]+(?:/[A-Za-z][A-Za-z0-9_+\-]*)+\b")
# Later EWF segments (.E02, .E03... .EAA) are opened through the first one.
_LATER_SEGMENT = re.compile(r"\.[Ee](?!01$)[0-9A-Za-z]{2}$")


@dataclass(frozen=True)
class CaseFolder:
    """The parts of a case folder a solver uses."""

    root: Path
    briefing: str
    answers_path: Path
    evidence: tuple[Path, ...]

    def stated_zone(self) -> str | None:
        """The first IANA zone the briefing names (FAT times are local: this is their zone)."""
        for match in _ZONE_NAME.finditer(self.briefing):
            try:
                resolve_zone(match.group(0))
            except UsageError:
                continue
            return match.group(0)
        return None

    def disk_image(self) -> Path:
        """The first evidence file that opens as a disk image with a file system in it."""
        reasons: list[str] = []
        for path in self.evidence:
            try:
                with open_evidence(path):
                    return path
            except LabkitError as exc:
                reasons.append(exc.one_line())
        detail = "; ".join(reasons) if reasons else "the folder is empty"
        raise UsageError(f"{self.root / EVIDENCE_DIR}: no disk image with a readable file system ({detail})")


def read_case_folder(case_dir: str | Path) -> CaseFolder:
    """Check that ``case_dir`` looks like a labkit case folder and read its briefing."""
    root = Path(case_dir)
    briefing_path = root / BRIEFING_FILE
    answers_path = root / ANSWERS_FILE
    evidence_dir = root / EVIDENCE_DIR
    for needed in (briefing_path, answers_path):
        if not needed.is_file():
            raise UsageError(f"{root}: not a case folder ({needed.name} is missing)")
    if not evidence_dir.is_dir():
        raise UsageError(f"{root}: not a case folder ({EVIDENCE_DIR}/ is missing)")
    evidence = tuple(
        path
        for path in sorted(evidence_dir.iterdir())
        if path.is_file() and not _LATER_SEGMENT.search(path.name)
    )
    return CaseFolder(root, briefing_path.read_text(encoding="utf-8"), answers_path, evidence)

"""File paths as Windows or Unix tools print them, with or without drive or leading slash."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check

_DRIVE = re.compile(r"^[A-Za-z]:")


class PathOptions(AnswerOptions):
    case_sensitive: bool = Field(
        False, description="Compare letter case; false for FAT/NTFS evidence, true for ext4 and the like."
    )
    alternatives: list[str] = Field(
        default_factory=list,
        json_schema_extra={"reveals_answer": True},
        description="Other paths also accepted (e.g. the 8.3 short name on FAT).",
    )


def path_parts(text: str, *, case_sensitive: bool) -> tuple[str, ...]:
    r"""The components of a path, so ``C:\Docs\a.pdf``, ``/docs/a.pdf`` and ``docs/a.pdf/`` compare equal.

    ``.`` components vanish and ``..`` removes its parent, as a shell would read it;
    names themselves are kept byte-for-byte apart from NFC (and casefolding).
    """
    text = unicodedata.normalize("NFC", text.strip()).replace("\\", "/")
    text = _DRIVE.sub("", text, count=1)
    parts: list[str] = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part if case_sensitive else part.casefold())
    return tuple(parts)


class PathAnswer(AnswerType):
    """Equal component by component, with the case rule of the evidence's file system."""

    name = "path"
    Options = PathOptions
    options: PathOptions

    def expect(self, answer: Any) -> frozenset[tuple[str, ...]]:
        if not isinstance(answer, str) or not answer.strip():
            raise ValueError("a path answer must be a non-empty string")
        rule = self.options.case_sensitive
        return frozenset(path_parts(p, case_sensitive=rule) for p in [answer, *self.options.alternatives])

    def check(self, expected: frozenset[tuple[str, ...]], given: str) -> Check:
        parts = path_parts(given, case_sensitive=self.options.case_sensitive)
        if parts in expected:
            return Check.accepted()
        if not self.options.case_sensitive:
            return Check.wrong()
        folded = {tuple(p.casefold() for p in e) for e in expected}
        if tuple(p.casefold() for p in parts) in folded:
            return Check.wrong("letter case differs (this file system is case-sensitive)")
        return Check.wrong()

    def seal_forms(self, expected: frozenset[tuple[str, ...]]) -> frozenset[str]:
        return frozenset("/".join(parts) for parts in expected)

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        # Components never hold "/" (it splits them), so joining is unambiguous; "" is the root.
        return "/".join(path_parts(given, case_sensitive=self.options.case_sensitive))

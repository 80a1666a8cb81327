"""Free text: a name, a user account, a program. Compared loosely, as a person reads it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.normalise import fold_text
from labkit.grading.results import Check


class TextOptions(AnswerOptions):
    case_sensitive: bool = Field(False, description="Compare letter case too (rarely wanted).")
    alternatives: list[str] = Field(
        default_factory=list,
        json_schema_extra={"reveals_answer": True},
        description="Other spellings also accepted.",
    )


class TextAnswer(AnswerType):
    """Equal after NFKC, casefolding and whitespace collapsing, or equal to an alternative."""

    name = "text"
    Options = TextOptions
    options: TextOptions

    def expect(self, answer: Any) -> frozenset[str]:
        if not isinstance(answer, str) or not answer.strip():
            raise ValueError("a text answer must be a non-empty string")
        accepted = [answer, *self.options.alternatives]
        return frozenset(fold_text(a, case_sensitive=self.options.case_sensitive) for a in accepted)

    def check(self, expected: frozenset[str], given: str) -> Check:
        if fold_text(given, case_sensitive=self.options.case_sensitive) in expected:
            return Check.accepted()
        return Check.wrong()

    def seal_forms(self, expected: frozenset[str]) -> frozenset[str]:
        return expected

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        folded = fold_text(given, case_sensitive=self.options.case_sensitive)
        return folded or None

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


#: Quotation marks a trainee may put around a quoted answer ("Quote the note exactly."): ASCII,
#: Russian/Kazakh «ёлочки» and „лапки“, English curly quotes.
_QUOTE_PAIRS = {'"': '"', "'": "'", "«": "»", "„": "“", "“": "”", "‘": "’"}


def unquoted(text: str) -> str:
    """``text`` without one pair of matching quotation marks around all of it."""
    stripped = text.strip()
    if len(stripped) >= 2 and _QUOTE_PAIRS.get(stripped[0]) == stripped[-1]:
        return stripped[1:-1]
    return text


class TextAnswer(AnswerType):
    """Equal after NFKC, casefolding and whitespace collapsing, or equal to an alternative.

    Quotation marks around the whole answer are not part of it, on either side: a
    trainee asked to quote a note exactly may well write it in quotes.
    """

    name = "text"
    Options = TextOptions
    options: TextOptions

    def expect(self, answer: Any) -> frozenset[str]:
        if not isinstance(answer, str) or not answer.strip():
            raise ValueError("a text answer must be a non-empty string")
        accepted = [answer, *self.options.alternatives]
        return frozenset(self._form(a) for a in accepted)

    def _form(self, text: str) -> str:
        return fold_text(unquoted(text), case_sensitive=self.options.case_sensitive)

    def check(self, expected: frozenset[str], given: str) -> Check:
        if self._form(given) in expected:
            return Check.accepted()
        return Check.wrong()

    def seal_forms(self, expected: frozenset[str]) -> frozenset[str]:
        return expected

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        return self._form(given) or None

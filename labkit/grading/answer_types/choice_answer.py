"""Multiple choice: the trainee writes the choice itself, its letter or its number."""

from __future__ import annotations

import re
import string
from typing import Any, ClassVar

from pydantic import Field, field_validator

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.normalise import fold_text
from labkit.grading.results import Check

_LETTER = re.compile(r"\(?([a-z])[).:]?")
_NUMBER = re.compile(r"\(?(\d{1,3})[).:]?")
#: A choice as the blank sheet lists it: its letter, then its text.
_SHEET_LINE = re.compile(r"\(?([a-z])[).]\s*(.+)")


class ChoiceOptions(AnswerOptions):
    choices: list[str] = Field(min_length=2, max_length=26, description="The choices, in the order shown.")

    @field_validator("choices")
    @classmethod
    def _distinct(cls, choices: list[str]) -> list[str]:
        folded = [fold_text(c) for c in choices]
        if any(not f for f in folded):
            raise ValueError("a choice is empty")
        if len(set(folded)) != len(folded):
            raise ValueError("two choices read the same once case and spacing are ignored")
        return choices


class ChoiceAnswer(AnswerType):
    """One of ``choices``: by its text first, then its letter (a, b...), then its 1-based number.

    Text comes first so that choices which are themselves numbers or letters
    ("4", "8", "16") mean what they say.
    """

    name = "choice"
    Options = ChoiceOptions
    options: ChoiceOptions
    guessable: ClassVar[bool] = True

    def _folded_choices(self) -> list[str]:
        return [fold_text(c) for c in self.options.choices]

    def expect(self, answer: Any) -> int:
        folded = self._folded_choices()
        if not isinstance(answer, str) or fold_text(answer) not in folded:
            raise ValueError(f"{answer!r} is not one of the choices {self.options.choices}")
        return folded.index(fold_text(answer))

    def resolve(self, given: str) -> int | None:
        """The index of the choice ``given`` names, or None (also when a copied sheet line
        "b) pdf" names two different choices by its letter and its text)."""
        folded = self._folded_choices()
        text = fold_text(given)
        if text in folded:
            return folded.index(text)
        line = _SHEET_LINE.fullmatch(text)  # the sheet's own line copied: "b) pdf", "(b) pdf", "b. pdf"
        if line and line[2] in folded:
            index = string.ascii_lowercase.index(line[1])
            return index if folded.index(line[2]) == index else None
        letter = _LETTER.fullmatch(text)
        if letter:
            index = string.ascii_lowercase.index(letter[1])
            return index if index < len(folded) else None
        number = _NUMBER.fullmatch(text)
        if number:
            index = int(number[1]) - 1
            return index if 0 <= index < len(folded) else None
        return None

    def check(self, expected: int, given: str) -> Check:
        index = self.resolve(given)
        line = _SHEET_LINE.fullmatch(fold_text(given))
        if index is None and line and line[2] in self._folded_choices():
            return Check.wrong(f"the letter {line[1]}) and the text {line[2]!r} name different choices")
        if index is None:
            count = len(self.options.choices)
            last_letter = string.ascii_lowercase[count - 1]
            return Check.wrong(f"not one of the choices (write a-{last_letter}, 1-{count} or the text)")
        return Check.accepted() if index == expected else Check.wrong()

    def seal_forms(self, expected: int) -> frozenset[str]:
        return frozenset({str(expected)})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        index = self.resolve(given)
        return None if index is None else str(index)

    def sheet_hint(self) -> list[str]:
        return [f"  {string.ascii_lowercase[i]}) {choice}" for i, choice in enumerate(self.options.choices)]

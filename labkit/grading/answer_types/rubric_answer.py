"""Free text marked by keywords, always flagged for a trainer's review.

"Explain how the data left the company" has no one right spelling. The key
lists the ideas a good answer names, each as a group of synonyms in the
languages of the class::

    options:
      keywords:
        - {any: [exfiltration, эксфильтр*, data theft], weight: 2}
        - {any: [USB, flash drive, флешк*]}
      min_words: 10

A group is found when any of its synonyms occurs as whole words (``USB`` does
not match ``USBSTOR``); a trailing ``*`` matches any ending, for Russian and
Kazakh inflection (``флешк*``: флешка, флешку, флешке). Case, Unicode form and
ё/е are ignored. Credit is the weight of the groups found over the total, and
is provisional: every verdict is marked for review, so a trainer confirms or
corrects it, and the trainer sees the key's model answer (the expected answer).

The keywords reveal the answer and never leave the trainer's side; a rubric
question cannot be self-checked.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.normalise import fold_text
from labkit.grading.results import Check

#: Longer answers are left to the trainer entirely (a real answer is a few paragraphs).
MAX_RUBRIC_CHARS = 20_000
_WORD = re.compile(r"\w+")
_TERM = re.compile(r"\w+\*?")
_SHOWN_SYNONYM_CHARS = 40
_FOR_REVIEW = "for review"

#: A word of a synonym: its text and whether it matches any ending (``флешк*``).
Term = tuple[str, bool]


def _fold(text: str) -> str:
    return fold_text(text).replace("ё", "е")


def synonym_terms(synonym: str) -> tuple[Term, ...]:
    """The words of a synonym as matched: folded, each with its trailing-``*`` flag."""
    return tuple((term.rstrip("*"), term.endswith("*")) for term in _TERM.findall(_fold(synonym)))


class Keyword(BaseModel):
    """One idea the answer should name, as synonyms any of which counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    any: list[str] = Field(
        min_length=1,
        description="Words or phrases, any of which earns this keyword; a trailing * matches any ending.",
    )
    weight: float = Field(1, gt=0, allow_inf_nan=False, description="Weight of this keyword in the credit.")

    @field_validator("any")
    @classmethod
    def _has_words(cls, synonyms: list[str]) -> list[str]:
        for synonym in synonyms:
            if not synonym_terms(synonym):
                raise ValueError(f"{synonym!r} contains no word to look for")
        return synonyms


class RubricOptions(AnswerOptions):
    keywords: list[Keyword] = Field(
        default_factory=list,
        json_schema_extra={"reveals_answer": True},
        description="Keyword groups that mark the answer: [{any: [synonym, ...], weight: 1}, ...].",
    )
    min_words: int = Field(
        0, ge=0, description="Answers with fewer words earn nothing (and are still shown for review)."
    )


class AnswerWords:
    """An answer's words, indexed so each synonym is looked up without scanning the text again."""

    def __init__(self, text: str) -> None:
        self.words = _WORD.findall(_fold(text))
        self.positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.words):
            self.positions[word].append(index)
        self.sorted_words = sorted(self.positions)

    def _starts(self, term: Term) -> list[int]:
        text, any_ending = term
        if not any_ending:
            return self.positions.get(text, [])
        starts: list[int] = []
        index = bisect_left(self.sorted_words, text)
        while index < len(self.sorted_words) and self.sorted_words[index].startswith(text):
            starts.extend(self.positions[self.sorted_words[index]])
            index += 1
        return starts

    def contains(self, terms: tuple[Term, ...]) -> bool:
        """Whether the words hold the terms consecutively."""
        first, rest = terms[0], terms[1:]
        for start in self._starts(first):
            if start + len(rest) >= len(self.words):
                continue
            if all(self._matches(self.words[start + 1 + k], term) for k, term in enumerate(rest)):
                return True
        return False

    @staticmethod
    def _matches(word: str, term: Term) -> bool:
        text, any_ending = term
        return word.startswith(text) if any_ending else word == text


class RubricAnswer(AnswerType):
    """Keyword groups found, weighted; always ``review=True`` so a trainer has the last word."""

    name = "rubric"
    Options = RubricOptions
    options: RubricOptions
    #: An item of a set or list is one value; a rubric answer is an essay.
    usable_as_item: ClassVar[bool] = False

    def expect(self, answer: Any) -> str:
        if not isinstance(answer, str) or not answer.strip():
            raise ValueError("a rubric question's answer is the model answer, a non-empty text")
        return answer.strip()

    def check_given(self, expected: str, given: str | tuple[str, ...]) -> Check:
        """A list answer is marked as its lines, so nothing bypasses the review flag."""
        if isinstance(given, tuple):
            given = "\n".join(given[: MAX_RUBRIC_CHARS // 2])
        return self.check(expected, given)

    def check(self, expected: str, given: str) -> Check:
        if len(given) > MAX_RUBRIC_CHARS:
            return Check(0.0, f"too long to mark by keywords ({len(given)} characters); {_FOR_REVIEW}", True)
        words = AnswerWords(given)
        if len(words.words) < self.options.min_words:
            count, least = len(words.words), self.options.min_words
            return Check(0.0, f"too short ({count} words, at least {least}); {_FOR_REVIEW}", True)
        keywords = self.options.keywords
        if not keywords:
            return Check(0.0, f"no keywords to mark by; {_FOR_REVIEW}", True)
        found: list[str] = []
        earned = 0.0
        for keyword in keywords:
            synonym = next((s for s in keyword.any if words.contains(synonym_terms(s))), None)
            if synonym is not None:
                found.append(_shown(synonym))
                earned += keyword.weight
        credit = earned / sum(keyword.weight for keyword in keywords)
        listed = f" (found: {', '.join(found)})" if found else ""
        return Check(credit, f"keywords {len(found)} of {len(keywords)}{listed}; {_FOR_REVIEW}", True)


def _shown(synonym: str) -> str:
    text = " ".join(synonym.replace("*", "").split())
    return text if len(text) <= _SHOWN_SYNONYM_CHARS else text[: _SHOWN_SYNONYM_CHARS - 1] + "…"

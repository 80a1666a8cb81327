"""Whole numbers: sizes, offsets, counts, inode numbers.

This module is the model to copy when adding an answer type:

1. Subclass :class:`AnswerType` and set ``name``: the string keys use in ``type``.
   Defining the class registers it; reusing a taken name raises at import.
2. Declare options as a pydantic model; the key's ``options`` are validated
   against it, and unknown or mistyped options are errors naming the question.
3. ``expect`` parses the key's answer once and raises ValueError if it is not
   a valid value; ``check`` judges one trainee answer and returns a
   :class:`Check` (credit 0..1 and a short reason). Never points, never prints.
4. Import the new module in ``answer_types/__init__.py`` (a test fails otherwise)
   and add ``tests/grading/answer_types/test_<name>_answer.py``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check

# Digits grouped in threes by one consistent separator: "45 056", "45,056", "1'234'567".
# NBSP and narrow NBSP are what Russian and Kazakh locales print between groups.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?P<sep>[ ,_'\u00a0\u202f\u2009])\d{3}(?:(?P=sep)\d{3})*")
_PLAIN = re.compile(r"[+-]?\d+")
_HEX = re.compile(r"(?P<sign>[+-]?)0[xX](?P<digits>[0-9a-fA-F]+)")
# Trainees often copy the unit along with the number ("45056 bytes", "45 056 байт"). No leading \s*:
# searched from every position of a long run of spaces, that would take quadratic time.
_UNIT_SUFFIX = re.compile(r"(?:bytes?|байт(?:а|ов)?)$", re.IGNORECASE)
#: Longer text is not a whole number anyone types (2**128 has 39 digits); refusing it bounds the work.
MAX_INTEGER_CHARS = 200


class IntegerOptions(AnswerOptions):
    tolerance: int = Field(0, ge=0, description="Largest absolute difference still accepted.")


def parse_integer(text: str) -> int | None:
    """The integer ``text`` spells in any of the accepted forms, or None."""
    text = text.strip()
    if len(text) > MAX_INTEGER_CHARS:
        return None
    text = _UNIT_SUFFIX.sub("", text).rstrip()
    hex_match = _HEX.fullmatch(text)
    if hex_match:
        value = int(hex_match["digits"], 16)
        return -value if hex_match["sign"] == "-" else value
    if _PLAIN.fullmatch(text):
        return int(text)
    grouped = _GROUPED.fullmatch(text)
    if grouped:
        return int(text.replace(grouped["sep"], ""))
    return None


class IntegerAnswer(AnswerType):
    """Equal integers, or within the key's absolute ``tolerance``."""

    name = "integer"
    Options = IntegerOptions
    options: IntegerOptions

    def expect(self, answer: Any) -> int:
        if isinstance(answer, bool):  # bool is an int subclass; a key holding true is a bug
            raise ValueError("an integer answer cannot be true/false")
        if isinstance(answer, int):
            return answer
        value = parse_integer(answer) if isinstance(answer, str) else None
        if value is None:
            raise ValueError(f"{answer!r} is not a whole number")
        return value

    def check(self, expected: int, given: str) -> Check:
        value = parse_integer(given)
        if value is None:
            return Check.wrong("not a whole number (write e.g. 45056, 45 056 or 0xB000)")
        difference = value - expected
        if difference == 0:
            return Check.accepted()
        if abs(difference) <= self.options.tolerance:
            return Check.accepted(f"accepted within tolerance ({difference:+d})")
        return Check.wrong()

    def has_tolerance(self) -> bool:
        return self.options.tolerance > 0

    def seal_forms(self, expected: int) -> frozenset[str]:
        return frozenset({str(expected)})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        value = parse_integer(given)
        return None if value is None else str(value)

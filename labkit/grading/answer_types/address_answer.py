"""Memory addresses as tools print them: ``0x7f9026c49000``, ``7f9026c49000``, ``0x00007F9026C49000``.

volatility3 prints ``0x7f9026c49000``, gdb and reports zero-pad to 16 digits, hexdumps drop the ``0x``:
all are the same address. Decimal is refused (a 14-digit decimal number is easily a different address).
"""

from __future__ import annotations

import re
from typing import Any

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check

_ADDRESS = re.compile(r"(?:0[xX])?(?P<digits>[0-9a-fA-F]{1,16})h?")
_SEPARATORS = re.compile(r"[`'_\s]")  # 0x00007f90`26c49000 (WinDbg), 7f90_26c4_9000


def parse_address(text: str) -> int | None:
    """The address ``text`` spells (hexadecimal, with or without 0x), or None.

    Digits alone without ``0x`` (``140263044599808``) could be decimal: refused as ambiguous."""
    cleaned = _SEPARATORS.sub("", text.strip())
    match = _ADDRESS.fullmatch(cleaned)
    if match is None:
        return None
    if not cleaned.lower().startswith("0x") and match["digits"].isdigit():
        return None
    return int(match["digits"], 16)


class AddressAnswer(AnswerType):
    """The same address in hexadecimal, whatever the padding, case or 0x prefix."""

    name = "address"
    Options = AnswerOptions
    options: AnswerOptions

    def expect(self, answer: Any) -> int:
        value = parse_address(answer) if isinstance(answer, str) else None
        if value is None:
            raise ValueError(f"{answer!r} is not a hexadecimal address (write e.g. 0x7f9026c49000)")
        return value

    def check(self, expected: int, given: str) -> Check:
        value = parse_address(given)
        if value is None:
            return Check.wrong("not a hexadecimal address (write it as tools print it, e.g. 0x7f9026c49000)")
        if value == expected:
            return Check.accepted()
        return Check.wrong()

    def seal_forms(self, expected: int) -> frozenset[str]:
        return frozenset({f"{expected:#x}"})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        value = parse_address(given)
        return None if value is None else f"{value:#x}"

"""Volume serial numbers (and other hex identifiers) in every notation tools print.

Windows ``vol`` and ``dir`` print a FAT or NTFS volume serial as ``0F0E-0E5B``;
The Sleuth Kit's ``fsstat`` as ``Volume ID: 0xf0e0e5b`` (no leading zero, no
dash); ``fsck.fat -v`` as ``Volume id 0f0e0e5b``; some trainees write
``0F0E 0E5B``. All are one 32-bit number, so answers are compared as numbers:
an optional ``0x``, then hex digits in groups separated by ``-``, ``:``, ``.``
or spaces, any case, leading zeros optional. Decimal is not accepted: no tool
prints a serial that way, and a digits-only answer is hex to every examiner.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.answer_types.domain_answer import MAX_ANSWER_CHARS, TOO_LONG, strip_invisible
from labkit.grading.results import Check

_HEX_DIGITS = frozenset("0123456789abcdef")
_SEPARATORS = "-:. "
_NOT_A_SERIAL = "not a hexadecimal serial number (write e.g. 0F0E-0E5B)"


class SerialOptions(AnswerOptions):
    bits: int = Field(
        32, ge=8, le=128, multiple_of=8, description="Size of the number: 32 for FAT, 64 for NTFS."
    )


def parse_serial(text: str) -> int | str:
    """The number an answer spells in hex, or the reason it spells none."""
    if len(text) > MAX_ANSWER_CHARS:
        return TOO_LONG
    text = unicodedata.normalize("NFKC", strip_invisible(text)).strip().lower()
    text = text.removeprefix("volume id:").removeprefix("volume id").strip()  # a pasted tool line
    text = text.removeprefix("0x")
    digits = "".join(ch for ch in text if ch not in _SEPARATORS)
    if not digits or not set(digits) <= _HEX_DIGITS or text[0] in _SEPARATORS or text[-1] in _SEPARATORS:
        return _NOT_A_SERIAL
    if len(digits) > 64:
        return _NOT_A_SERIAL
    return int(digits, 16)


class SerialAnswer(AnswerType):
    """The same number, whatever the grouping, case, leading zeros or ``0x``."""

    name = "serial"
    Options = SerialOptions
    options: SerialOptions

    def expect(self, answer: Any) -> int:
        value = parse_serial(answer) if isinstance(answer, str) else None
        if not isinstance(value, int):
            raise ValueError(f"{answer!r} is not a hexadecimal serial number")
        if value >> self.options.bits:
            raise ValueError(f"{answer!r} does not fit in {self.options.bits} bits")
        return value

    def check(self, expected: int, given: str) -> Check:
        value = parse_serial(given)
        if isinstance(value, str):
            return Check.wrong(value)
        if value >> self.options.bits:
            return Check.wrong(f"longer than a {self.options.bits}-bit serial number")
        if value == expected:
            return Check.accepted()
        size = self.options.bits // 8
        if value == int.from_bytes(expected.to_bytes(size, "little"), "big") and value != expected:
            # Read byte by byte from a hex dump of the boot sector, where the number is little-endian.
            return Check.wrong("the bytes are in disk order; the boot sector stores the number little-endian")
        return Check.wrong()

    def seal_forms(self, expected: int) -> frozenset[str]:
        return frozenset({f"{expected:x}"})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        value = parse_serial(given)
        return f"{value:x}" if isinstance(value, int) and not value >> self.options.bits else None

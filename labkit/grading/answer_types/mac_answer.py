"""48-bit MAC addresses in every notation tools print.

``00:1B:44:11:3A:B7`` (Linux, Wireshark), ``00-1b-44-11-3a-b7`` (Windows),
``001b.4411.3ab7`` (Cisco), ``001b44113ab7`` (no separator) and ``0:1b:44:11:3a:b7``
(macOS drops leading zeros) are one address. One kind of separator per answer.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.answer_types.domain_answer import MAX_ANSWER_CHARS, TOO_LONG, strip_invisible
from labkit.grading.results import Check

_HEX_DIGITS = frozenset("0123456789abcdef")
_SEPARATORS = ":-. "
_NOT_A_MAC = "not a MAC address (write e.g. 00:1b:44:11:3a:b7)"


def parse_mac(text: str) -> int | str:
    """The 48-bit value an answer spells, or the reason it spells none."""
    if len(text) > MAX_ANSWER_CHARS:
        return TOO_LONG
    text = unicodedata.normalize("NFKC", strip_invisible(text)).strip().lower()
    separators = {ch for ch in text if ch in _SEPARATORS}
    if len(separators) > 1:
        return _NOT_A_MAC
    groups = text.split(separators.pop()) if separators else [text]
    if not all(group and set(group) <= _HEX_DIGITS for group in groups):
        return _NOT_A_MAC
    if len(groups) == 1:
        if len(text) % 2:
            return _NOT_A_MAC
        digits = text
    elif all(len(group) <= 2 for group in groups):
        digits = "".join(group.zfill(2) for group in groups)
    elif all(len(group) == 4 for group in groups):
        digits = "".join(groups)
    else:
        return _NOT_A_MAC
    size = len(digits) // 2
    if size == 8:
        return "8 bytes is an EUI-64 identifier, not a 48-bit MAC address"
    if size != 6:
        return f"{size} bytes, a MAC address has 6"
    return int(digits, 16)


def format_mac(value: int) -> str:
    """The canonical spelling: lower case, colon-separated pairs."""
    digits = f"{value:012x}"
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


class MacAnswer(AnswerType):
    """The same 48 bits, whatever the case and separators."""

    name = "mac"
    Options = AnswerOptions
    options: AnswerOptions

    def expect(self, answer: Any) -> int:
        value = parse_mac(answer) if isinstance(answer, str) else None
        if not isinstance(value, int):
            raise ValueError(f"{answer!r} is not a MAC address (write e.g. 00:1b:44:11:3a:b7)")
        return value

    def check(self, expected: int, given: str) -> Check:
        value = parse_mac(given)
        if isinstance(value, str):
            return Check.wrong(value)
        if value == expected:
            return Check.accepted()
        if value >> 24 == expected >> 24:
            return Check.wrong("same vendor prefix (OUI), different device")
        return Check.wrong()

    def seal_forms(self, expected: int) -> frozenset[str]:
        return frozenset({format_mac(expected)})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        value = parse_mac(given)
        return format_mac(value) if isinstance(value, int) else None

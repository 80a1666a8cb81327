"""TCP/UDP port numbers as written by tools and people: ``443``, ``443/tcp``, ``tcp/443``, ``TCP 443``.

``:443`` and ``port 443`` are read too. A service name (``https``) is refused
rather than looked up: ``/etc/services`` differs between machines, and the grade
must not. When the key names a ``protocol``, an answer stating the other one
earns half credit; an answer stating none is judged on the number alone.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.answer_types.domain_answer import MAX_ANSWER_CHARS, TOO_LONG, strip_invisible
from labkit.grading.results import Check

Protocol = Literal["tcp", "udp"]
PROTOCOLS: tuple[Protocol, ...] = ("tcp", "udp")
_SEPARATORS = re.compile(r"[\s/:]+")
_FILLER = frozenset({"port", "порт"})
_NOT_A_PORT = "not a port number (write e.g. 443 or 443/tcp)"


class PortOptions(AnswerOptions):
    protocol: Protocol | None = Field(
        None,
        json_schema_extra={"reveals_answer": True},
        description=(
            "Transport protocol of the expected port; an answer stating the other protocol earns half "
            "credit. Null: the protocol is not judged."
        ),
    )


def parse_port(text: str) -> tuple[int, Protocol | None] | str:
    """The port number and the protocol (if stated) an answer gives, or the reason it gives none."""
    if len(text) > MAX_ANSWER_CHARS:
        return TOO_LONG
    text = unicodedata.normalize("NFKC", strip_invisible(text)).strip().casefold()
    words = [w for w in _SEPARATORS.split(text) if w and w not in _FILLER]
    if len(words) > 3:  # a number and a protocol at most; the words below are then cheap to sort
        return _NOT_A_PORT
    numbers = [w for w in words if w.isascii() and w.isdigit()]
    protocols: list[Protocol] = [w for w in words if w in PROTOCOLS]
    others = [w for w in words if w not in numbers and w not in protocols]
    if others:
        if any("." in w for w in others):
            return "give the port number alone, without the address"
        if len(words) == 1 and words[0].isalpha():
            return "give the port number (e.g. 443), not a service name"
        return _NOT_A_PORT
    if len(numbers) != 1 or len(protocols) > 1:
        return "give one port number" if len(numbers) > 1 else _NOT_A_PORT
    if len(numbers[0]) > 5 or not 0 < int(numbers[0]) <= 65535:
        return "a port number is between 1 and 65535"
    return int(numbers[0]), protocols[0] if protocols else None


class PortAnswer(AnswerType):
    """The same port number; a stated protocol other than the key's costs half the credit."""

    name = "port"
    Options = PortOptions
    options: PortOptions

    def expect(self, answer: Any) -> tuple[int, Protocol | None]:
        if isinstance(answer, bool):
            raise ValueError("a port answer cannot be true/false")
        parsed = parse_port(str(answer)) if isinstance(answer, int | str) else None
        if not isinstance(parsed, tuple):
            raise ValueError(f"{answer!r} is not a port number 1-65535 (write e.g. 443 or 443/tcp)")
        port, protocol = parsed
        option = self.options.protocol
        if protocol and option and protocol != option:
            raise ValueError(f"{answer!r} names {protocol.upper()} but the protocol option says {option}")
        return port, protocol or option

    def check(self, expected: tuple[int, Protocol | None], given: str) -> Check:
        parsed = parse_port(given)
        if not isinstance(parsed, tuple):
            return Check.wrong(parsed)
        port, protocol = parsed
        expected_port, expected_protocol = expected
        if port != expected_port:
            return Check.wrong()
        if protocol and expected_protocol and protocol != expected_protocol:
            return Check.partial(0.5, f"right port, wrong protocol ({protocol.upper()})")
        return Check.accepted()

    def seal_forms(self, expected: tuple[int, Protocol | None]) -> frozenset[str]:
        port, protocol = expected
        return frozenset({str(port)} | {f"{port}/{p}" for p in PROTOCOLS if protocol in (None, p)})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        parsed = parse_port(given)
        if not isinstance(parsed, tuple):
            return None
        port, protocol = parsed
        return f"{port}/{protocol}" if protocol else str(port)

"""Header encodings for mail that names people and files in Russian and Kazakh.

RFC 2047 encoded-words carry non-ASCII display names and subjects; RFC 2231
parameter continuations carry non-ASCII attachment names, the way Thunderbird
writes them. Everything here is deterministic text manipulation (no ``email``
policy folding, whose output changes between Python versions).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import to_ascii_name

#: UTF-8 octets per encoded-word: 52 base64 characters keep each folded line under 76.
_ENCODED_WORD_OCTETS = 39
_LINE_LIMIT = 76  # RFC 2047: a line holding encoded-words stays within 76 characters
_RFC2231_SEGMENT = 60
_ATOM_SAFE = re.compile(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Mailbox:
    """An address with an optional display name (any script)."""

    address: str
    name: str = ""

    def __post_init__(self) -> None:
        local, at, domain = self.address.rpartition("@")
        if (
            not at
            or not local
            or not domain
            or not local.isascii()
            or any(c in self.address for c in " <>\r\n")
        ):
            raise PayloadValueError(
                f"mail address {self.address!r} is not local@domain with an ASCII local part"
            )

    @property
    def wire_address(self) -> str:
        """The address with an IDN domain in A-labels, as it goes into headers and MAIL FROM / RCPT TO."""
        local, _, domain = self.address.rpartition("@")
        return f"{local}@{to_ascii_name(domain)}"


def encoded_words(text: str) -> list[str]:
    """``=?UTF-8?B?...?=`` words, each at most 39 octets of UTF-8, never splitting a character."""
    words, current = [], b""
    for character in text:
        octets = character.encode("utf-8")
        if len(current) + len(octets) > _ENCODED_WORD_OCTETS:
            words.append(current)
            current = b""
        current += octets
    words.append(current)
    return [f"=?UTF-8?B?{base64.b64encode(word).decode('ascii')}?=" for word in words]


def unstructured(name: str, text: str) -> str:
    """A folded ``Name: text`` header (Subject): plain if ASCII, encoded-words otherwise."""
    if any(c in text for c in "\r\n"):
        raise PayloadValueError(f"{name} cannot contain a line break (got {text!r})")
    if text.isascii():
        return _fold(f"{name}:", text.split(" "))
    return f"{name}: " + "\r\n ".join(encoded_words(text))


def address_list(name: str, mailboxes: Sequence[Mailbox]) -> str:
    """A ``To:``/``Cc:``/``From:`` header folded between words, so no line passes 76 characters."""
    words: list[str] = []
    for index, box in enumerate(mailboxes):
        words += _mailbox_words(box)
        if index < len(mailboxes) - 1:
            words[-1] += ","
    return _fold(f"{name}:", words)


def rfc2231_parameter(name: str, value: str) -> str:
    """``name="value"`` if ASCII, else ``name*0*=UTF-8''...;\\r\\n name*1*=...`` continuations."""
    if value.isascii():
        return f'{name}="{_quoted(value)}"'
    encoded = quote(value.encode("utf-8"), safe="")
    segments = _split_escapes(encoded, _RFC2231_SEGMENT)
    if len(segments) == 1:
        return f"{name}*=UTF-8''{segments[0]}"
    parts = [
        f"{name}*{index}*={'UTF-8' + chr(39) * 2 if index == 0 else ''}{segment}"
        for index, segment in enumerate(segments)
    ]
    return ";\r\n ".join(parts)


def rfc2047_parameter(name: str, value: str) -> str:
    """``name="=?UTF-8?B?...?="``: how Thunderbird also names a non-ASCII file in Content-Type."""
    if value.isascii():
        return f'{name}="{_quoted(value)}"'
    return f'{name}="{" ".join(encoded_words(value))}"'


def mail_date(moment: datetime) -> str:
    """RFC 5322 date as Thunderbird writes it: ``Mon, 8 Jan 2024 10:15:42 +0600`` (English in any locale)."""
    offset = moment.utcoffset()
    if offset is None:
        raise PayloadValueError(f"mail dates need an aware datetime (got naive {moment.isoformat()})")
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS[moment.month - 1]} {moment.year} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {zone}"
    )


def _mailbox_words(box: Mailbox) -> list[str]:
    if not box.name:
        return [box.wire_address]
    if not box.name.isascii():
        return [*encoded_words(box.name), f"<{box.wire_address}>"]
    phrase = box.name if _ATOM_SAFE.match(box.name) else f'"{_quoted(box.name)}"'
    return [*phrase.split(" "), f"<{box.wire_address}>"]


def _quoted(value: str) -> str:
    if any(c in value for c in "\r\n"):
        raise PayloadValueError(f"a header value cannot contain a line break (got {value!r})")
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _fold(head: str, words: list[str]) -> str:
    lines, current = [], head
    for word in words:
        if len(current) + 1 + len(word) > _LINE_LIMIT and current != head:
            lines.append(current)
            current = ""
        current += " " + word
    lines.append(current)
    return "\r\n".join(lines)


def _split_escapes(encoded: str, limit: int) -> list[str]:
    """Cut a percent-encoded string into segments of <= limit characters without splitting ``%XX``."""
    segments, start = [], 0
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        if end < len(encoded):
            escape = encoded.rfind("%", end - 2, end)
            if escape != -1:
                end = escape
        segments.append(encoded[start:end])
        start = end
    return segments

"""Internet mail messages (RFC 5322 + MIME) laid out the way Thunderbird writes them.

One text/plain part, alone or followed by attachments in multipart/mixed; headers
in Thunderbird's order (Content-Type first when multipart), CRLF line endings,
base64 in 76-character lines. The boundary and Message-ID come from the caller
(see :func:`thunderbird_boundary`, :func:`thunderbird_message_id`), so the same
inputs give the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Literal

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import to_ascii_name
from labkit.evidence.network.protocols.mime_headers import (
    Mailbox,
    address_list,
    mail_date,
    rfc2047_parameter,
    rfc2231_parameter,
    unstructured,
)

THUNDERBIRD_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0"
)
TextEncoding = Literal["quoted-printable", "base64", "8bit"]
_BOUNDARY_ALPHABET = string.digits + string.ascii_letters
_MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
_BASE64_LINE = 76
_MAXIMUM_LINE_OCTETS = 998
_PREAMBLE = "This is a multi-part message in MIME format."


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


def mime_message(
    *,
    sender: Mailbox,
    to: Sequence[Mailbox],
    subject: str,
    date: datetime,
    message_id: str,
    text: str,
    cc: Sequence[Mailbox] = (),
    attachments: Sequence[Attachment] = (),
    boundary: str | None = None,
    user_agent: str | None = THUNDERBIRD_USER_AGENT,
    content_language: str | None = None,
    text_encoding: TextEncoding = "quoted-printable",
) -> bytes:
    """The message as the mail client hands it to SMTP (before dot-stuffing).

    Raises:
        PayloadValueError: no recipient, a malformed Message-ID, attachments
            without a boundary, or a boundary that occurs in the content.
    """
    if not to:
        raise PayloadValueError("a message needs at least one To recipient")
    if not _MESSAGE_ID.match(message_id):
        raise PayloadValueError(f"Message-ID must look like <left@right> (got {message_id!r})")
    body_part = _text_part(text, text_encoding)
    common = [f"Message-ID: {message_id}", f"Date: {mail_date(date)}", "MIME-Version: 1.0"]
    if user_agent:
        common.append(f"User-Agent: {user_agent}")
    if content_language:
        common.append(f"Content-Language: {content_language}")
    common.append(address_list("To", to))
    if cc:
        common.append(address_list("Cc", cc))
    common += [address_list("From", [sender]), unstructured("Subject", subject)]
    if not attachments:
        head, content = body_part
        return _crlf_lines([*common, *head]) + b"\r\n" + content
    if boundary is None:
        raise PayloadValueError("a message with attachments needs a MIME boundary")
    parts = [body_part, *(_attachment_part(item) for item in attachments)]
    delimiter = f"--{boundary}".encode("ascii")
    out = bytearray(_crlf_lines([f'Content-Type: multipart/mixed; boundary="{boundary}"', *common]))
    out += b"\r\n" + _PREAMBLE.encode("ascii") + b"\r\n"
    for head, content in parts:
        if delimiter in content:
            raise PayloadValueError(f"MIME boundary {boundary!r} occurs inside a part; choose another")
        out += delimiter + b"\r\n" + _crlf_lines(head) + b"\r\n" + content + b"\r\n"
    out += delimiter + b"--\r\n"
    return bytes(out)


def thunderbird_boundary(rng: Random) -> str:
    """Thunderbird's boundary: twelve dashes and 24 letters and digits."""
    return "-" * 12 + "".join(rng.choice(_BOUNDARY_ALPHABET) for _ in range(24))


def thunderbird_message_id(rng: Random, domain: str) -> str:
    """``<uuid@domain>`` as Thunderbird makes it: a version-4 UUID at the sender's domain."""
    return f"<{uuid.UUID(int=rng.getrandbits(128), version=4)}@{to_ascii_name(domain)}>"


def _text_part(text: str, encoding: TextEncoding) -> tuple[list[str], bytes]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    if not lines.endswith("\n"):
        lines += "\n"
    data = lines.encode("utf-8")
    if encoding == "quoted-printable":
        content = binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")
    elif encoding == "base64":
        content = _base64_lines(data)
    elif encoding == "8bit":
        if any(len(line) > _MAXIMUM_LINE_OCTETS for line in data.split(b"\n")):
            raise PayloadValueError(
                "an 8bit text part cannot have lines over 998 octets; use quoted-printable"
            )
        content = data.replace(b"\n", b"\r\n")
    else:
        raise PayloadValueError(f"text encoding must be quoted-printable, base64 or 8bit (got {encoding!r})")
    head = ["Content-Type: text/plain; charset=UTF-8", f"Content-Transfer-Encoding: {encoding}"]
    return head, content


def _attachment_part(item: Attachment) -> tuple[list[str], bytes]:
    """Thunderbird names the file twice: RFC 2047 in Content-Type, RFC 2231 in Content-Disposition."""
    fold = " " if item.filename.isascii() else "\r\n "
    head = [
        f"Content-Type: {item.content_type};{fold}{rfc2047_parameter('name', item.filename)}",
        f"Content-Disposition: attachment;{fold}{rfc2231_parameter('filename', item.filename)}",
        "Content-Transfer-Encoding: base64",
    ]
    return head, _base64_lines(item.data)


def _base64_lines(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"".join(encoded[i : i + _BASE64_LINE] + b"\r\n" for i in range(0, len(encoded), _BASE64_LINE))


def _crlf_lines(lines: Sequence[str]) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("utf-8")

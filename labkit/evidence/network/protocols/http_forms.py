"""Request bodies and credentials the way browsers and tools encode them.

multipart/form-data follows the HTML standard's encoding (names and file names in
raw UTF-8 with only ``"`` CR LF escaped, as Chrome and Firefox send them);
x-www-form-urlencoded follows the WHATWG URL serializer, which differs from
``urllib.parse.urlencode`` on ``*`` and ``~``. The boundary generators reproduce
each client's format so a capture's boundary names the program that made it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from urllib.parse import quote

from labkit.errors import PayloadValueError

# WebKit's alphaNumericEncodingMap: 64 entries, the last two repeat "AB".
_WEBKIT_BOUNDARY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789AB"
_BOUNDARY = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$")
_URLENCODED_SAFE = frozenset(b"*-._0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class FormFile:
    """One ``<input type=file>`` part of an upload."""

    field_name: str
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


def multipart_form_data(
    fields: Sequence[tuple[str, str]], files: Sequence[FormFile], boundary: str
) -> tuple[str, bytes]:
    """(Content-Type header value, body) of a form upload: text fields first, then files.

    Raises:
        PayloadValueError: a boundary RFC 2046 forbids, or one that occurs in a part.
    """
    if not _BOUNDARY.match(boundary):
        raise PayloadValueError(f"multipart boundary {boundary!r} is not 1..70 RFC 2046 boundary characters")
    delimiter = b"--" + boundary.encode("ascii")
    out = bytearray()
    parts: list[tuple[bytes, bytes]] = [
        (_disposition(name, None), value.encode("utf-8")) for name, value in fields
    ]
    for item in files:
        head = (
            _disposition(item.field_name, item.filename)
            + b"\r\nContent-Type: "
            + item.content_type.encode("ascii")
        )
        parts.append((head, item.data))
    for head, content in parts:
        if delimiter in content:
            raise PayloadValueError(f"multipart boundary {boundary!r} occurs inside a part; choose another")
        out += delimiter + b"\r\n" + head + b"\r\n\r\n" + content + b"\r\n"
    out += delimiter + b"--\r\n"
    return f"multipart/form-data; boundary={boundary}", bytes(out)


def form_urlencoded(fields: Sequence[tuple[str, str]]) -> bytes:
    """application/x-www-form-urlencoded body, byte for byte what a browser submits."""
    return b"&".join(_urlencode(name) + b"=" + _urlencode(value) for name, value in fields)


def basic_auth_header(user: str, password: str) -> str:
    """The Authorization header value for HTTP Basic (RFC 7617, UTF-8 credentials)."""
    if ":" in user:
        raise PayloadValueError(f"a Basic-auth user name cannot contain ':' (got {user!r})")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def content_disposition_attachment(filename: str) -> str:
    """Content-Disposition for a download (RFC 6266): an ASCII fallback plus filename* when needed."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("\\", "_").replace('"', "_")
    if filename.isascii():
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def webkit_boundary(rng: Random) -> str:
    """A Chrome/Edge/Safari form boundary: ``----WebKitFormBoundary`` and 16 characters."""
    return "----WebKitFormBoundary" + "".join(rng.choice(_WEBKIT_BOUNDARY_ALPHABET) for _ in range(16))


def firefox_boundary(rng: Random) -> str:
    """A Firefox form boundary: 27 dashes and three random 32-bit numbers in decimal."""
    return "-" * 27 + "".join(str(rng.getrandbits(32)) for _ in range(3))


def curl_boundary(rng: Random) -> str:
    """A curl ``-F`` boundary: 24 dashes and 16 lower-case hex digits."""
    return "-" * 24 + f"{rng.getrandbits(64):016x}"


def _disposition(name: str, filename: str | None) -> bytes:
    text = f'Content-Disposition: form-data; name="{_escape(name)}"'
    if filename is not None:
        text += f'; filename="{_escape(filename)}"'
    return text.encode("utf-8")


def _escape(value: str) -> str:
    """The HTML standard's escaping of names in multipart/form-data."""
    return value.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _urlencode(text: str) -> bytes:
    out = bytearray()
    for byte in text.encode("utf-8"):
        if byte in _URLENCODED_SAFE:
            out.append(byte)
        elif byte == 0x20:
            out.append(0x2B)
        else:
            out += b"%%%02X" % byte
    return bytes(out)

"""HTTP/1.x messages found in one reassembled direction of a TCP stream.

Message framing follows RFC 9112 section 6: no body for HEAD responses, 1xx, 204 and 304;
``Transfer-Encoding: chunked`` before ``Content-Length``; a response with neither runs
to the end of the connection. Bodies are not read here, only located (as extents of
the stored stream), so a 1 GiB download costs no memory; :mod:`http_bodies` decodes
them. Parsing stops at the first thing that is not HTTP (a tunnel after CONNECT or a
101 upgrade, or bytes out of step).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedReader

from labkit.tools.net.stream_store import StoredDirection

MAX_HEAD = 64 * 1024
_REQUEST = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP/(\d\.\d)$")
_RESPONSE = re.compile(r"^HTTP/(\d\.\d) (\d{3})(?: (.*))?$")
_CHUNK_SIZE = re.compile(rb"^\s*([0-9A-Fa-f]+)")


@dataclass
class HttpMessage:
    """A request or response: its head, and where its body lies in the stored direction."""

    is_request: bool
    start: int  # stream position of the first byte
    end: int  # stream position after the last byte
    version: str
    method: str = ""
    uri: str = ""
    status: int = 0
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    framing: str = "none"  # "none", "length", "chunked" or "close"
    extents: list[tuple[int, int]] = field(default_factory=list)  # body bytes after transfer decoding
    complete: bool = True

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def body_length(self) -> int:
        """Length of the body after transfer decoding (de-chunking), before content decoding."""
        return sum(length for _, length in self.extents)


def parse_messages(
    direction: StoredDirection, requests: list[HttpMessage] | None = None
) -> Iterator[HttpMessage]:
    """Requests (``requests`` None) or the responses answering ``requests``, in stream order."""
    reader = direction.reader()
    position = 0
    answered = 0
    while position < direction.length:
        reader.seek(position)
        head = _read_head(reader)
        if head is None:
            return
        lines, head_end = head
        message = _start_line(lines[0], position, requests is None)
        if message is None:
            return
        message.headers = _headers(lines[1:])
        request = None
        if requests is not None and (message.status >= 200 or message.status == 101):
            request = requests[answered] if answered < len(requests) else None
            answered += 1
        message.framing = _framing(message, request)
        body_start = position + head_end
        if message.framing == "length":
            declared = _content_length(message)
            available = min(declared, direction.length - body_start)
            message.extents = [(body_start, available)] if available else []
            message.end = body_start + available
            message.complete = available == declared
        elif message.framing == "chunked":
            message.end, message.complete = _chunks(reader, body_start, direction.length, message.extents)
        elif message.framing == "close":
            message.extents = (
                [(body_start, direction.length - body_start)] if direction.length > body_start else []
            )
            message.end = direction.length
        else:
            message.end = body_start
        yield message
        if not message.complete or message.framing == "close" or _switches_protocol(message, request):
            return
        position = message.end


def _read_head(reader: BufferedReader) -> tuple[list[str], int] | None:
    """The head's lines (start line first) and its length in bytes, or None if it never ends."""
    start = reader.tell()
    lines: list[str] = []
    consumed = 0
    while True:
        line = reader.readline(MAX_HEAD)
        if not line:
            return None
        consumed += len(line)
        if consumed > MAX_HEAD or not line.endswith(b"\n"):
            return None
        text = line.rstrip(b"\r\n").decode("latin-1")
        if not text:
            if not lines:
                start += len(line)  # tolerate blank lines between messages (RFC 9112 2.2)
                consumed = 0
                continue
            return lines, reader.tell() - start
        lines.append(text)


def _start_line(line: str, position: int, want_request: bool) -> HttpMessage | None:
    if want_request:
        match = _REQUEST.match(line)
        if match is None:
            return None
        return HttpMessage(
            True, position, position, match.group(3), method=match.group(1), uri=match.group(2)
        )
    match = _RESPONSE.match(line)
    if match is None:
        return None
    return HttpMessage(
        False, position, position, match.group(1), status=int(match.group(2)), reason=match.group(3) or ""
    )


def _headers(lines: list[str]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and headers:  # obsolete line folding
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return headers


def _framing(message: HttpMessage, request: HttpMessage | None) -> str:
    if not message.is_request:
        if 100 <= message.status < 200 or message.status in (204, 304):
            return "none"
        if request is not None and (
            request.method == "HEAD" or (request.method == "CONNECT" and message.status < 300)
        ):
            return "none"
    if "chunked" in (message.header("Transfer-Encoding") or "").lower():
        return "chunked"
    if _content_length(message) >= 0 and message.header("Content-Length") is not None:
        return "length"
    return "none" if message.is_request else "close"


def _content_length(message: HttpMessage) -> int:
    value = (message.header("Content-Length") or "").split(",")[0].strip()
    return int(value) if value.isdigit() else -1


def _chunks(
    reader: BufferedReader, position: int, limit: int, extents: list[tuple[int, int]]
) -> tuple[int, bool]:
    """Walk the chunks from ``position``; (end of the message, complete?)."""
    reader.seek(position)
    while True:
        line = reader.readline(1024)
        match = _CHUNK_SIZE.match(line)
        if not line.endswith(b"\n") or match is None:
            return reader.tell(), False
        size = int(match.group(1), 16)
        data_start = reader.tell()
        if size == 0:
            while True:  # trailer fields, then the empty line
                trailer = reader.readline(MAX_HEAD)
                if not trailer.endswith(b"\n"):
                    return reader.tell(), False
                if not trailer.strip():
                    return reader.tell(), True
        available = min(size, limit - data_start)
        if available > 0:
            extents.append((data_start, available))
        if available < size:
            return limit, False
        reader.seek(data_start + size)
        if reader.readline(2).rstrip(b"\r\n"):  # the CRLF after the chunk data
            return reader.tell(), False


def _switches_protocol(message: HttpMessage, request: HttpMessage | None) -> bool:
    if message.is_request:
        return False
    return message.status == 101 or (
        request is not None and request.method == "CONNECT" and message.status < 300
    )

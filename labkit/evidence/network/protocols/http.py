"""HTTP/1.1 requests and responses, byte for byte as browsers, tools and web servers write them.

Requests take their header order from an :class:`HttpClient` (see
:mod:`http_clients`); responses take theirs from the server family named in the
``Server`` header (nginx, Apache, IIS), including each family's ETag format. Every
builder returns an :class:`HttpMessage`: the wire bytes and the *entity*, the object
itself with transfer and content codings removed, which is what Wireshark's
File > Export Objects > HTTP saves and what an answer key hashes.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from itertools import count
from random import Random
from urllib.parse import quote

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import to_ascii_name
from labkit.evidence.network.protocols.http_clients import CHROME_WINDOWS, HttpClient

#: zlib level for Content-Encoding: gzip (Apache mod_deflate's and zlib's default).
GZIP_LEVEL = 6
_BODY_METHODS = ("POST", "PUT", "PATCH")
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_TARGET_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))
_PORT_SUFFIX = re.compile(r":\d{1,5}$")
_FILETIME_EPOCH_OFFSET_S = 11_644_473_600

_SERVER_ORDERS: dict[str, tuple[str, ...]] = {
    "nginx": (
        "Server", "Date", "Content-Type", "Content-Length", "Last-Modified", "Transfer-Encoding",
        "Connection", "Set-Cookie", "ETag", "Content-Encoding", "Accept-Ranges",
    ),
    "apache": (
        "Date", "Server", "Set-Cookie", "Last-Modified", "ETag", "Accept-Ranges", "Content-Length", "Vary",
        "Content-Encoding", "Keep-Alive", "Connection", "Transfer-Encoding", "Content-Type",
    ),
    "iis": (
        "Transfer-Encoding", "Content-Type", "Content-Encoding", "Last-Modified", "Accept-Ranges", "ETag",
        "Vary", "Server", "Set-Cookie", "Date", "Content-Length", "Connection",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class HttpMessage:
    """One HTTP message: ``data`` goes on the wire; ``entity`` is the object it carries, decoded."""

    data: bytes
    entity: bytes


def http_request(
    method: str,
    host: str,
    path: str,
    *,
    client: HttpClient = CHROME_WINDOWS,
    body: bytes = b"",
    content_type: str | None = None,
    cookies: Sequence[tuple[str, str]] = (),
    authorization: str | None = None,
    referer: str | None = None,
    origin: str | None = None,
    accept_language: str | None = None,
    user_agent: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> HttpMessage:
    """A request from ``client``; ``headers`` replace same-named template headers or follow them.

    Browsers get ``Origin: http://<host>`` on POST/PUT/PATCH unless ``origin`` is given.
    Non-ASCII in ``path`` is percent-encoded (UTF-8) and an IDN ``host`` sent as
    A-labels, as browsers do.
    """
    method = method.upper()
    if not _TOKEN.match(method):
        raise PayloadValueError(f"HTTP method {method!r} is not a token")
    has_body = method in _BODY_METHODS
    if body and not has_body:
        raise PayloadValueError(f"an HTTP {method} request carries no body here; use POST, PUT or PATCH")
    template = client.body_headers if has_body else client.headers
    if template is None:
        raise PayloadValueError(f"the {client.name} client profile cannot send a {method} request body")
    host_header = _host_header(host)
    if has_body and origin is None and client.is_browser:
        origin = f"http://{host_header}"
    values: dict[str, str | None] = {
        "Host": host_header,
        "User-Agent": user_agent or client.user_agent,
        "Content-Length": str(len(body)) if has_body else None,
        "Content-Type": content_type if has_body else None,
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies) or None,
        "Authorization": authorization,
        "Referer": referer,
        "Origin": origin,
        "Accept-Language": accept_language or client.accept_language,
    }
    lines = [(name, value if value is not None else values.get(name)) for name, value in template]
    start = f"{method} {_request_target(path)} HTTP/1.1"
    return HttpMessage(_head(start, _merge(lines, headers)) + body, body)


def http_response(
    status: int,
    *,
    date: datetime,
    reason: str | None = None,
    body: bytes = b"",
    content_type: str | None = "text/html",
    server: str = "nginx/1.24.0",
    gzip: bool = False,
    chunked: bool = False,
    chunk_sizes: Sequence[int] | None = None,
    rng: Random | None = None,
    set_cookies: Sequence[str] = (),
    last_modified: datetime | None = None,
    etag: str | None = None,
    keep_alive: bool = True,
    headers: Sequence[tuple[str, str]] = (),
) -> HttpMessage:
    """A response in the header order and ETag style of the ``server`` family.

    ``last_modified`` marks a static file: the server's ETag (unless ``etag`` is given)
    and ``Accept-Ranges`` follow. ``gzip`` compresses the body (mtime 0, level
    :data:`GZIP_LEVEL`: deterministic). ``chunked`` cuts the (compressed) body into
    ``chunk_sizes`` in turn, the last size repeating, or into sizes drawn from ``rng``.
    """
    family = _server_family(server)
    if status < 100 or status > 599:
        raise PayloadValueError(f"HTTP status must be 100..599 (got {status})")
    bodiless = status < 200 or status in (204, 304)
    if bodiless and body:
        raise PayloadValueError(f"an HTTP {status} response has no body")
    encoded = _gzip(body) if gzip and body else body
    values: dict[str, list[str]] = {"Server": [server], "Date": [http_date(date)]}
    if not bodiless:
        if content_type:
            values["Content-Type"] = [content_type]
        if chunked:
            values["Transfer-Encoding"] = ["chunked"]
        else:
            values["Content-Length"] = [str(len(encoded))]
    if gzip and body:
        values["Content-Encoding"] = ["gzip"]
        if family in ("apache", "iis"):
            values["Vary"] = ["Accept-Encoding"]
    if last_modified is not None:
        values["Last-Modified"] = [http_date(last_modified)]
        values["ETag"] = [etag or _server_etag(family, last_modified, len(body), gzip=gzip and bool(body))]
        if not gzip:
            values["Accept-Ranges"] = ["bytes"]
    elif etag is not None:
        values["ETag"] = [etag]
    if set_cookies:
        values["Set-Cookie"] = list(set_cookies)
    if not keep_alive:
        values["Connection"] = ["close"]
    elif family == "nginx":
        values["Connection"] = ["keep-alive"]
    elif family == "apache":
        values["Keep-Alive"] = ["timeout=5, max=100"]
        values["Connection"] = ["Keep-Alive"]
    lines = [(name, value) for name in _SERVER_ORDERS[family] for value in values.get(name, [])]
    start = f"HTTP/1.1 {status} {reason or _reason(status)}"
    payload = _chunk(encoded, chunk_sizes, rng) if chunked and not bodiless else encoded
    return HttpMessage(_head(start, _merge(lines, headers)) + payload, body)


def http_date(moment: datetime) -> str:
    """IMF-fixdate (RFC 7231 7.1.1.1): ``Mon, 08 Jan 2024 04:15:42 GMT``."""
    if moment.tzinfo is None:
        raise PayloadValueError(f"HTTP dates need an aware datetime (got naive {moment.isoformat()})")
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _server_family(server: str) -> str:
    lowered = server.lower()
    if lowered.startswith("apache"):
        return "apache"
    if lowered.startswith("microsoft-iis"):
        return "iis"
    return "nginx"


def _server_etag(family: str, modified: datetime, size: int, *, gzip: bool) -> str:
    """Each server's strong validator for a static file, and how it weakens it when compressing."""
    if modified.tzinfo is None:
        raise PayloadValueError("Last-Modified needs an aware datetime")
    seconds = int(modified.timestamp())
    if family == "apache":
        microseconds = seconds * 1_000_000 + modified.microsecond
        return f'"{size:x}-{microseconds:x}{"-gzip" if gzip else ""}"'
    if family == "iis":
        filetime = (seconds + _FILETIME_EPOCH_OFFSET_S) * 10_000_000 + modified.microsecond * 10
        return f'"{filetime:x}:0"'
    return f'{"W/" if gzip else ""}"{seconds:x}-{size:x}"'


def _gzip(data: bytes) -> bytes:
    """gzip member as zlib writes it for servers: mtime 0, OS 3 (Unix), no file name."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def _chunk(data: bytes, sizes: Sequence[int] | None, rng: Random | None) -> bytes:
    """Chunked transfer coding; drawn sizes are 1 to 8 KiB, as servers flush their output buffers."""
    lengths: Iterator[int]
    if sizes is not None:
        if not sizes or any(size < 1 for size in sizes):
            raise PayloadValueError(f"chunk sizes must be positive (got {list(sizes)})")
        lengths = (sizes[min(index, len(sizes) - 1)] for index in count())
    elif rng is not None:
        lengths = (rng.randint(1024, 8192) for _ in count())
    else:
        raise PayloadValueError("a chunked response needs chunk_sizes or an rng to draw them from")
    out = bytearray()
    offset = 0
    while offset < len(data):
        piece = data[offset : offset + next(lengths)]
        out += f"{len(piece):x}\r\n".encode("ascii") + piece + b"\r\n"
        offset += len(piece)
    return bytes(out + b"0\r\n\r\n")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        raise PayloadValueError(f"HTTP status {status} has no standard reason phrase; pass reason=") from None


def _request_target(path: str) -> str:
    if not (path.startswith("/") or path.startswith("http://") or path == "*"):
        raise PayloadValueError(f"HTTP request target must start with '/' (got {path!r})")
    return quote(path, safe=_TARGET_SAFE)


def _host_header(host: str) -> str:
    if host.startswith("["):
        return host
    port = ""
    if match := _PORT_SUFFIX.search(host):
        host, port = host[: match.start()], match.group()
    return to_ascii_name(host) + port


def _merge(lines: list[tuple[str, str | None]], extra: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Template lines with values, extra headers replacing same-named ones in place or appended."""
    merged = [(name, value) for name, value in lines if value is not None]
    for name, value in extra:
        positions = [index for index, (present, _) in enumerate(merged) if present.lower() == name.lower()]
        if positions:
            merged[positions[0]] = (merged[positions[0]][0], value)
        else:
            merged.append((name, value))
    return merged


def _head(start: str, lines: list[tuple[str, str]]) -> bytes:
    for name, value in lines:
        if not _TOKEN.match(name) or "\r" in value or "\n" in value:
            raise PayloadValueError(f"HTTP header {name!r}: {value!r} is not a valid header line")
    text = start + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in lines) + "\r\n"
    return text.encode("utf-8")

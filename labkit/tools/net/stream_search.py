"""``labkit net search``: a string or bytes regex over reassembled TCP streams and UDP/ICMP payloads.

TCP data is searched per direction in sequence order, in windows that overlap by
:data:`OVERLAP` bytes, so a match split across segments (or windows) is found once;
matches up to that long are found whole. A gap (bytes never captured) breaks the
search: no match spans it. Each hit names the stream, the direction, the offset in
the reassembled direction (as Wireshark's Follow TCP Stream counts it), the frame that
carries the first matched byte, and the bytes around it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import UsageError
from labkit.tools.net.capture_pass import PassListener, TcpStream, run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.decoded_packet import Packet
from labkit.tools.net.packet_time import PacketTime, packet_time
from labkit.tools.net.tcp_reassembly import Piece

WINDOW = 256 * 1024
OVERLAP = 64 * 1024


@dataclass(frozen=True)
class SearchHit:
    protocol: str  # "tcp", "udp", "icmp" or "icmpv6"
    stream: int | None  # tcp.stream / udp.stream (None for ICMP)
    source: str  # "ip:port" of the sender of the matched bytes
    target: str
    direction: str  # "client->server" or "server->client" for TCP; "" otherwise
    offset: int  # in the reassembled direction (TCP) or in the payload (UDP, ICMP)
    frame: int  # the frame carrying the first matched byte
    time: PacketTime | None
    match: bytes
    before: bytes
    after: bytes


@dataclass(frozen=True)
class SearchReport:
    path: str
    pattern: str
    regex: bool
    ignore_case: bool
    hits: tuple[SearchHit, ...]
    limit_reached: bool
    truncation: Truncation | None


def compile_pattern(pattern: str, regex: bool, ignore_case: bool) -> re.Pattern[bytes]:
    """A bytes pattern: the string's UTF-8 bytes, or a bytes regex (``\\x00`` escapes work)."""
    if not pattern:
        raise UsageError("the search pattern is empty")
    flags = re.IGNORECASE if ignore_case else 0
    source = pattern.encode("utf-8", "surrogateescape")
    try:
        return re.compile(source if regex else re.escape(source), flags | re.DOTALL)
    except re.error as exc:
        raise UsageError(f"invalid regular expression {pattern!r}: {exc}") from None


def _endpoint(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


class _Window:
    """The not-yet-searched tail of one TCP direction, with the frames that carried it."""

    __slots__ = ("base", "buffer", "frames", "positions", "reported_until")

    def __init__(self, base: int) -> None:
        self.base = base
        self.buffer = bytearray()
        self.positions: list[int] = []
        self.frames: list[tuple[int, int | None]] = []
        self.reported_until = base


class SearchListener(PassListener):
    wants_tcp_data = True

    def __init__(self, compiled: re.Pattern[bytes], context: int, limit: int) -> None:
        self.compiled, self.context, self.limit = compiled, context, limit
        self.hits: list[SearchHit] = []
        self.limit_reached = False
        self._windows: dict[tuple[int, bool], _Window] = {}

    def packet(self, packet: Packet) -> None:
        if packet.protocol == "tcp" or not packet.payload or packet.protocol is None:
            return
        time = packet_time(packet.time_ns, packet.interface.timestamp_digits)
        ports = packet.protocol == "udp"
        source = _endpoint(packet.src_ip or "", packet.src_port) if ports else packet.src_ip or ""
        target = _endpoint(packet.dst_ip or "", packet.dst_port) if ports else packet.dst_ip or ""
        payload = packet.payload
        for match in self.compiled.finditer(payload):
            self._hit(
                packet.protocol,
                packet.stream,
                source,
                target,
                "",
                match.start(),
                packet.number,
                time,
                payload,
                match.start(),
                match.end(),
            )

    def tcp_piece(self, stream: TcpStream, from_client: bool, piece: Piece) -> None:
        position, data, length, frame, time_ns = piece
        key = (stream.index, from_client)
        window = self._windows.get(key)
        if data is None:  # a gap: search what came before it, start again after it
            if window is not None:
                self._search(stream, from_client, window, final=True)
            self._windows[key] = _Window(position + length)
            return
        if window is None:
            window = self._windows[key] = _Window(position)
        window.positions.append(position)
        window.frames.append((frame, time_ns))
        window.buffer += data
        if len(window.buffer) >= WINDOW + OVERLAP:
            self._search(stream, from_client, window, final=False)

    def tcp_end(self, stream: TcpStream) -> None:
        for from_client in (True, False):
            window = self._windows.pop((stream.index, from_client), None)
            if window is not None:
                self._search(stream, from_client, window, final=True)

    def _search(self, stream: TcpStream, from_client: bool, window: _Window, final: bool) -> None:
        buffer = window.buffer
        cutoff = len(buffer) if final else len(buffer) - OVERLAP
        sender, receiver = (stream.client, stream.server) if from_client else (stream.server, stream.client)
        start_at = window.reported_until - window.base
        for match in self.compiled.finditer(buffer, max(start_at, 0)):
            if match.start() >= cutoff:
                break
            offset = window.base + match.start()
            index = bisect.bisect_right(window.positions, offset) - 1
            frame, time_ns = window.frames[max(index, 0)]
            self._hit(
                "tcp",
                stream.index,
                _endpoint(*sender),
                _endpoint(*receiver),
                "client->server" if from_client else "server->client",
                offset,
                frame,
                packet_time(time_ns, stream.digits),
                buffer,
                match.start(),
                match.end(),
            )
            window.reported_until = offset + max(match.end() - match.start(), 1)
        if not final:
            drop = len(buffer) - OVERLAP
            window.base += drop
            del buffer[:drop]
            keep = max(bisect.bisect_right(window.positions, window.base) - 1, 0)
            del window.positions[:keep], window.frames[:keep]

    def _hit(
        self,
        protocol: str,
        stream: int | None,
        source: str,
        target: str,
        direction: str,
        offset: int,
        frame: int,
        time: PacketTime | None,
        data: bytes | bytearray,
        start: int,
        end: int,
    ) -> None:
        if len(self.hits) >= self.limit:
            self.limit_reached = True
            return
        self.hits.append(
            SearchHit(
                protocol,
                stream,
                source,
                target,
                direction,
                offset,
                frame,
                time,
                bytes(data[start : min(end, start + 1024)]),
                bytes(data[max(0, start - self.context) : start]),
                bytes(data[end : end + self.context]),
            )
        )


def search_capture(
    path: str | Path,
    pattern: str,
    *,
    regex: bool = False,
    ignore_case: bool = False,
    context: int = 32,
    limit: int = 1000,
) -> SearchReport:
    """Every occurrence of ``pattern`` in ``path``, ordered by frame (then stream and offset)."""
    compiled = compile_pattern(pattern, regex, ignore_case)
    listener = SearchListener(compiled, context, limit)
    report = run_pass(path, [listener])
    hits = sorted(listener.hits, key=lambda hit: (hit.frame, hit.protocol, hit.stream or 0, hit.offset))
    return SearchReport(
        report.path, pattern, regex, ignore_case, tuple(hits), listener.limit_reached, report.truncation
    )

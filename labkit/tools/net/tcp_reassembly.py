"""One direction of a TCP connection put back in sequence-number order.

Segments are placed by their sequence number relative to the first one (the SYN's
plus one, or the first segment seen when the capture starts mid-connection), with
32-bit wrap-around handled, so stream positions equal Wireshark's relative sequence
numbers minus one. Retransmitted and overlapping bytes are delivered once (the first
copy wins, as the receiver keeps it); segments ahead of the next expected byte wait,
within a budget; bytes never captured become a *gap* of known length, delivered as
such so a reader can tell missing data from data.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

_MASK = 0xFFFFFFFF
_HALF = 0x80000000
#: Out-of-order bytes held per direction before the hole is declared a gap.
PENDING_BUDGET = 8 * 1024 * 1024

# A delivered piece: (stream position, bytes or None for a gap, length, frame number, time in ns)
Piece = tuple[int, bytes | None, int, int, int | None]


class DirectionReassembler:
    """Turns the segments of one direction into in-order pieces."""

    __slots__ = ("_anchor", "_counter", "_pending", "_pending_bytes", "fin_position", "position")

    def __init__(self) -> None:
        self._anchor: int | None = None  # sequence number of stream position 0
        self.position = 0  # next stream position expected
        self.fin_position: int | None = None
        self._pending: list[tuple[int, int, bytes, int, int, int | None]] = []
        self._pending_bytes = 0
        self._counter = 0

    @property
    def finished(self) -> bool:
        """Everything up to this direction's FIN has been delivered."""
        return self.fin_position is not None and self.position >= self.fin_position

    def syn(self, seq: int) -> None:
        if self._anchor is None:
            self._anchor = (seq + 1) & _MASK

    def segment(
        self, seq: int, data: bytes, length: int, fin: bool, frame: int, time_ns: int | None
    ) -> Iterator[Piece]:
        """Add one segment (``length`` may exceed ``len(data)`` when the frame was cut by the snaplen)."""
        if self._anchor is None:
            self._anchor = seq
        delta = (seq - self._anchor - self.position) & _MASK
        if delta >= _HALF:
            delta -= 1 << 32
        start = self.position + delta
        if fin and self.fin_position is None:
            self.fin_position = start + length
        if length <= 0 or (self.finished and start >= self.position):
            return
        if delta > 0:
            self._counter += 1
            heapq.heappush(self._pending, (start, self._counter, data, length, frame, time_ns))
            self._pending_bytes += length
            if self._pending_bytes > PENDING_BUDGET:
                yield from self._skip_to_pending()
            return
        yield from self._deliver(start, data, length, frame, time_ns)
        yield from self._drain()

    def flush(self) -> Iterator[Piece]:
        """At the end of the connection: whatever still waits, behind gaps for what never came."""
        while self._pending:
            yield from self._skip_to_pending()
        if self.fin_position is not None and self.fin_position > self.position:
            gap = self.fin_position - self.position
            yield (self.position, None, gap, 0, None)
            self.position = self.fin_position

    def _skip_to_pending(self) -> Iterator[Piece]:
        start = self._pending[0][0]
        if start > self.position:
            yield (self.position, None, start - self.position, self._pending[0][4], self._pending[0][5])
            self.position = start
        yield from self._drain()

    def _drain(self) -> Iterator[Piece]:
        pending = self._pending
        while pending and pending[0][0] <= self.position:
            start, _, data, length, frame, time_ns = heapq.heappop(pending)
            self._pending_bytes -= length
            yield from self._deliver(start, data, length, frame, time_ns)

    def _deliver(
        self, start: int, data: bytes, length: int, frame: int, time_ns: int | None
    ) -> Iterator[Piece]:
        end = start + length
        if end <= self.position:
            return  # a retransmission of bytes already delivered
        if self.fin_position is not None and end > self.fin_position:
            end = self.fin_position
        skip = self.position - start
        captured_end = start + len(data)
        if captured_end > self.position:
            piece = data[skip : end - start] if skip or end - start < len(data) else data
            if piece:
                yield (self.position, piece, len(piece), frame, time_ns)
                self.position += len(piece)
        if end > self.position:  # bytes the snaplen cut off
            yield (self.position, None, end - self.position, frame, time_ns)
            self.position = end

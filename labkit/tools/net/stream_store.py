"""Reassembled TCP data kept for later parsing, spilled to a temporary file so memory stays flat.

Each stored direction keeps a short tail in memory; full tails go to one
``tempfile.SpooledTemporaryFile`` shared by the whole pass (in memory up to a few
MiB, then on disk), so a capture with one 1 GiB download or ten thousand open
connections needs neither 1 GiB of memory nor ten thousand file descriptors (the
file only grows: its disk space comes back when the pass ends and it is closed). Gaps
(bytes never captured) take no space: reading them gives zeros. A stored direction
also remembers which frame carried which position, for frame numbers in reports.
"""

from __future__ import annotations

import bisect
import io
import tempfile
from array import array

TAIL_LIMIT = 256 * 1024
MEMORY_IN_SPOOL = 4 * 1024 * 1024
TOTAL_TAIL_BUDGET = 32 * 1024 * 1024


class SpillArea:
    """Append-only bytes shared by every stored stream of one pass."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=MEMORY_IN_SPOOL)
        self._end = 0
        self.tail_bytes = 0  # bytes held in the tails of all stored directions
        self._directions: dict[int, StoredDirection] = {}

    def append(self, data: bytes | bytearray) -> int:
        self._file.seek(self._end)
        self._file.write(data)
        offset = self._end
        self._end += len(data)
        return offset

    def read(self, offset: int, length: int) -> bytes:
        self._file.seek(offset)
        return self._file.read(length)

    def direction(self) -> StoredDirection:
        stored = StoredDirection(self)
        self._directions[id(stored)] = stored
        return stored

    def release(self, stored: StoredDirection) -> None:
        self.tail_bytes -= len(stored.tail)
        stored.tail = bytearray()
        self._directions.pop(id(stored), None)

    def enforce_budget(self) -> None:
        if self.tail_bytes > TOTAL_TAIL_BUDGET:
            for stored in self._directions.values():
                stored.spill()

    def close(self) -> None:
        self._file.close()


class StoredDirection:
    """One direction's bytes by stream position: spilled extents, then the in-memory tail."""

    def __init__(self, area: SpillArea) -> None:
        self._area = area
        self._starts: list[int] = []  # stream position of each extent (spilled or gap)
        self._extents: list[tuple[int, int, int]] = []  # (position, file offset or -1 for a gap, length)
        self.tail = bytearray()
        self._tail_start = 0
        self.length = 0
        self.gaps: list[tuple[int, int]] = []
        self._frame_positions = array("q")
        self._frame_numbers = array("q")
        self._frame_times = array("q")

    def append(self, data: bytes, frame: int, time_ns: int | None) -> None:
        self._note_frame(frame, time_ns)
        self.tail += data
        self.length += len(data)
        self._area.tail_bytes += len(data)
        if len(self.tail) >= TAIL_LIMIT:
            self.spill()
        else:
            self._area.enforce_budget()

    def gap(self, length: int, frame: int, time_ns: int | None) -> None:
        self.spill()
        self._note_frame(frame, time_ns)
        self.gaps.append((self.length, length))
        self._starts.append(self.length)
        self._extents.append((self.length, -1, length))
        self.length += length
        self._tail_start = self.length

    def spill(self) -> None:
        if self.tail:
            offset = self._area.append(self.tail)
            self._starts.append(self._tail_start)
            self._extents.append((self._tail_start, offset, len(self.tail)))
            self._area.tail_bytes -= len(self.tail)
            self.tail = bytearray()
        self._tail_start = self.length

    def read(self, position: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``position`` (zeros where a gap is)."""
        end = min(self.length, position + size)
        if position >= end:
            return b""
        if position >= self._tail_start:
            return bytes(self.tail[position - self._tail_start : end - self._tail_start])
        parts = []
        index = max(bisect.bisect_right(self._starts, position) - 1, 0)
        while position < end and index < len(self._extents):
            start, offset, length = self._extents[index]
            take = min(end, start + length) - position
            if take > 0:
                inside = position - start
                parts.append(bytes(take) if offset < 0 else self._area.read(offset + inside, take))
                position += take
            index += 1
        if position < end:
            parts.append(bytes(self.tail[position - self._tail_start : end - self._tail_start]))
        return b"".join(parts)

    def missing_between(self, start: int, end: int) -> int:
        """Bytes between ``start`` and ``end`` that were never captured (read back as zeros)."""
        return sum(max(0, min(end, gap + length) - max(start, gap)) for gap, length in self.gaps)

    def frame_at(self, position: int) -> tuple[int, int | None]:
        """(frame number, time in ns) of the frame that carried the byte at ``position``."""
        if not self._frame_positions:
            return 0, None
        index = max(bisect.bisect_right(self._frame_positions, position) - 1, 0)
        time_ns = self._frame_times[index]
        return self._frame_numbers[index], None if time_ns < 0 else time_ns

    def reader(self, start: int = 0) -> io.BufferedReader:
        """A seekable binary file over the stored bytes, for parsers that read lines and lengths."""
        return io.BufferedReader(_DirectionRaw(self, start), buffer_size=64 * 1024)

    def _note_frame(self, frame: int, time_ns: int | None) -> None:
        if self._frame_numbers and self._frame_numbers[-1] == frame:
            return
        self._frame_positions.append(self.length)
        self._frame_numbers.append(frame)
        self._frame_times.append(-1 if time_ns is None else time_ns)


class _DirectionRaw(io.RawIOBase):
    def __init__(self, stored: StoredDirection, start: int) -> None:
        self._stored = stored
        self._position = start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._stored.length}[whence]
        self._position = max(base + offset, 0)
        return self._position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stored.read(self._position, len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

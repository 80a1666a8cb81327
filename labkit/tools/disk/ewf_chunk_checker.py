"""Check E01 chunks as they are read, as ``ewfverify`` would, and remember which fail.

pyewf gives zeros for a chunk whose checksum fails; checking each chunk once, when the
media bytes from it are first read, costs one more read of the (small) stored chunk.
"""

from __future__ import annotations

import zlib
from typing import BinaryIO

from labkit.tools.disk.ewf_layout import EwfLayout, SectorRange

_CHECKSUM_SIZE = 4


class ChunkChecker:
    """Checks chunks on demand (each once) and remembers the ones that fail."""

    def __init__(self, layout: EwfLayout) -> None:
        self.layout = layout
        self._checked = bytearray(len(layout.offset_of))
        self.failed: set[int] = set()
        self._streams: dict[int, BinaryIO] = {}

    def check_span(self, offset: int, size: int) -> None:
        """Check every chunk that media bytes ``offset`` to ``offset + size`` come from."""
        if size <= 0:
            return
        chunk_size = self.layout.chunk_size
        last = min((offset + size - 1) // chunk_size, len(self._checked) - 1)
        for chunk in range(offset // chunk_size, last + 1):
            if not self._checked[chunk]:
                self._checked[chunk] = 1
                if not self._chunk_holds(chunk):
                    self.failed.add(chunk)

    def damaged_sectors(self) -> tuple[SectorRange, ...]:
        """The failed chunks as merged sector ranges, in order."""
        ranges: list[SectorRange] = []
        for chunk in sorted(self.failed):
            span = self.layout.sectors_of(chunk)
            if ranges and ranges[-1].last + 1 == span.first:
                ranges[-1] = SectorRange(ranges[-1].first, span.last)
            else:
                ranges.append(span)
        return tuple(ranges)

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams.clear()

    def _chunk_holds(self, chunk: int) -> bool:
        layout = self.layout
        segment = layout.segment_of[chunk]
        stream = self._streams.get(segment)
        if stream is None:
            stream = self._streams[segment] = layout.segments[segment].open("rb")
        stream.seek(layout.offset_of[chunk])
        stored = stream.read(layout.size_of[chunk])
        if len(stored) != layout.size_of[chunk]:
            return False
        if layout.compressed[chunk]:
            try:
                inflater = zlib.decompressobj()
                data = inflater.decompress(stored, layout.chunk_size + 1)
                return inflater.eof and len(data) <= layout.chunk_size
            except zlib.error:
                return False
        body, checksum = stored[:-_CHECKSUM_SIZE], stored[-_CHECKSUM_SIZE:]
        return zlib.adler32(body) & 0xFFFFFFFF == int.from_bytes(checksum, "little")

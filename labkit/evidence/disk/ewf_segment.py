"""One EWF segment file (.E01, .E02, ...) being written, section by section.

The writer streams: chunks go to disk as they come; only the current table's
offsets (at most :data:`MAXIMUM_TABLE_ENTRIES` integers) stay in memory. A
"sectors" section is written with a placeholder descriptor that is patched
once its size is known, then followed by its "table" and its "table2" mirror.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from labkit.formats.ewf_structures import (
    FILE_HEADER,
    SECTION_DESCRIPTOR,
    SECTION_DESCRIPTOR_SIZE,
    TABLE_ENTRY_COMPRESSED,
    TABLE_FOOTER_SIZE,
    TABLE_HEADER,
    TABLE_HEADER_SIZE,
    sealed,
    table_entries,
)

#: Chunks per table: the EWF limit every reader (FTK 1 included) accepts; a
#: segment holding more simply gets further sectors/table/table2 triples.
MAXIMUM_TABLE_ENTRIES = 16375
_MAXIMUM_RELATIVE_OFFSET = 0x7FFFFFFF


def section_descriptor(section_type: str, offset: int, data_size: int) -> bytes:
    """The 76-byte descriptor of a section starting at ``offset`` with ``data_size`` bytes after it."""
    size = SECTION_DESCRIPTOR_SIZE + data_size
    return sealed(SECTION_DESCRIPTOR, type=section_type, next_offset=offset + size, size=size)


def table_section_size(entry_count: int) -> int:
    """Bytes taken by one "table" (or "table2") section holding ``entry_count`` offsets."""
    return SECTION_DESCRIPTOR_SIZE + TABLE_HEADER_SIZE + 4 * entry_count + TABLE_FOOTER_SIZE


class SegmentFile:
    """An open segment file, positioned at its end."""

    def __init__(self, path: Path, segment_number: int) -> None:
        self.path = path
        self.segment_number = segment_number
        self._stream: BinaryIO = open(path, "wb")
        self._stream.write(FILE_HEADER.build({"segment_number": segment_number}))
        self._sectors_offset: int | None = None
        self._entries: list[int] = []

    @property
    def position(self) -> int:
        """Where the next byte goes (the segment file's current size)."""
        return self._stream.tell()

    @property
    def sectors_open(self) -> bool:
        """Whether a "sectors" section is accepting chunks."""
        return self._sectors_offset is not None

    @property
    def open_entry_count(self) -> int:
        """Chunks in the open "sectors" section."""
        return len(self._entries)

    def write_section(self, section_type: str, data: bytes) -> None:
        """Append a complete section: descriptor, then ``data``."""
        self._stream.write(section_descriptor(section_type, self.position, len(data)))
        self._stream.write(data)

    def write_last_section(self, section_type: str) -> None:
        """Append "next" or "done": a bare descriptor pointing at itself, size 0 as EnCase writes it."""
        offset = self.position
        self._stream.write(sealed(SECTION_DESCRIPTOR, type=section_type, next_offset=offset, size=0))

    def open_sectors(self) -> None:
        """Start a "sectors" section (descriptor patched by :meth:`close_sectors`)."""
        self._sectors_offset = self.position
        self._entries = []
        self._stream.write(bytes(SECTION_DESCRIPTOR_SIZE))

    def add_chunk(self, stored: bytes, *, compressed: bool) -> None:
        """Append one stored chunk to the open "sectors" section and remember where it went."""
        assert self._sectors_offset is not None, "open_sectors() first"
        relative = self.position - self._sectors_offset
        assert relative <= _MAXIMUM_RELATIVE_OFFSET  # guaranteed by MAXIMUM_TABLE_ENTRIES x chunk size
        self._entries.append(relative | (TABLE_ENTRY_COMPRESSED if compressed else 0))
        self._stream.write(stored)

    def close_sectors(self) -> None:
        """Finish the "sectors" section and write its "table" and "table2" sections."""
        assert self._sectors_offset is not None, "no sectors section is open"
        end = self.position
        data_size = end - self._sectors_offset - SECTION_DESCRIPTOR_SIZE
        self._stream.seek(self._sectors_offset)
        self._stream.write(section_descriptor("sectors", self._sectors_offset, data_size))
        self._stream.seek(end)
        table = sealed(TABLE_HEADER, entry_count=len(self._entries), base_offset=self._sectors_offset)
        table += table_entries(len(self._entries)).build({"body": {"value": self._entries}})
        self.write_section("table", table)
        self.write_section("table2", table)
        self._sectors_offset = None
        self._entries = []

    def close(self) -> None:
        """Flush and close the file."""
        self._stream.close()

    def discard(self) -> None:
        """Close and delete a half-written segment."""
        if not self._stream.closed:
            self._stream.close()
        self.path.unlink(missing_ok=True)

"""Where every chunk of an E01 lies, and whether its checksum holds.

libewf (pyewf) reads an E01 with "zero on error": a chunk whose Adler-32 or zlib
stream fails comes back as zeros, and a segment cut short opens as a smaller (even
empty) medium, with no error either way. An examiner must never hash or carve such
data unawares, so the segments are walked here with the declarations of
:mod:`labkit.formats.ewf_structures`: the volume section says how big the medium is,
the table sections where each chunk is, and each chunk is checked as ``ewfverify``
checks it (Adler-32 after a stored chunk; zlib's own Adler-32 for a compressed one).
"""

from __future__ import annotations

import array
import bisect
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from construct import ConstructError

from labkit.errors import ImageFormatError
from labkit.formats.ewf_structures import (
    EVF_SIGNATURE,
    FILE_HEADER,
    SECTION_DESCRIPTOR,
    SECTION_DESCRIPTOR_SIZE,
    TABLE_ENTRY_COMPRESSED,
    TABLE_FOOTER_SIZE,
    TABLE_HEADER,
    TABLE_HEADER_SIZE,
    VOLUME_DATA,
    VOLUME_DATA_SIZE,
)

_FILE_HEADER_SIZE = FILE_HEADER.sizeof()
_LAST_SECTIONS = ("done", "next")


@dataclass(frozen=True)
class SectorRange:
    """Sectors ``first`` to ``last`` inclusive (``ewfverify``'s "at sector(s): a - b")."""

    first: int
    last: int


@dataclass
class EwfLayout:
    """Geometry from the volume section and the place of every chunk (parallel arrays)."""

    segments: tuple[Path, ...]
    bytes_per_sector: int
    sectors_per_chunk: int
    sector_count: int
    segment_of: array.array[int] = field(default_factory=lambda: array.array("H"))
    offset_of: array.array[int] = field(default_factory=lambda: array.array("Q"))
    size_of: array.array[int] = field(default_factory=lambda: array.array("Q"))
    compressed: bytearray = field(default_factory=bytearray)
    table_footer: bool = True
    #: What the walk found wrong (a cut segment, a table whose copies both fail), for the error.
    problems: list[str] = field(default_factory=list)

    @property
    def chunk_size(self) -> int:
        return self.sectors_per_chunk * self.bytes_per_sector

    @property
    def media_size(self) -> int:
        return self.sector_count * self.bytes_per_sector

    @property
    def chunks_needed(self) -> int:
        return -(-self.sector_count // self.sectors_per_chunk)

    def sectors_of(self, chunk: int) -> SectorRange:
        first = chunk * self.sectors_per_chunk
        return SectorRange(first, min(first + self.sectors_per_chunk, self.sector_count) - 1)


def read_layout(
    segments: list[str] | tuple[str, ...], image_path: Path, geometry: tuple[int, int, int]
) -> EwfLayout:
    """Walk every segment's sections; a truncated or missing piece is an :class:`ImageFormatError`.

    ``geometry`` (bytes per sector, sectors per chunk, sectors) is libewf's reading of
    the volume section, used for the short SMART (.s01) form that has no declaration here.
    """
    ordered = _order_segments([Path(s) for s in segments], image_path)
    layout: EwfLayout | None = None
    for index, segment in enumerate(ordered):
        sections, cut = _sections(segment, image_path)
        if index == 0:
            layout = _volume(segment, sections, image_path, geometry)
        assert layout is not None
        if cut:
            layout.problems.append(cut)
        _add_chunks(layout, index, segment, sections)
        last_type = sections[-1][0] if sections else "(none)"
        if index == len(ordered) - 1 and last_type != "done" and not cut:
            layout.problems.append(f"the last segment {segment.name} ends in '{last_type}', not 'done'")
    assert layout is not None
    if len(layout.offset_of) < layout.chunks_needed or layout.problems:
        present = len(layout.offset_of)
        why = "; ".join(layout.problems) or "table sections are missing"
        raise ImageFormatError(
            f"{image_path}: truncated or incomplete E01: media size {layout.media_size} bytes needs "
            f"{layout.chunks_needed} chunks but only {present} are present ({why})"
        )
    return layout


def _order_segments(paths: list[Path], image_path: Path) -> list[Path]:
    numbered: dict[int, Path] = {}
    for path in paths:
        with path.open("rb") as stream:
            head = stream.read(_FILE_HEADER_SIZE)
        if len(head) < _FILE_HEADER_SIZE or not head.startswith(EVF_SIGNATURE):
            raise ImageFormatError(f"{image_path}: segment {path.name} is not an E01 segment (too short?)")
        numbered[FILE_HEADER.parse(head).segment_number] = path
    expected = list(range(1, len(numbered) + 1))
    if sorted(numbered) != expected:
        missing = sorted(set(range(1, max(numbered) + 1)) - set(numbered))
        raise ImageFormatError(
            f"{image_path}: truncated or incomplete E01: segment(s) {', '.join(map(str, missing))} missing"
        )
    return [numbered[number] for number in expected]


def _sections(segment: Path, image_path: Path) -> tuple[list[tuple[str, int, int]], str | None]:
    """(type, descriptor offset, end offset) of each whole section in chain order, and where it is cut."""
    size = segment.stat().st_size
    sections: list[tuple[str, int, int]] = []
    cut_at = f"{segment.name} ends at byte {size}"
    offset = _FILE_HEADER_SIZE
    with segment.open("rb") as stream:
        while True:
            stream.seek(offset)
            raw = stream.read(SECTION_DESCRIPTOR_SIZE)
            if len(raw) < SECTION_DESCRIPTOR_SIZE:
                return sections, f"{cut_at}, inside a section descriptor"
            try:
                descriptor = SECTION_DESCRIPTOR.parse(raw).body.value
            except ConstructError as exc:
                raise ImageFormatError(
                    f"{image_path}: corrupt E01: the section descriptor at offset {offset} of "
                    f"{segment.name} fails its checksum"
                ) from exc
            kind = descriptor.type.rstrip("\x00")
            end = offset + descriptor.size if descriptor.size else descriptor.next_offset
            if kind in _LAST_SECTIONS:
                end = offset + SECTION_DESCRIPTOR_SIZE
            if end > size or (kind not in _LAST_SECTIONS and descriptor.next_offset > size):
                return sections, f"{cut_at}, inside its '{kind}' section at offset {offset}"
            sections.append((kind, offset, end))
            if kind in _LAST_SECTIONS or descriptor.next_offset <= offset:
                return sections, None
            offset = descriptor.next_offset


def _volume(
    segment: Path, sections: list[tuple[str, int, int]], image_path: Path, geometry: tuple[int, int, int]
) -> EwfLayout:
    for kind, offset, end in sections:
        if kind in ("volume", "disk") and end - offset < SECTION_DESCRIPTOR_SIZE + VOLUME_DATA_SIZE:
            # SMART's 94-byte volume data; its tables carry no footer (the chunks follow them).
            return EwfLayout((segment,), *geometry, table_footer=False)
        if kind in ("volume", "disk"):
            with segment.open("rb") as stream:
                stream.seek(offset + SECTION_DESCRIPTOR_SIZE)
                raw = stream.read(VOLUME_DATA_SIZE)
            try:
                volume = VOLUME_DATA.parse(raw).body.value
            except ConstructError as exc:
                raise ImageFormatError(f"{image_path}: the E01 volume section is corrupt") from exc
            if not volume.sectors_per_chunk or not volume.bytes_per_sector:
                raise ImageFormatError(f"{image_path}: the E01 volume section declares a zero chunk size")
            return EwfLayout(
                (segment,), volume.bytes_per_sector, volume.sectors_per_chunk, volume.sector_count
            )
    raise ImageFormatError(
        f"{image_path}: truncated or incomplete E01: no volume section in the first "
        f"{segment.stat().st_size} bytes, so the media size is unknown"
    )


def _add_chunks(layout: EwfLayout, index: int, segment: Path, sections: list[tuple[str, int, int]]) -> None:
    if index:
        layout.segments = (*layout.segments, segment)
    file_size = segment.stat().st_size
    boundaries = sorted({offset for _, offset, _ in sections} | {file_size})
    with segment.open("rb") as stream:
        for kind, offset, end in sections:
            if kind != "table":
                continue
            starts = _table_entries(stream, offset, end, layout.table_footer)
            if starts is None:
                starts = _backup_table(stream, sections, offset)
            if starts is None:
                layout.problems.append(f"the table at offset {offset} of {segment.name} and its copy fail")
                continue
            for position, (start, compressed) in enumerate(starts):
                if start >= file_size:
                    continue  # points past the end of a cut segment
                following = starts[position + 1][0] if position + 1 < len(starts) else file_size
                # A chunk ends where the next one starts, or at the next section (the table after it).
                stop = min(following, boundaries[bisect.bisect_right(boundaries, start)])
                if stop <= start:
                    continue
                layout.segment_of.append(index)
                layout.offset_of.append(start)
                layout.size_of.append(stop - start)
                layout.compressed.append(1 if compressed else 0)


def _table_entries(stream: BinaryIO, offset: int, end: int, footer: bool) -> list[tuple[int, bool]] | None:
    """(absolute start, compressed) of each chunk in a table; None if the table is damaged."""
    stream.seek(offset + SECTION_DESCRIPTOR_SIZE)
    try:
        header = TABLE_HEADER.parse(stream.read(TABLE_HEADER_SIZE)).body.value
    except ConstructError:
        return None
    entries_size = header.entry_count * 4
    if offset + SECTION_DESCRIPTOR_SIZE + TABLE_HEADER_SIZE + entries_size > end:
        return None
    raw = stream.read(entries_size)
    stored = stream.read(TABLE_FOOTER_SIZE) if footer else b""
    if stored and zlib.adler32(raw) & 0xFFFFFFFF != int.from_bytes(stored, "little"):
        return None
    values = array.array("I")  # millions of entries in a large image: construct's Array is too slow
    values.frombytes(raw)
    if sys.byteorder != "little":
        values.byteswap()
    return [
        (header.base_offset + (value & ~TABLE_ENTRY_COMPRESSED), bool(value & TABLE_ENTRY_COMPRESSED))
        for value in values
    ]


def _backup_table(
    stream: BinaryIO, sections: list[tuple[str, int, int]], table_offset: int
) -> list[tuple[int, bool]] | None:
    """The 'table2' copy that follows a damaged 'table' (libewf falls back to it too)."""
    after = [s for s in sections if s[1] > table_offset]
    if after and after[0][0] == "table2":
        return _table_entries(stream, after[0][1], after[0][2], footer=True)
    return None

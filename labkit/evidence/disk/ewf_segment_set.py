"""The segment files of one EWF set: naming, splitting at the segment size, publishing.

Segments are written under hidden temporary names (".name.E01.partial") and only
renamed into place, .E01 last, once the whole set is complete, so an interrupted
conversion leaves nothing a reader could mistake for evidence.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import ImageFormatError, UsageError
from labkit.evidence.disk.ewf_segment import MAXIMUM_TABLE_ENTRIES, SegmentFile, table_section_size
from labkit.formats.ewf_structures import (
    DIGEST_DATA,
    DIGEST_DATA_SIZE,
    HASH_DATA,
    HASH_DATA_SIZE,
    SECTION_DESCRIPTOR_SIZE,
    VOLUME_DATA_SIZE,
    sealed,
)

#: libewf names segments up to .ZZZ but reads at most this many.
MAXIMUM_SEGMENTS = 14295
#: Worst-case bytes a segment still needs after its last chunk: the tables of the
#: open sectors section are added separately; this covers data + digest + hash + done.
_CLOSING_SECTIONS_SIZE = (
    (SECTION_DESCRIPTOR_SIZE + VOLUME_DATA_SIZE)
    + (SECTION_DESCRIPTOR_SIZE + DIGEST_DATA_SIZE)
    + (SECTION_DESCRIPTOR_SIZE + HASH_DATA_SIZE)
    + SECTION_DESCRIPTOR_SIZE
)


def segment_path(e01_path: Path, segment_number: int) -> Path:
    """The path of segment ``segment_number``: .E01 ... .E99, then .EAA ... .EZZ, .FAA ... .ZZZ."""
    if not 1 <= segment_number <= MAXIMUM_SEGMENTS:
        raise UsageError(f"an EWF set has segments 1 to {MAXIMUM_SEGMENTS}, not {segment_number}")
    if segment_number <= 99:
        extension = f"E{segment_number:02d}"
    else:
        index = segment_number - 100
        letters = (chr(ord("E") + index // 676), chr(ord("A") + index // 26 % 26), chr(ord("A") + index % 26))
        extension = "".join(letters)
    return e01_path.with_suffix(f".{extension}")


def _partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


@dataclass(frozen=True)
class SegmentSetPlan:
    """Everything fixed before the first byte is written."""

    media_size: int
    bytes_per_sector: int
    chunk_size: int
    chunk_count: int
    compression_level: int
    segment_size: int | None
    volume: bytes  # the sealed volume data, repeated as "data"
    header2: bytes  # compressed header2 text
    header: bytes  # compressed header text


def store_chunk(data: bytes, compression_level: int) -> tuple[bytes, bool]:
    """The chunk as stored, and whether it is compressed: raw + Adler-32 unless zlib is no larger."""
    if compression_level > 0:
        compressed = zlib.compress(data, compression_level)
        if len(compressed) <= len(data):
            return compressed, True
    return data + (zlib.adler32(data) & 0xFFFFFFFF).to_bytes(4, "little"), False


def read_chunks(raw_path: Path, chunk_size: int, media_size: int) -> Iterator[bytes]:
    """The raw image, chunk by chunk; fails if the file changes size while being read."""
    remaining = media_size
    with open(raw_path, "rb") as stream:
        while remaining > 0:
            data = stream.read(min(chunk_size, remaining))
            if not data:
                raise ImageFormatError(f"{raw_path} shrank while it was being converted")
            remaining -= len(data)
            yield data
        if stream.read(1):
            raise ImageFormatError(f"{raw_path} grew while it was being converted")


class SegmentSetWriter:
    """Writes the segment files of one set under temporary names, then moves them into place."""

    def __init__(self, e01_path: Path, plan: SegmentSetPlan) -> None:
        self.e01_path = e01_path
        self.plan = plan
        self.segments: list[SegmentFile] = []

    def write(self, raw_path: Path) -> tuple[str, str]:
        """Stream every chunk into the set; return the media's MD5 and SHA-1."""
        md5, sha1 = hashlib.md5(), hashlib.sha1()
        segment = self._open_segment()
        largest_chunk = self.plan.chunk_size + 4
        if not self._fits(segment, largest_chunk):
            raise UsageError(
                f"segment size {self.plan.segment_size} cannot hold the headers and one "
                f"{self.plan.chunk_size}-byte chunk; use a larger segment size or smaller chunks"
            )
        # Generated disks are mostly unwritten space: compress the all-zero chunk once.
        zero_chunk = bytes(self.plan.chunk_size)
        stored_zero_chunk = store_chunk(zero_chunk, self.plan.compression_level)
        for data in read_chunks(raw_path, self.plan.chunk_size, self.plan.media_size):
            md5.update(data)
            sha1.update(data)
            if data == zero_chunk:
                stored, compressed = stored_zero_chunk
            else:
                stored, compressed = store_chunk(data, self.plan.compression_level)
            if segment.sectors_open and segment.open_entry_count == MAXIMUM_TABLE_ENTRIES:
                segment.close_sectors()
            if not self._fits(segment, len(stored)):
                if segment.sectors_open:
                    segment.close_sectors()
                segment.write_last_section("next")
                segment.close()
                segment = self._open_segment()
            if not segment.sectors_open:
                segment.open_sectors()
            segment.add_chunk(stored, compressed=compressed)
        segment.close_sectors()
        if segment.segment_number == 1:
            segment.write_section("data", self.plan.volume)
        segment.write_section("digest", sealed(DIGEST_DATA, md5=md5.digest(), sha1=sha1.digest()))
        segment.write_section("hash", sealed(HASH_DATA, md5=md5.digest(), unknown=bytes(16)))
        segment.write_last_section("done")
        segment.close()
        return md5.hexdigest(), sha1.hexdigest()

    def _fits(self, segment: SegmentFile, stored_size: int) -> bool:
        if self.plan.segment_size is None:
            return True
        entries = segment.open_entry_count + 1
        end = segment.position + (0 if segment.sectors_open else SECTION_DESCRIPTOR_SIZE) + stored_size
        return end + 2 * table_section_size(entries) + _CLOSING_SECTIONS_SIZE <= self.plan.segment_size

    def _open_segment(self) -> SegmentFile:
        number = len(self.segments) + 1
        segment = SegmentFile(_partial_path(segment_path(self.e01_path, number)), number)
        self.segments.append(segment)
        if number == 1:
            segment.write_section("header2", self.plan.header2)
            segment.write_section("header2", self.plan.header2)
            segment.write_section("header", self.plan.header)
            segment.write_section("volume", self.plan.volume)
        else:
            segment.write_section("data", self.plan.volume)
        return segment

    def discard(self) -> None:
        """Remove every temporary segment written so far."""
        for segment in self.segments:
            segment.discard()

    def publish(self) -> tuple[Path, ...]:
        """Rename the segments into place, .E01 last, and drop stale segments of an older, longer set."""
        final = [segment_path(self.e01_path, segment.segment_number) for segment in self.segments]
        for segment, path in reversed(list(zip(self.segments, final, strict=True))):
            segment.path.replace(path)
        number = len(final) + 1
        while number <= MAXIMUM_SEGMENTS and (stale := segment_path(self.e01_path, number)).exists():
            stale.unlink()
            number += 1
        return tuple(final)

"""Convert a raw disk image to an Expert Witness (EnCase 6 style) E01 image set.

Streaming: the raw image is read one chunk (32 KiB by default) at a time, so a
multi-GiB disk needs only a few chunks' worth of memory. Each chunk is stored
zlib-compressed, or raw with an Adler-32 when compression would not make it
smaller (as libewf and EnCase do). Segment files are written under temporary
names and renamed when the whole set is complete.

Section order, per segment (as libewf's "encase6" format writes it):
``header2 header2 header volume`` (first segment) or ``data`` (later segments),
then ``sectors table table2`` triples, then ``next``; the last segment ends with
``digest hash done`` (a lone segment also repeats the volume as ``data``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from labkit.errors import EvidenceError, ImageFormatError, OutputExistsError, UsageError
from labkit.evidence.disk.ewf_segment import MAXIMUM_TABLE_ENTRIES, SegmentFile, table_section_size
from labkit.formats.ewf_header_text import HeaderValues, header2_section_data, header_section_data
from labkit.formats.ewf_structures import (
    COMPRESSION_BEST,
    COMPRESSION_GOOD,
    COMPRESSION_NONE,
    DIGEST_DATA,
    DIGEST_DATA_SIZE,
    HASH_DATA,
    HASH_DATA_SIZE,
    MEDIA_FLAG_IMAGE,
    MEDIA_FLAG_PHYSICAL,
    MEDIA_TYPE_FIXED,
    MEDIA_TYPE_REMOVABLE,
    SECTION_DESCRIPTOR_SIZE,
    VOLUME_DATA,
    VOLUME_DATA_SIZE,
    sealed,
)

__all__ = ["EwfFacts", "EwfMetadata", "segment_path", "write_e01"]

_MINIMUM_SEGMENT_SIZE = 1024 * 1024
_SECTORS_PER_CHUNK_CHOICES = tuple(2**power for power in range(4, 16))  # 16 ... 32768, as libewf offers
#: Worst-case bytes a segment still needs after its last chunk: the tables of the
#: open sectors section are added separately; this covers data + digest + hash + done.
_CLOSING_SECTIONS_SIZE = (
    (SECTION_DESCRIPTOR_SIZE + VOLUME_DATA_SIZE)
    + (SECTION_DESCRIPTOR_SIZE + DIGEST_DATA_SIZE)
    + (SECTION_DESCRIPTOR_SIZE + HASH_DATA_SIZE)
    + SECTION_DESCRIPTOR_SIZE
)


def _labkit_software_version() -> str:
    try:
        return f"labkit {importlib.metadata.version('labkit')}"
    except importlib.metadata.PackageNotFoundError:
        return "labkit"


@dataclass(frozen=True)
class EwfMetadata:
    """Case information stored in the image, as an examiner would have typed it into the imager.

    Dates must be timezone-aware: header2 stores POSIX time, the legacy header the
    wall-clock time of ``acquired_at``'s own zone (the acquiring machine's local time).
    """

    case_number: str
    evidence_number: str
    description: str
    examiner: str
    notes: str
    acquired_at: datetime
    system_at: datetime
    acquiry_software_version: str = field(default_factory=_labkit_software_version)
    acquiry_os: str = "Linux"
    model: str = ""
    serial_number: str = ""


@dataclass(frozen=True)
class EwfFacts:
    """What was written: the segment files in order, and the media they hold."""

    segments: tuple[Path, ...]
    media_size: int
    bytes_per_sector: int
    chunk_count: int
    md5: str
    sha1: str


def segment_path(e01_path: Path, segment_number: int) -> Path:
    """The path of segment ``segment_number``: .E01 ... .E99, then .EAA ... .EZZ, .FAA ... .ZZZ."""
    if not 1 <= segment_number <= 14295:
        raise UsageError(f"an EWF set has segments 1 to 14295, not {segment_number}")
    if segment_number <= 99:
        extension = f"E{segment_number:02d}"
    else:
        index = segment_number - 100
        letters = (chr(ord("E") + index // 676), chr(ord("A") + index // 26 % 26), chr(ord("A") + index % 26))
        extension = "".join(letters)
    return e01_path.with_suffix(f".{extension}")


def _partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _set_identifier(metadata: EwfMetadata, media_size: int) -> bytes:
    """A GUID for the segment set that depends only on the case and the media, never on chance."""
    seed = "\x1f".join(
        [metadata.case_number, metadata.evidence_number, metadata.acquired_at.isoformat(), str(media_size)]
    )
    digest = hashlib.sha256(f"labkit/ewf-set/{seed}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4).bytes_le


@dataclass(frozen=True)
class _Plan:
    """Everything fixed before the first byte is written."""

    media_size: int
    bytes_per_sector: int
    chunk_size: int
    chunk_count: int
    compression_level: int
    segment_size: int | None
    volume: bytes


def _volume_data(
    metadata: EwfMetadata,
    *,
    media_size: int,
    bytes_per_sector: int,
    chunk_sectors: int,
    compression_level: int,
    removable: bool,
    physical: bool,
) -> bytes:
    chunk_size = chunk_sectors * bytes_per_sector
    if compression_level == 0:
        level_byte = COMPRESSION_NONE
    else:
        level_byte = COMPRESSION_BEST if compression_level == 9 else COMPRESSION_GOOD
    return sealed(
        VOLUME_DATA,
        media_type=MEDIA_TYPE_REMOVABLE if removable else MEDIA_TYPE_FIXED,
        chunk_count=-(-media_size // chunk_size),
        sectors_per_chunk=chunk_sectors,
        bytes_per_sector=bytes_per_sector,
        sector_count=media_size // bytes_per_sector,
        chs_cylinders=0,
        chs_heads=0,
        chs_sectors=0,
        media_flags=MEDIA_FLAG_IMAGE | (MEDIA_FLAG_PHYSICAL if physical else 0),
        palm_volume_start_sector=0,
        smart_logs_start_sector=0,
        compression_level=level_byte,
        error_granularity=chunk_sectors,
        set_identifier=_set_identifier(metadata, media_size),
        signature=bytes(5),
    )


def _store_chunk(data: bytes, compression_level: int) -> tuple[bytes, bool]:
    """The chunk as stored, and whether it is compressed: raw + Adler-32 unless zlib is no larger."""
    if compression_level > 0:
        compressed = zlib.compress(data, compression_level)
        if len(compressed) <= len(data):
            return compressed, True
    return data + (zlib.adler32(data) & 0xFFFFFFFF).to_bytes(4, "little"), False


def _read_chunks(raw_path: Path, chunk_size: int, media_size: int) -> Iterator[bytes]:
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


def _check_arguments(
    raw_path: Path,
    e01_path: Path,
    metadata: EwfMetadata,
    *,
    segment_size: int | None,
    compression_level: int,
    chunk_sectors: int,
    bytes_per_sector: int,
    overwrite: bool,
) -> int:
    """Validate everything a caller can get wrong, before anything is written; return the media size."""
    if e01_path.suffix != ".E01":
        raise UsageError(f"the first segment of an EWF image must end in .E01, got {e01_path.name!r}")
    for existing in (e01_path, segment_path(e01_path, 2)):
        if existing.exists() and not overwrite:
            raise OutputExistsError(f"{existing} exists; choose another path or allow overwriting")
    if not 0 <= compression_level <= 9:
        raise UsageError(f"compression level must be 0 (none) to 9 (best), got {compression_level}")
    if chunk_sectors not in _SECTORS_PER_CHUNK_CHOICES:
        raise UsageError(f"sectors per chunk must be one of {_SECTORS_PER_CHUNK_CHOICES}, got {chunk_sectors}")
    if bytes_per_sector not in (512, 4096):
        raise UsageError(f"bytes per sector must be 512 or 4096, got {bytes_per_sector}")
    if segment_size is not None and segment_size < _MINIMUM_SEGMENT_SIZE:
        raise UsageError(f"segment size must be at least 1 MiB, got {segment_size} bytes")
    for name in ("acquired_at", "system_at"):
        moment: datetime = getattr(metadata, name)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise UsageError(f"EWF metadata {name} must be timezone-aware, got {moment.isoformat()}")
        if not 0 <= moment.timestamp() <= 0xFFFFFFFF:
            raise UsageError(f"EWF metadata {name} {moment.isoformat()} is outside 1970-2106")
    try:
        media_size = raw_path.stat().st_size
    except OSError as error:
        raise EvidenceError(f"cannot read the raw image {raw_path}: {error.strerror}") from error
    if media_size == 0 or media_size % bytes_per_sector:
        raise ImageFormatError(
            f"{raw_path} is {media_size} bytes, not a positive multiple of the {bytes_per_sector}-byte sector"
        )
    return media_size


def write_e01(
    raw_path: Path,
    e01_path: Path,
    metadata: EwfMetadata,
    *,
    segment_size: int | None = None,
    compression_level: int = 6,
    chunk_sectors: int = 64,
    bytes_per_sector: int = 512,
    media_type: Literal["fixed", "removable"] = "fixed",
    physical: bool = True,
    overwrite: bool = False,
) -> EwfFacts:
    """Write ``raw_path`` as the EWF set ``e01_path`` (+ .E02, ... when ``segment_size`` is exceeded).

    Args:
        raw_path: The raw image to convert; read once, sequentially.
        e01_path: The first segment file; must end in ``.E01``.
        metadata: Case information for the header sections.
        segment_size: Largest segment file in bytes (at least 1 MiB); None = one segment.
        compression_level: zlib level, 0 (store raw chunks) to 9.
        chunk_sectors: Sectors per chunk (64 = 32 KiB chunks, the EnCase default).
        bytes_per_sector: Sector size recorded for the media.
        media_type: "removable" for USB sticks and cards, "fixed" for hard disks.
        physical: Whether the media is a physical device (with a partition table) rather than a volume.
        overwrite: Replace an existing set instead of refusing.

    Returns:
        The segment paths, the media size and the MD5 / SHA-1 stored in the image.
    """
    raw_path, e01_path = Path(raw_path), Path(e01_path)
    media_size = _check_arguments(
        raw_path,
        e01_path,
        metadata,
        segment_size=segment_size,
        compression_level=compression_level,
        chunk_sectors=chunk_sectors,
        bytes_per_sector=bytes_per_sector,
        overwrite=overwrite,
    )
    chunk_size = chunk_sectors * bytes_per_sector
    plan = _Plan(
        media_size=media_size,
        bytes_per_sector=bytes_per_sector,
        chunk_size=chunk_size,
        chunk_count=-(-media_size // chunk_size),
        compression_level=compression_level,
        segment_size=segment_size,
        volume=_volume_data(
            metadata,
            media_size=media_size,
            bytes_per_sector=bytes_per_sector,
            chunk_sectors=chunk_sectors,
            compression_level=compression_level,
            removable=media_type == "removable",
            physical=physical,
        ),
    )
    writer = _SetWriter(e01_path, metadata, plan)
    try:
        md5, sha1 = writer.write(raw_path)
    except OSError as error:
        writer.discard()
        raise EvidenceError(f"cannot write the EWF image {e01_path}: {error.strerror}") from error
    except BaseException:
        writer.discard()
        raise
    segments = writer.publish()
    return EwfFacts(
        segments=segments,
        media_size=media_size,
        bytes_per_sector=bytes_per_sector,
        chunk_count=plan.chunk_count,
        md5=md5,
        sha1=sha1,
    )


class _SetWriter:
    """Writes the segment files of one set under temporary names, then moves them into place."""

    def __init__(self, e01_path: Path, metadata: EwfMetadata, plan: _Plan) -> None:
        self.e01_path = e01_path
        self.plan = plan
        header_values = HeaderValues(
            description=metadata.description,
            case_number=metadata.case_number,
            evidence_number=metadata.evidence_number,
            examiner=metadata.examiner,
            notes=metadata.notes,
            model=metadata.model,
            serial_number=metadata.serial_number,
            software_version=metadata.acquiry_software_version,
            operating_system=metadata.acquiry_os,
            acquired_at=metadata.acquired_at,
            system_at=metadata.system_at,
        )
        self.header2 = header2_section_data(header_values)
        self.header = header_section_data(header_values)
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
        for data in _read_chunks(raw_path, self.plan.chunk_size, self.plan.media_size):
            md5.update(data)
            sha1.update(data)
            stored, compressed = _store_chunk(data, self.plan.compression_level)
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
            segment.write_section("header2", self.header2)
            segment.write_section("header2", self.header2)
            segment.write_section("header", self.header)
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
        while number <= 14295 and (stale := segment_path(self.e01_path, number)).exists():
            stale.unlink()
            number += 1
        return tuple(final)

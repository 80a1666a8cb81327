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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from labkit.errors import EvidenceError, ImageFormatError, OutputExistsError, UsageError
from labkit.evidence.disk.ewf_segment_set import SegmentSetPlan, SegmentSetWriter, segment_path
from labkit.formats.ewf_header_text import HeaderValues, header2_section_data, header_section_data
from labkit.formats.ewf_structures import (
    COMPRESSION_BEST,
    COMPRESSION_GOOD,
    COMPRESSION_NONE,
    MEDIA_FLAG_IMAGE,
    MEDIA_FLAG_PHYSICAL,
    MEDIA_TYPE_FIXED,
    MEDIA_TYPE_REMOVABLE,
    VOLUME_DATA,
    sealed,
)

__all__ = ["EwfFacts", "EwfMetadata", "segment_path", "write_e01"]

_MINIMUM_SEGMENT_SIZE = 1024 * 1024
_SECTORS_PER_CHUNK_CHOICES = tuple(2**power for power in range(4, 16))  # 16 ... 32768, as libewf offers


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


def _set_identifier(metadata: EwfMetadata, media_size: int) -> bytes:
    """A GUID for the segment set that depends only on the case and the media, never on chance."""
    seed = "\x1f".join(
        [metadata.case_number, metadata.evidence_number, metadata.acquired_at.isoformat(), str(media_size)]
    )
    digest = hashlib.sha256(f"labkit/ewf-set/{seed}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4).bytes_le


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
        raise UsageError(
            f"sectors per chunk must be one of {_SECTORS_PER_CHUNK_CHOICES}, got {chunk_sectors}"
        )
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
    plan = SegmentSetPlan(
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
        header2=header2_section_data(header_values),
        header=header_section_data(header_values),
    )
    writer = SegmentSetWriter(e01_path, plan)
    try:
        md5, sha1 = writer.write(raw_path)
    except OSError as error:
        writer.discard()
        raise EvidenceError(f"cannot convert {raw_path} to {e01_path}: {error.strerror}") from error
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

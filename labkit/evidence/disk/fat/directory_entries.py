"""Building the 32-byte directory slots: short entries, long-name slots, labels."""

from __future__ import annotations

from datetime import date, datetime

from labkit.formats.fat_structures import (
    ATTRIBUTE_ARCHIVE,
    ATTRIBUTE_DIRECTORY,
    ATTRIBUTE_HIDDEN,
    ATTRIBUTE_READ_ONLY,
    ATTRIBUTE_SYSTEM,
    ATTRIBUTE_VOLUME_LABEL,
    LAST_LONG_NAME_ENTRY,
    DirectoryEntry,
    FlatStruct,
    LongNameEntry,
)

from .models import FatAttributes
from .short_names import long_name_checksum
from .timestamps import encode_date, encode_hundredths, encode_time

UNITS_PER_SLOT = 13
# Flattened once from the declarations: the same bytes, ~20x faster than construct for thousands of entries.
_DIRECTORY_ENTRY = FlatStruct(DirectoryEntry)
_LONG_NAME_ENTRY = FlatStruct(LongNameEntry)
_ZERO_DATE = {"year": 0, "month": 0, "day": 0}
_ZERO_TIME = {"hour": 0, "minute": 0, "double_seconds": 0}


def attribute_byte(attributes: FatAttributes, *, is_directory: bool) -> int:
    """The attribute byte of a short entry."""
    value = ATTRIBUTE_DIRECTORY if is_directory else 0
    value |= ATTRIBUTE_READ_ONLY if attributes.read_only else 0
    value |= ATTRIBUTE_HIDDEN if attributes.hidden else 0
    value |= ATTRIBUTE_SYSTEM if attributes.system else 0
    value |= ATTRIBUTE_ARCHIVE if attributes.archive else 0
    return value


def short_entry(
    raw_name: bytes,
    *,
    attributes: int,
    case_flags: int = 0,
    first_cluster: int = 0,
    size: int = 0,
    created: datetime | None,
    modified: datetime,
    accessed: date | None,
) -> bytes:
    """One short entry; ``None`` times are stored as zero (as volume labels have them)."""
    return _DIRECTORY_ENTRY.build(
        {
            "name": raw_name,
            "attributes": attributes,
            "case_flags": case_flags,
            "create_time_hundredths": encode_hundredths(created) if created else 0,
            "create_time": encode_time(created) if created else _ZERO_TIME,
            "create_date": encode_date(created) if created else _ZERO_DATE,
            "access_date": encode_date(accessed) if accessed else _ZERO_DATE,
            "first_cluster_high": first_cluster >> 16,
            "modify_time": encode_time(modified),
            "modify_date": encode_date(modified),
            "first_cluster_low": first_cluster & 0xFFFF,
            "file_size": size,
        }
    )


def long_name_slots(long_name: str, raw_short_name: bytes) -> list[bytes]:
    """The long-name slots in on-disk order (highest sequence first, flagged 0x40)."""
    units = long_name.encode("utf-16-le")
    if len(units) % (2 * UNITS_PER_SLOT):
        units += b"\x00\x00"
    pad = -len(units) % (2 * UNITS_PER_SLOT)
    units += b"\xff" * pad
    checksum = long_name_checksum(raw_short_name)
    count = len(units) // (2 * UNITS_PER_SLOT)
    slots = []
    for sequence in range(count, 0, -1):
        chunk = units[(sequence - 1) * 26 : sequence * 26]
        slots.append(
            _LONG_NAME_ENTRY.build(
                {
                    "sequence": sequence | (LAST_LONG_NAME_ENTRY if sequence == count else 0),
                    "name_1": chunk[0:10],
                    "checksum": checksum,
                    "name_2": chunk[10:22],
                    "name_3": chunk[22:26],
                }
            )
        )
    return slots


def label_entry(label: bytes, when: datetime) -> bytes:
    """The volume-label entry of the root directory."""
    return short_entry(label, attributes=ATTRIBUTE_VOLUME_LABEL, created=None, modified=when, accessed=None)


def dot_entries(
    own_cluster: int, parent_cluster: int, created: datetime, modified: datetime, accessed: date
) -> bytes:
    """The ``.`` and ``..`` entries that open every subdirectory (``..`` of a root child is 0)."""
    common = {
        "attributes": ATTRIBUTE_DIRECTORY,
        "created": created,
        "modified": modified,
        "accessed": accessed,
    }
    return short_entry(b".          ", first_cluster=own_cluster, **common) + short_entry(
        b"..         ", first_cluster=parent_cluster, **common
    )

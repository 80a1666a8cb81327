"""The declarative FAT structures build what they parse, at the documented sizes."""

from __future__ import annotations

from labkit.formats.fat_structures import (
    BootSectorFat16,
    BootSectorFat32,
    DirectoryEntry,
    FatDate,
    FatTime,
    FsInfoSector,
    LongNameEntry,
)


def test_sizes_match_the_specification() -> None:
    assert BootSectorFat16.sizeof() == BootSectorFat32.sizeof() == FsInfoSector.sizeof() == 512
    assert DirectoryEntry.sizeof() == LongNameEntry.sizeof() == 32


def test_date_and_time_bit_packing() -> None:
    # 2024-05-01 = (44 << 9) | (5 << 5) | 1 = 0x58A1; 10:20:30 = (10 << 11) | (20 << 5) | 15 = 0x528F
    assert FatDate.build({"year": 44, "month": 5, "day": 1}) == b"\xa1\x58"
    assert FatTime.build({"hour": 10, "minute": 20, "double_seconds": 15}) == b"\x8f\x52"
    assert FatDate.parse(b"\xa1\x58").month == 5


def test_fsinfo_round_trip() -> None:
    raw = FsInfoSector.build({"free_count": 1234, "next_free": 99})
    assert raw[:4] == b"RRaA" and raw[484:488] == b"rrAa" and raw[-4:] == b"\x00\x00\x55\xaa"
    parsed = FsInfoSector.parse(raw)
    assert (parsed.free_count, parsed.next_free) == (1234, 99)

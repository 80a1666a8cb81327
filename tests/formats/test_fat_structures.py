"""The declarative FAT structures build what they parse, at the documented sizes, flat or not."""

from __future__ import annotations

import random
import struct

import pytest
from construct import ConstError, Int8ul, Int16ub, Padded, PascalString, Struct

from labkit.formats.fat_structures import (
    BootSectorFat16,
    BootSectorFat32,
    DirectoryEntry,
    FatDate,
    FatTime,
    FlatStruct,
    FsInfoSector,
    LongNameEntry,
    tolerant,
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


def _random_short_entry(rng: random.Random) -> dict[str, object]:
    def date() -> dict[str, int]:
        return {"year": rng.randrange(128), "month": rng.randrange(16), "day": rng.randrange(32)}

    def time() -> dict[str, int]:
        return {"hour": rng.randrange(32), "minute": rng.randrange(64), "double_seconds": rng.randrange(32)}

    return {
        "name": rng.randbytes(11),
        "attributes": rng.randrange(256),
        "case_flags": rng.randrange(256),
        "create_time_hundredths": rng.randrange(256),
        "create_time": time(),
        "create_date": date(),
        "access_date": date(),
        "first_cluster_high": rng.randrange(1 << 16),
        "modify_time": time(),
        "modify_date": date(),
        "first_cluster_low": rng.randrange(1 << 16),
        "file_size": rng.choice([0, (1 << 32) - 1, rng.randrange(1 << 32)]),
    }


def test_flat_struct_builds_the_same_bytes_as_construct() -> None:
    """The struct-based builder is derived from the declarations and must never drift from them."""
    rng = random.Random(20240501)
    declarations = (DirectoryEntry, LongNameEntry, FsInfoSector)
    flat_short, flat_long, flat_fsinfo = (FlatStruct(declaration) for declaration in declarations)
    assert flat_short.size == flat_long.size == 32 and flat_fsinfo.size == 512
    for _ in range(3000):
        short = _random_short_entry(rng)
        built = flat_short.build(short)
        assert built == DirectoryEntry.build(short)
        parsed = DirectoryEntry.parse(built)
        assert parsed.modify_date.day == short["modify_date"]["day"]  # type: ignore[index]
        assert parsed.file_size == short["file_size"]
        long = {
            "sequence": rng.randrange(256),
            "name_1": rng.randbytes(10),
            "checksum": rng.randrange(256),
            "name_2": rng.randbytes(12),
            "name_3": rng.randbytes(4),
        }
        assert flat_long.build(long) == LongNameEntry.build(long)
        fsinfo = {"free_count": rng.randrange(1 << 32), "next_free": rng.randrange(1 << 32)}
        assert flat_fsinfo.build(fsinfo) == FsInfoSector.build(fsinfo)


def test_flat_struct_is_as_strict_as_construct() -> None:
    flat = FlatStruct(DirectoryEntry)
    entry = _random_short_entry(random.Random(1))
    with pytest.raises(ValueError, match="11 bytes"):
        flat.build({**entry, "name": b"SHORT"})  # struct alone would pad it silently
    with pytest.raises(ValueError, match="month"):
        flat.build({**entry, "modify_date": {"year": 44, "month": 16, "day": 1}})
    with pytest.raises(struct.error):
        flat.build({**entry, "file_size": 1 << 32})


def test_flat_struct_refuses_what_it_cannot_flatten() -> None:
    with pytest.raises(TypeError, match="cannot flatten"):
        FlatStruct(Struct("big_endian" / Int16ub))
    with pytest.raises(TypeError, match="cannot flatten"):
        FlatStruct(Struct("name" / PascalString(Int8ul, "ascii")))
    with pytest.raises(TypeError, match="cannot flatten"):
        FlatStruct(Struct("padded_value" / Padded(4, Int8ul)))  # not plain padding: must not vanish


def test_flat_struct_parses_what_construct_parses() -> None:
    rng = random.Random(7)
    flat = FlatStruct(DirectoryEntry)
    for _ in range(2000):
        raw = rng.randbytes(32)
        parsed = DirectoryEntry.parse(raw)
        assert flat.parse(raw) == {key: value for key, value in parsed.items() if not key.startswith("_")}
    with pytest.raises(struct.error):
        flat.parse(bytes(31))


def test_tolerant_reads_damaged_constants_with_the_same_layout() -> None:
    """Readers of evidence derive a tolerant variant; the strict one keeps guarding the writer."""
    raw = bytearray(FsInfoSector.build({"free_count": 5, "next_free": 6}))
    raw[0:4] = b"XXXX"
    raw[-2:] = b"\x00\x00"
    with pytest.raises(ConstError):
        FsInfoSector.parse(bytes(raw))
    damaged = tolerant(FsInfoSector).parse(bytes(raw))
    assert damaged.lead_signature == int.from_bytes(b"XXXX", "little")
    assert damaged.trail_signature == 0 and (damaged.free_count, damaged.next_free) == (5, 6)
    for declaration in (BootSectorFat16, BootSectorFat32, FsInfoSector, LongNameEntry):
        assert tolerant(declaration).sizeof() == declaration.sizeof()
    boot = tolerant(BootSectorFat32).parse(bytes(512))
    assert boot.extended.boot_signature == 0 and boot.signature == b"\x00\x00"
    assert boot.fat32.root_cluster == 0  # nested structs are made tolerant too
    long_slot = FlatStruct(LongNameEntry).parse(b"\x41" + bytes(10) + b"\x1f" + bytes(20))
    assert (long_slot.sequence, long_slot.attributes) == (0x41, 0x1F)  # named constants: as read, unchecked

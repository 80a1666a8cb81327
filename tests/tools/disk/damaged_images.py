"""Damaged evidence: mkfs.fat/mtools images and ewfacquire E01s, then cut or patched.

Each builder reproduces one case of the robustness review; the tests check labkit against
what TSK (fls, icat) and ewfverify make of the same bytes.
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from disk_images import run

SECTOR = 512


@dataclass(frozen=True)
class BootGeometry:
    reserved_sectors: int
    fat_count: int
    sectors_per_fat: int
    root_entries: int

    @property
    def data_offset(self) -> int:
        root_sectors = self.root_entries * 32 // SECTOR
        return (self.reserved_sectors + self.fat_count * self.sectors_per_fat + root_sectors) * SECTOR


def geometry(image: Path) -> BootGeometry:
    """FAT12/16 BPB fields, unpacked by hand (fatgen103 offsets), not with labkit."""
    boot = image.read_bytes()[:SECTOR]
    reserved, fats, root_entries = struct.unpack_from("<HBH", boot, 14)
    (sectors_per_fat,) = struct.unpack_from("<H", boot, 22)
    return BootGeometry(reserved, fats, sectors_per_fat, root_entries)


def fat16_stick(tmp: Path, name: str) -> Path:
    """An 8 MiB FAT16 superfloppy with 1 KiB clusters, empty."""
    image = tmp / name
    run("mkfs.fat", "-C", "-F", "16", "-s", "2", "-n", "DAMAGED", image, 8 * 1024)
    return image


def build_truncated_raw(tmp: Path) -> Path:
    """R.BIN (20000 bytes) and SUB, then everything after the first 4 KiB of data cut off (I5)."""
    image = fat16_stick(tmp, "trunc.img")
    payload = tmp / "r.bin"
    payload.write_bytes(bytes(range(256)) * 78 + b"tail")
    run("mcopy", "-i", image, payload, "::/R.BIN")
    run("mmd", "-i", image, "::/SUB")
    keep = geometry(image).data_offset + 4096
    image.write_bytes(image.read_bytes()[:keep])
    return image


def build_cyclic_chain(tmp: Path) -> tuple[Path, int]:
    """R.BIN in clusters 2-21 (20000 bytes), its FAT chain bent back from 4 to 2 (N4)."""
    image = fat16_stick(tmp, "cyclic.img")
    payload = tmp / "r.bin"
    payload.write_bytes(b"R" * 20000)
    run("mcopy", "-i", image, payload, "::/R.BIN")
    data = bytearray(image.read_bytes())
    fat = geometry(image).reserved_sectors * SECTOR
    for copy in range(2):
        start = fat + copy * geometry(image).sectors_per_fat * SECTOR
        assert struct.unpack_from("<H", data, start + 4 * 2)[0] == 5  # 4 -> 5 as mtools wrote it
        struct.pack_into("<H", data, start + 4 * 2, 2)
    image.write_bytes(bytes(data))
    return image, 2


def build_boot_defect(tmp: Path, field: str) -> Path:
    """A valid stick with one BPB field set to 0 (N5): ``bytes``, ``cluster`` or ``fats``."""
    image = fat16_stick(tmp, f"zero-{field}.img")
    offset, width = {"bytes": (11, 2), "cluster": (13, 1), "fats": (16, 1)}[field]
    data = bytearray(image.read_bytes())
    data[offset : offset + width] = bytes(width)
    image.write_bytes(bytes(data))
    return image


@dataclass(frozen=True)
class SmallReused:
    path: Path
    deleted_path: str  # as TSK names it (first letter replaced by "_")
    owner: str
    owner_content: bytes


def build_small_reused(tmp: Path) -> SmallReused:
    """/a/small.txt (500 bytes, one cluster) deleted; /b/other.txt then takes that cluster."""
    image = fat16_stick(tmp, "small-reused.img")
    small, other = tmp / "small.txt", tmp / "other.txt"
    small.write_bytes(b"S" * 500)
    other.write_bytes(b"O" * 700)
    run("mmd", "-i", image, "::/a", "::/b")
    run("mcopy", "-i", image, small, "::/a/small.txt")
    run("mdel", "-i", image, "::/a/small.txt")
    run("mcopy", "-i", image, other, "::/b/other.txt")
    return SmallReused(image, "/a/_mall.txt", "/b/other.txt", other.read_bytes())


def acquire(raw: Path, stem: Path, *options: str) -> Path:
    """ewfacquire ``raw`` unattended (EnCase 6 format unless ``options`` give another ``-f``)."""
    fmt = () if "-f" in options else ("-f", "encase6")
    run("ewfacquire", "-u", "-q", "-t", stem, *fmt, *options, raw)
    return sorted(stem.parent.glob(stem.name + ".*"))[0]


def flip(path: Path, start: int, count: int = 16) -> None:
    data = bytearray(path.read_bytes())
    for index in range(start, start + count):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


def ewfverify_damage(e01: Path) -> list[tuple[int, int]]:
    """The ``at sector(s): a - b`` ranges ewfverify reports (it must fail)."""
    result = subprocess.run(["ewfverify", "-q", str(e01)], capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "FAILURE" in result.stdout + result.stderr
    found = re.findall(r"at sector\(s\): (\d+) - (\d+)", result.stdout + result.stderr)
    return [(int(a), int(b)) for a, b in found]

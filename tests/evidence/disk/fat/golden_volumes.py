"""Representative FAT volumes whose bytes are pinned, so speed work cannot change the output.

Each builder drives :class:`FatVolume` through the calls a scenario makes (long and
Cyrillic names, short-name collisions, deletes, renames, overwrites, wipes, slack,
unallocated data, directory growth, first-fit and next-fit) with seeded data, and
returns the SHA-256 of the image and of every reported fact. ``python
tests/evidence/disk/fat/golden_volumes.py`` prints the hashes of every volume.
"""

from __future__ import annotations

import hashlib
import random
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from labkit.evidence.disk.fat import FatAttributes, FatTimes, FatVolume

FORMAT_TIME = datetime(2024, 5, 1, 9, 0, 0)
MIB = 1024 * 1024


def _times(rng: random.Random) -> FatTimes:
    """Times with odd seconds and microseconds, so every rounding rule shows in the bytes."""
    created = datetime(2023, 1, 1) + timedelta(
        seconds=rng.randrange(40_000_000), microseconds=rng.randrange(10**6)
    )
    modified = created + timedelta(seconds=rng.randrange(1_000_000), microseconds=rng.randrange(10**6))
    return FatTimes(created=created, modified=modified, accessed=modified + timedelta(days=rng.randrange(30)))


def _data(rng: random.Random, cluster_size: int) -> bytes:
    """Empty, tiny, exactly one cluster, or several clusters with a partial last one."""
    size = rng.choice(
        [0, 1, 17, cluster_size, cluster_size + 1, 3 * cluster_size - 5, 7 * cluster_size + 300]
    )
    return rng.randbytes(size)


def _shared_story(volume: FatVolume, rng: random.Random, cluster_size: int) -> None:
    """Calls every golden volume makes: names of every kind, then changes, deletes and hidden data."""
    volume.mkdir("/Docs", _times(rng))
    volume.mkdir("/Docs/Архив 2024", _times(rng), FatAttributes(hidden=True, archive=False))
    volume.mkdir("/Temp")
    names = [
        "readme.txt",  # all lower case: 8.3 with case flags
        "README.TXT2",
        "Mixed.Txt",
        "Отчёт за май.docx",
        "Қаржы есебі.xlsx",
        "σigma.txt",  # 0xE5 in cp437: escaped as 0x05
        "a.b.c.d",
        " leading space.txt",
        "Report 2024 final version.txt",
        *(f"Report 2024 final version {n}.txt" for n in range(1, 8)),  # ~1..~4, then hashed tails
        "x" * 200 + ".log",  # many long-name slots
        "ß and ǅ.txt",  # Windows' single-character up-case table
    ]
    for index, name in enumerate(names):
        folder = ("/Docs", "/Docs/Архив 2024", "/")[index % 3].rstrip("/")
        attributes = FatAttributes(read_only=index % 4 == 1, hidden=index % 5 == 2, system=index % 7 == 3)
        volume.create_file(f"{folder}/{name}", _data(rng, cluster_size), _times(rng), attributes)
    for number in range(40):  # grows /Temp past one cluster of slots
        volume.create_file(f"/Temp/временный файл {number:03}.tmp", _data(rng, cluster_size), _times(rng))
    volume.delete("/Temp/временный файл 005.tmp")
    volume.delete("/Docs/Отчёт за май.docx")
    volume.create_file("/Docs/Отчёт за май.docx", rng.randbytes(2 * cluster_size + 9), _times(rng))
    volume.rename("/Mixed.Txt", "/Temp/Renamed Mixed.txt")
    volume.rename("/Docs/Архив 2024", "/Temp/Архив перенесён")  # a directory: '..' is rewritten
    volume.overwrite_file("/Temp/временный файл 010.tmp", rng.randbytes(9 * cluster_size + 1))
    volume.overwrite_file("/Temp/временный файл 011.tmp", b"short now", _times(rng))
    volume.set_attributes("/Docs/readme.txt", FatAttributes(read_only=True, hidden=True, system=True))
    volume.set_times(
        "/Temp/Архив перенесён/README.TXT2", FatTimes(modified=datetime(2024, 2, 29, 23, 59, 59, 999999))
    )
    volume.set_times("/Temp", FatTimes(accessed=date(2024, 6, 1)))
    volume.create_file("/Temp/slack host.bin", rng.randbytes(cluster_size + 100))
    volume.write_slack("/Temp/slack host.bin", b"hidden in slack " * 4)
    volume.write_unallocated(b"planted unallocated " * 50)
    volume.wipe("/Temp/временный файл 020.tmp", b"\xde\xad")
    volume.delete("/Temp/Архив перенесён")  # a directory with children
    for number in range(30, 36):
        volume.delete(f"/Temp/временный файл {number:03}.tmp")
    volume.create_file("/Temp/after deletes.bin", rng.randbytes(5 * cluster_size + 3), _times(rng))
    volume.mkdir("/Temp/after deletes dir", _times(rng))


def fat12_next_fit(sink: BinaryIO) -> FatVolume:
    """FAT12, label, 1 KiB clusters, next-fit, cp437."""
    return FatVolume(
        sink, offset=0, size=4 * MIB, fat_type="fat12", cluster_size=1024,
        serial=0x1234ABCD, format_time=FORMAT_TIME, label="EVIDENCE",
    )  # fmt: skip


def fat16_first_fit_cp866(sink: BinaryIO) -> FatVolume:
    """FAT16 at a 1 MiB offset, first-fit, Cyrillic OEM short names (cp866), hidden sectors."""
    return FatVolume(
        sink, offset=MIB, size=32 * MIB, fat_type="fat16", cluster_size=2048,
        serial=0xCAFE0001, format_time=FORMAT_TIME, allocation="first-fit", codepage="cp866",
        hidden_sectors=2048, label="ДЕЛО 17",
    )  # fmt: skip


def fat32_next_fit(sink: BinaryIO) -> FatVolume:
    """FAT32, default cluster size and label, next-fit."""
    return FatVolume(sink, offset=0, size=64 * MIB, fat_type="fat32", serial=0x0BADF00D,
                     format_time=FORMAT_TIME)  # fmt: skip


def fat32_first_fit(sink: BinaryIO) -> FatVolume:
    """FAT32, 512-byte clusters, first-fit: deleted chains are reused, so files fragment."""
    return FatVolume(
        sink, offset=0, size=48 * MIB, fat_type="fat32", cluster_size=512,
        serial=0x5EED5EED, format_time=FORMAT_TIME, allocation="first-fit", oem_name="mkfs.fat",
        label="USB STICK",
    )  # fmt: skip


GOLDEN_VOLUMES: dict[str, tuple[Callable[[BinaryIO], FatVolume], int]] = {
    "fat12-next-fit": (fat12_next_fit, 4 * MIB),
    "fat16-first-fit-cp866": (fat16_first_fit_cp866, 33 * MIB),
    "fat32-next-fit": (fat32_next_fit, 64 * MIB),
    "fat32-first-fit": (fat32_first_fit, 48 * MIB),
}


def build_golden(kind: str, image: Path) -> tuple[str, str]:
    """Build one golden volume into ``image``; return the SHA-256 of the image and of its facts."""
    opener, image_size = GOLDEN_VOLUMES[kind]
    with image.open("wb") as created:
        created.truncate(image_size)
    with image.open("r+b") as sink:
        volume = opener(sink)
        _shared_story(volume, random.Random(kind), volume.facts().cluster_size)
        reported = repr((volume.finalize(), volume.entries())).encode()
    with image.open("rb") as written:
        image_hash = hashlib.file_digest(written, "sha256").hexdigest()
    return image_hash, hashlib.sha256(reported).hexdigest()


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for name in GOLDEN_VOLUMES:
            image_hash, facts_hash = build_golden(name, Path(folder) / f"{name}.img")
            sys.stdout.write(f'    "{name}": (\n        "{image_hash}",\n        "{facts_hash}",\n    ),\n')

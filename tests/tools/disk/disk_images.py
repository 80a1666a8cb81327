"""Build small test images with dosfstools, mtools, sgdisk and ewfacquire, never with labkit.

Each builder runs real tools on a file under tmp_path and returns the expected facts.
MBR entries are packed by hand here (16 bytes); GPT comes from sgdisk.
"""

from __future__ import annotations

import os
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

SECTOR = 512
BIG_CONTENT = bytes(range(256)) * 100  # 25600 bytes
SLACK_FILL = b"\xab" * 4096
CYRILLIC_DIR = "Документы"
CYRILLIC_FILE = "Отчёт за март.docx"
CP866_LONG_NAME = "Договор поставки.doc"  # mtools stores the 8.3 alias ДОГОВО~1.DOC
CP866_SHORT_ONLY = "ЁЛКА.TXT"  # a valid 8.3 name in cp866: no long-name slots at all
HOSTILE_PLACEHOLDER = "qwertyuiop"  # patched into "../../evil" (same length)


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class FatFixture:
    path: Path
    offset_sectors: int


def populate(image: Path, offset_bytes: int, workdir: Path) -> None:
    """Files every test relies on: plain, LFN, Cyrillic, hidden, deleted, slack with residue."""
    target = f"{image}@@{offset_bytes}"
    sources = workdir / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "hello.txt").write_bytes(b"hello, trainee\n")
    (sources / "big.bin").write_bytes(BIG_CONTENT)
    (sources / "fill.bin").write_bytes(SLACK_FILL)
    (sources / "short.txt").write_bytes(b"tiny")
    run("mcopy", "-i", target, sources / "hello.txt", "::/hello.txt")
    run("mmd", "-i", target, f"::/{CYRILLIC_DIR}")
    run("mcopy", "-i", target, sources / "big.bin", f"::/{CYRILLIC_DIR}/{CYRILLIC_FILE}")
    run("mcopy", "-i", target, sources / "hello.txt", "::/secret.txt")
    run("mattrib", "-i", target, "+h", "::/secret.txt")
    # residue: a 4 KiB file of 0xAB, deleted, its first cluster then reused by a 4-byte file
    run("mcopy", "-i", target, sources / "fill.bin", "::/fill.bin")
    run("mdel", "-i", target, "::/fill.bin")
    run("mcopy", "-i", target, sources / "short.txt", "::/short.txt")
    run("mcopy", "-i", target, sources / "big.bin", "::/gone.bin")
    run("mdel", "-i", target, "::/gone.bin")


def build_superfloppy(tmp: Path, name: str = "stick.dd") -> FatFixture:
    """FAT16, no partition table, 8 MiB, 1 KiB clusters."""
    image = tmp / name
    run("mkfs.fat", "-C", "-F", "16", "-s", "2", "-n", "STICK", "-i", "1234ABCD", image, 8 * 1024)
    populate(image, 0, tmp)
    return FatFixture(image, 0)


def build_cp866_stick(tmp: Path) -> FatFixture:
    """FAT16 superfloppy whose 8.3 names mtools wrote in cp866, as Russian/Kazakh Windows does."""
    image = tmp / "cp866.dd"
    run("mkfs.fat", "-C", "-F", "16", "-s", "2", "-n", "STICK", "-i", "1234ABCD", image, 8 * 1024)
    config = tmp / "mtoolsrc"
    config.write_text("default_codepage=866\n")
    source = tmp / "contract.bin"
    source.write_bytes(b"contract\n")
    for name in (CP866_LONG_NAME, CP866_SHORT_ONLY):
        subprocess.run(
            ["mcopy", "-i", str(image), str(source), f"::/{name}"],
            check=True,
            capture_output=True,
            env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8", "MTOOLSRC": str(config)},  # names are UTF-8
        )
    return FatFixture(image, 0)


def build_mbr_fat12(tmp: Path) -> FatFixture:
    """MBR with one FAT12 partition at sector 2048 (2 MiB of a 4 MiB disk)."""
    image = tmp / "mbr.img"
    image.write_bytes(b"")
    with image.open("r+b") as stream:
        stream.truncate(4 * 1024 * 1024)
    run("mkfs.fat", "-F", "12", "-n", "MBRSTICK", "-i", "0BADF00D", "--offset", "2048", image, 2048)
    entry = struct.pack("<B3sB3sII", 0x00, b"\x00\x02\x00", 0x01, b"\x00\x00\x00", 2048, 4096)
    with image.open("r+b") as stream:
        stream.seek(446)
        stream.write(entry)
        stream.seek(510)
        stream.write(b"\x55\xaa")
    populate(image, 2048 * SECTOR, tmp)
    return FatFixture(image, 2048)


def build_gpt_fat32(tmp: Path) -> FatFixture:
    """GPT (sgdisk) with one FAT32 partition at sector 2048, 512-byte clusters."""
    image = tmp / "gpt.img"
    with image.open("wb") as stream:
        stream.truncate(40 * 1024 * 1024)
    run("sgdisk", "-n", "1:2048:+36M", "-t", "1:0700", "-c", "1:EVIDENCE", image)
    run("mkfs.fat", "-F", "32", "-s", "1", "-n", "GPTSTICK", "--offset", "2048", image, 36 * 1024)
    populate(image, 2048 * SECTOR, tmp)
    return FatFixture(image, 2048)


def build_e01(raw: Path, target_stem: Path) -> Path:
    """Acquire ``raw`` into an E01 with case metadata (ewfacquire, unattended)."""
    run(
        "ewfacquire", "-u", "-q", "-t", target_stem, "-c", "deflate:fast", "-C", "CASE-042",
        "-D", "Seized USB stick", "-e", "Cadet Nurlan", "-E", "EV-7", "-N", "bag 12", "-m", "removable",
        "-f", "encase6", raw,
    )  # fmt: skip
    return target_stem.with_suffix(".E01")


def patch_long_name(image: Path, placeholder: str, replacement: str) -> None:
    """Rewrite an LFN's UTF-16 characters in place (the short-name checksum stays valid)."""
    assert len(placeholder) == len(replacement) <= 13
    data = bytearray(image.read_bytes())
    old = _lfn_slots(placeholder)
    new = _lfn_slots(replacement)
    position = data.find(old[0])
    assert position > 0 and data.count(old[0]) == 1, "placeholder LFN not found exactly once"
    entry = position - 1  # the first 5 UTF-16 characters start at byte 1 of the entry
    for (start, _), old_part, new_part in zip(_LFN_RANGES[: len(old)], old, new, strict=True):
        assert data[entry + start : entry + start + len(old_part)] == old_part
        data[entry + start : entry + start + len(new_part)] = new_part
    image.write_bytes(bytes(data))


def patch_short_name(image: Path, old: bytes, new: bytes) -> None:
    """Rewrite an 8.3 name (11 bytes) in place."""
    assert len(old) == len(new) == 11
    data = image.read_bytes()
    assert data.count(old) == 1
    image.write_bytes(data.replace(old, new))


_LFN_RANGES = ((1, 11), (14, 26), (28, 32))


def _lfn_slots(name: str) -> list[bytes]:
    units = name.encode("utf-16-le")
    parts = [units[0:10], units[10:22], units[22:26]]
    return [part for part in parts if part]


def build_hostile(tmp: Path) -> FatFixture:
    """A superfloppy whose names try to escape: ``../../evil``, ``/etc/pwned``, ``CON.TXT``, controls."""
    image = tmp / "hostile.dd"
    run("mkfs.fat", "-C", "-F", "16", "-s", "2", "-n", "HOSTILE", image, 8 * 1024)
    source = tmp / "payload.txt"
    source.write_bytes(b"payload\n")
    run("mmd", "-i", image, "::/sub")
    run("mcopy", "-i", image, source, f"::/{HOSTILE_PLACEHOLDER}")
    run("mcopy", "-i", image, source, "::/sub/asdfghjklz")
    run("mcopy", "-i", image, source, "::/sub/zxcvbnmlkj")
    run("mcopy", "-i", image, source, "::/CD.TXT")
    run("mcopy", "-i", image, source, "::/pqrstuvwx.tx")
    run("mcopy", "-i", image, source, "::/mnbvcxzlk.tx")
    patch_long_name(image, HOSTILE_PLACEHOLDER, "../../evil")
    patch_long_name(image, "asdfghjklz", "/etc/pwned")
    patch_long_name(image, "zxcvbnmlkj", "a\x01b\x1b[2Jcd\u202e")
    patch_long_name(image, "pqrstuvwx.tx", "dup:name.txt")
    patch_long_name(image, "mnbvcxzlk.tx", "dup?name.txt")
    patch_short_name(image, b"CD      TXT", b"CON     TXT")
    return FatFixture(image, 0)


@dataclass(frozen=True)
class ReusedClusters:
    """A stick where deleted data and live files interleave (see :func:`build_reused_clusters`)."""

    path: Path
    around: bytes  # content of the deleted /around.bin
    taken_owner: str  # the live file that now holds the deleted /other/taken.bin's first cluster


def build_reused_clusters(tmp: Path) -> ReusedClusters:
    """FAT16 superfloppy, 1 KiB clusters; mtools allocates first-fit, which places files in holes.

    Deleting h1-h3 leaves holes at clusters 4, 6, 8 between live a (5), c (7), d (9).
    ``/other/taken.bin`` then takes 4 and 6, ``/around.bin`` takes 8, 10, 11 (written
    around the live d); both are deleted and ``/sub/new`` takes cluster 4 again. Each
    file goes in its own directory, so no deleted entry's slot is reused.
    """
    image = tmp / "reused.dd"
    run("mkfs.fat", "-C", "-F", "16", "-s", "2", "-n", "REUSED", image, 8 * 1024)
    sources = tmp / "reused-sources"
    sources.mkdir()
    around = b"1" * 1024 + b"2" * 1024 + b"3" * 1000
    contents = {name: name.upper().encode() * 1024 for name in ("h1", "a", "h2", "c", "h3", "d")}
    contents |= {"around.bin": around, "taken.bin": b"T" * 2000, "new": b"N" * 1000}
    for name, data in contents.items():
        (sources / name).write_bytes(data[:1024] if len(data) == 2048 else data)
    run("mmd", "-i", image, "::/sub", "::/other")  # clusters 2, 3
    for name in ("h1", "a", "h2", "c", "h3", "d"):  # clusters 4-9
        run("mcopy", "-i", image, sources / name, f"::/{name}")
    run("mdel", "-i", image, "::/h1", "::/h2", "::/h3")
    run("mcopy", "-i", image, sources / "taken.bin", "::/other/taken.bin")  # 4, 6
    run("mcopy", "-i", image, sources / "around.bin", "::/around.bin")  # 8, 10, 11
    run("mdel", "-i", image, "::/other/taken.bin", "::/around.bin")
    run("mcopy", "-i", image, sources / "new", "::/sub/new")  # 4
    return ReusedClusters(image, around, "/sub/new")

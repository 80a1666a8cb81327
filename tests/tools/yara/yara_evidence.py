"""Test evidence with known markers: a FAT stick (mkfs.fat + mtools) and raw/LiME memory (struct).

Nothing here comes from labkit: the stick is made by dosfstools and mtools, memory
images are bytes laid out by hand, so the scans are checked against what was put in
and against The Sleuth Kit's own reading (fls, icat).
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from pathlib import Path

from disk_images import run

SECRET = b"CONFIDENTIAL-ALPHA-7731"
EXFIL = b"EXFIL-MARKER-0042"
BORDER = b"BORDER-SPANNING-MARKER"
MARKER_RULES = """\
rule confidential : document {
    meta: author = "trainer"
    strings: $s = "CONFIDENTIAL-ALPHA-7731"
    condition: $s
}
rule exfil { strings: $e = "EXFIL-MARKER-0042" $w = "EXFIL" wide condition: any of them }
rule border { strings: $b = "BORDER-SPANNING-MARKER" condition: $b }
rule tiny_file { condition: filesize < 8 }
"""


def seeded_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@dataclass(frozen=True)
class MarkedStick:
    path: Path
    contents: dict[str, bytes]  # in-image path -> bytes put there (deleted ones under their original name)


def build_marked_stick(tmp: Path) -> MarkedStick:
    """FAT16 superfloppy, 1 KiB clusters: markers in live, nested, deleted and large files."""
    image = tmp / "marked.dd"
    run("mkfs.fat", "-C", "-F", "16", "-s", "2", "-n", "MARKED", "-i", "C0FFEE00", image, 8 * 1024)
    big = bytearray(seeded_bytes(1, 20_000))
    big[4090 : 4090 + len(BORDER)] = BORDER  # across a 4 KiB boundary
    big[15000 : 15000 + len(SECRET)] = SECRET
    contents = {
        "/memo.txt": b"Internal memo\n" + SECRET + b"\ndo not forward\n",
        "/work/notes/plan.txt": b"step 1\n" + EXFIL + b"\nstep 2 " + EXFIL + b"\n",
        "/work/wide.bin": b"\x00" * 10 + "EXFIL".encode("utf-16-le") + b"\x00" * 10,
        "/big.bin": bytes(big),
        "/tiny.txt": b"hi",
        "/clean.txt": b"nothing to see here\n",
        "/erased.doc": b"draft " * 50 + SECRET + b" end",
    }
    sources = tmp / "sources"
    sources.mkdir()
    run("mmd", "-i", image, "::/work", "::/work/notes")
    for number, (path, data) in enumerate(contents.items()):
        source = sources / f"{number}.bin"
        source.write_bytes(data)
        run("mcopy", "-i", image, source, f"::{path}")
    run("mdel", "-i", image, "::/erased.doc")
    return MarkedStick(image, contents)


LIME_MAGIC = 0x4C694D45


def lime_bytes(ranges: list[tuple[int, bytes]]) -> bytes:
    """A LiME v1 file: for each (first physical address, data), a 32-byte header then the data."""
    out = bytearray()
    for first, data in ranges:
        out += struct.pack("<IIQQ8x", LIME_MAGIC, 1, first, first + len(data) - 1)
        out += data
    return bytes(out)

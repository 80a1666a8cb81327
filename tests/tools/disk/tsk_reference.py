"""Run Debian's Sleuth Kit command-line tools and parse what the tests compare against."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

_FLS_LINE = re.compile(r"^(?P<type>\S+/\S+) (?P<deleted>\* )?(?P<inode>\d+)(?:\(realloc\))?:\t(?P<path>.*)$")


def tsk(*args: str | Path, binary: bool = False) -> str | bytes:
    result = subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, env={**os.environ, "TZ": "UTC"}
    )
    return result.stdout if binary else result.stdout.decode("utf-8", "backslashreplace")


def fls(image: Path, offset: int) -> list[tuple[str, int, str, bool]]:
    """``fls -r -p`` rows as (type, inode, path, deleted)."""
    rows = []
    for line in str(tsk("fls", "-r", "-p", "-o", str(offset), image)).splitlines():
        match = _FLS_LINE.match(line)
        assert match, line
        rows.append((match["type"], int(match["inode"]), match["path"], bool(match["deleted"])))
    return rows


def istat(image: Path, offset: int, inode: int) -> str:
    return str(tsk("istat", "-o", str(offset), image, str(inode)))


def icat(image: Path, offset: int, inode: int, *flags: str) -> bytes:
    return bytes(tsk("icat", *flags, "-o", str(offset), image, str(inode), binary=True))


def istat_sectors(text: str) -> list[int]:
    block = text.split("Sectors:\n", 1)[1]
    return [int(n) for n in block.split()]


def istat_field(text: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}:\s*(.*)$", text, re.MULTILINE)
    assert match, label
    return match.group(1).strip()


def blkstat_allocated(image: Path, offset: int, sector: int) -> bool:
    """TSK's own view of whether the cluster holding ``sector`` is allocated."""
    lines = str(tsk("blkstat", "-o", str(offset), image, str(sector))).splitlines()
    assert lines[1] in ("Allocated", "Not Allocated"), lines
    return lines[1] == "Allocated"


def istat_time(text: str, label: str) -> tuple[str, str]:
    """``Written: 2026-02-12 09:20:00 (+05)`` as ("2026-02-12 09:20:00", "+05")."""
    value = istat_field(text, label)
    digits, _, zone = value.partition(" (")
    return digits, zone.rstrip(")")

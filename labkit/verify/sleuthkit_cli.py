"""The Sleuth Kit's command-line tools (Debian's sleuthkit), run as independent readers.

Each function runs one tool and parses only what verification needs. TSK shows
FAT times as the stored wall-clock labelled with the zone given by ``-z``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from labkit.errors import VerificationError


def available() -> bool:
    return all(shutil.which(tool) for tool in ("fls", "istat", "icat", "fsstat", "blkcat", "blkstat", "mmls"))


def _run(args: list[str], *, binary: bool = False, zone: str = "UTC") -> bytes:
    env = {**os.environ, "TZ": zone, "LC_ALL": "C.UTF-8"}
    try:
        result = subprocess.run(args, capture_output=True, env=env, timeout=300, check=False)
    except FileNotFoundError:
        raise VerificationError(f"{args[0]} is not installed (Debian package sleuthkit)") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VerificationError(
            f"{' '.join(args[:1])} failed on {args[-1]}: {message[0] if message else result.returncode}"
        )
    return result.stdout


@dataclass(frozen=True)
class FlsEntry:
    inode: int
    path: str
    deleted: bool
    kind: str


def fls(image: Path, offset_sectors: int) -> list[FlsEntry]:
    """All entries, recursively, with full paths (``fls -r -p``)."""
    out = _run(["fls", "-r", "-p", "-o", str(offset_sectors), str(image)]).decode("utf-8", "replace")
    entries = []
    for line in out.splitlines():
        match = re.match(r"^(\S+)\s+(\*\s+)?(\d+)(?:-\d+-\d+)?(?:\(realloc\))?:\t(.*)$", line)
        if match:
            entries.append(FlsEntry(int(match[3]), "/" + match[4], bool(match[2]), match[1]))
    return entries


@dataclass
class IstatInfo:
    allocated: bool
    attributes: list[str]
    size: int
    name: str
    times: dict[str, str] = field(default_factory=dict)
    sectors: list[int] = field(default_factory=list)


def istat(image: Path, offset_sectors: int, inode: int, zone: str) -> IstatInfo:
    out = _run(["istat", "-z", zone, "-o", str(offset_sectors), str(image), str(inode)], zone=zone)
    text = out.decode("utf-8", "replace")
    info = IstatInfo(allocated="\nAllocated" in "\n" + text, attributes=[], size=0, name="")
    section = ""
    for line in text.splitlines():
        if line.startswith("File Attributes:"):
            info.attributes = [a.strip() for a in line.split(":", 1)[1].split(",")]
        elif line.startswith("Size:"):
            info.size = int(line.split(":", 1)[1])
        elif line.startswith("Name:"):
            info.name = line.split(":", 1)[1].strip()
        elif line.startswith("Sectors:"):
            section = "sectors"
        elif section == "sectors":
            info.sectors += [int(s) for s in line.split()]
        else:
            match = re.match(r"^(Written|Accessed|Created):\t(.*)$", line)
            if match:
                info.times[match[1]] = match[2].strip()
    return info


def icat(image: Path, offset_sectors: int, inode: int, *, slack: bool = False) -> bytes:
    args = ["icat", *(["-s"] if slack else []), "-o", str(offset_sectors), str(image), str(inode)]
    return _run(args, binary=True)


def blkcat(image: Path, offset_sectors: int, sector: int, count: int = 1) -> bytes:
    return _run(["blkcat", "-o", str(offset_sectors), str(image), str(sector), str(count)], binary=True)


def block_allocated(image: Path, offset_sectors: int, sector: int) -> bool:
    out = _run(["blkstat", "-o", str(offset_sectors), str(image), str(sector)]).decode("utf-8", "replace")
    return "Not Allocated" not in out


def fsstat(image: Path, offset_sectors: int) -> dict[str, str]:
    out = _run(["fsstat", "-o", str(offset_sectors), str(image)]).decode("utf-8", "replace")
    values: dict[str, str] = {}
    for line in out.splitlines():
        if ": " in line and not line.startswith("*"):
            name, _, value = line.partition(": ")
            values.setdefault(name.strip(), value.strip())
    return values


def mmls_starts(image: Path) -> list[int]:
    """Start sectors of the allocated (non-meta, non-unallocated) partitions."""
    result = subprocess.run(["mmls", str(image)], capture_output=True, check=False)
    if result.returncode != 0:
        return []
    starts = []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        match = re.match(r"^\d+:\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if match and match[1] not in ("Meta", "-------"):
            starts.append(int(match[2]))
    return starts


def img_stat_md5(image: Path) -> str | None:
    """The MD5 an E01 stores for its media (``img_stat``), or None for raw images."""
    out = _run(["img_stat", str(image)]).decode("utf-8", "replace")
    match = re.search(r"MD5 hash of data:\s*([0-9a-fA-F]{32})", out)
    return match[1].lower() if match else None

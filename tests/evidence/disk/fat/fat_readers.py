"""Helpers that read a FAT image back with independent tools (fsck.fat, TSK, mtools)."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

FORMAT_TIME = datetime(2024, 5, 1, 9, 0, 0)
SIZES = {"fat12": 4 * 1024 * 1024, "fat16": 32 * 1024 * 1024, "fat32": 64 * 1024 * 1024}
TOOL_ENV = {**os.environ, "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MTOOLS_SKIP_CHECK": "1"}


def run(*command: str | Path) -> str:
    """Run an independent tool; its failure fails the test with its own message."""
    result = subprocess.run([str(part) for part in command], capture_output=True, env=TOOL_ENV, check=False)
    assert result.returncode == 0, f"{command}: {result.stderr.decode(errors='replace')}"
    return result.stdout.decode("utf-8", errors="replace")


def run_bytes(*command: str | Path) -> bytes:
    result = subprocess.run([str(part) for part in command], capture_output=True, env=TOOL_ENV, check=False)
    assert result.returncode == 0, f"{command}: {result.stderr.decode(errors='replace')}"
    return result.stdout


def fsck_clean(image: Path) -> str:
    """fsck.fat -n must exit 0 and print nothing but its banner and summary line."""
    output = run("fsck.fat", "-n", image)
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 2 and lines[0].startswith("fsck.fat"), output
    return output


def fls_inodes(image: Path, *options: str) -> dict[str, tuple[int, bool]]:
    """Path -> (inode, deleted) as ``fls -r -p`` lists them."""
    listing: dict[str, tuple[int, bool]] = {}
    for line in run("fls", "-r", "-p", *options, image).splitlines():
        kind_and_inode, _, name = line.partition("\t")
        deleted = "*" in kind_and_inode
        inode = int(kind_and_inode.replace("*", "").split()[-1].rstrip(":").split("-")[0])
        listing[name] = (inode, deleted)
    return listing

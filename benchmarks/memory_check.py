"""Check the benchmark's images with independent readers: volatility3's pslist, and the files themselves.

The times compare the same work only if labkit's image is a real memory image of the spec, not just
a gigabyte of something. The unmodified ``vol`` CLI must find the kernel, walk the task list and list
exactly the spec's visible tasks (pid, ppid, comm), with a cache of its own so that no symbol table
identified in an earlier run is reused. dd's file must be as large as labkit's and fully allocated.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .measure import BenchmarkError, run_measured

PSLIST = "linux.pslist.PsList"


@dataclass(frozen=True)
class PslistCheck:
    """What ``vol linux.pslist.PsList`` listed on labkit's image, against the spec's visible tasks."""

    command: list[str]
    seconds: float
    expected: int  # tasks the spec has outside the hidden ones
    hidden: int  # tasks the spec hides from the task list (pslist must miss them)
    listed: int
    differences: list[str]

    @property
    def passed(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class FileCheck:
    """An image file's size against the size it must have, and what it occupies on disk."""

    name: str
    size: int
    expected_size: int
    allocated_bytes: int

    @property
    def passed(self) -> bool:
        return self.size == self.expected_size


def file_check(name: str, path: Path, expected_size: int) -> FileCheck:
    status = path.stat()
    return FileCheck(name, status.st_size, expected_size, status.st_blocks * 512)


def vol_command(vol: Path, image: Path, symbols: Path) -> list[str]:
    return [str(vol), "-q", "-r", "json", "-f", str(image), "-s", str(symbols), PSLIST]


def pslist_rows(output: str) -> list[tuple[int, int, str]]:
    """(pid, ppid, comm) of each row of ``vol -r json linux.pslist.PsList``'s output."""
    try:
        return [(int(row["PID"]), int(row["PPID"]), str(row["COMM"])) for row in json.loads(output)]
    except (ValueError, TypeError, KeyError) as error:
        raise BenchmarkError(f"vol {PSLIST} did not print rows of PID, PPID and COMM: {error!r}") from None


def pslist_differences(expected: dict[int, tuple[int, str]], rows: list[tuple[int, int, str]]) -> list[str]:
    """Missing, unexpected and repeated pids, then pids listed with another ppid or comm than the spec's."""
    listed = {pid: (ppid, comm) for pid, ppid, comm in rows}
    pids = [pid for pid, _, _ in rows]
    differences = [
        f"pid {pid} listed {pids.count(pid)} times" for pid in sorted(listed) if pids.count(pid) > 1
    ]
    differences += [f"pid {pid} ({expected[pid][1]}) missing" for pid in sorted(expected.keys() - listed)]
    differences += [
        f"pid {pid} ({listed[pid][1]}) listed, not in the spec or hidden"
        for pid in sorted(listed - expected.keys())
    ]
    for pid in sorted(expected.keys() & listed.keys()):
        if listed[pid] != expected[pid]:
            differences.append(
                f"pid {pid}: ppid {listed[pid][0]} comm {listed[pid][1]!r}, "
                f"spec ppid {expected[pid][0]} comm {expected[pid][1]!r}"
            )
    return differences


def check_pslist(
    vol: Path, image: Path, symbols: Path, cache: Path, expected: dict[int, tuple[int, str]], hidden: int
) -> PslistCheck:
    """Run pslist on ``image`` with a fresh cache under ``cache``; compare its tasks with ``expected``."""
    cache.mkdir(parents=True, exist_ok=True)
    command = vol_command(vol, image, symbols)
    try:
        measured = run_measured(command, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
        rows = pslist_rows(measured.stdout)
    except BenchmarkError as error:
        return PslistCheck(command, 0.0, len(expected), hidden, 0, [f"vol failed: {error.one_line()}"])
    differences = pslist_differences(expected, rows)
    return PslistCheck(command, measured.seconds, len(expected), hidden, len(rows), differences)

"""Run one command as a child process and measure its wall time and, if asked, its own peak memory.

Peak memory needs care: Linux charges a child's ``ru_maxrss`` with the high
water mark of the process it was spawned from (exec keeps the old mm's peak),
so ``wait4`` or ``RUSAGE_CHILDREN`` from this Python harness would report at
least the harness's own size. GNU time forks the command from a process of a
megabyte or two and reports the rusage of that child alone, so ``%M`` is the
command's own peak to within that. A Python child reports its ``VmHWM`` itself.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import LabkitError

GNU_TIME = "/usr/bin/time"


class BenchmarkError(LabkitError):
    """A benchmarked command could not run or failed."""

    exit_code = 2


@dataclass(frozen=True)
class Measured:
    """One finished child: wall seconds, peak resident memory (None if not measured), its output."""

    seconds: float
    peak_rss_bytes: int | None
    stdout: str


def gnu_time_available() -> bool:
    """Whether ``/usr/bin/time`` is GNU time (Debian package ``time``), which reports ``%M``."""
    if not Path(GNU_TIME).is_file():
        return False
    probe = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True, check=False)
    return "GNU" in probe.stdout + probe.stderr


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    measure_memory: bool = False,
) -> Measured:
    """Run ``argv`` to completion; raise :class:`BenchmarkError` with its stderr if it fails.

    With ``measure_memory`` the command runs under GNU time, whose fork and exec
    add about a millisecond to the wall time.
    """
    if shutil.which(argv[0]) is None and not Path(argv[0]).is_file():
        raise BenchmarkError(f"cannot find {argv[0]}; run `bash .ci/setup` first")
    with tempfile.NamedTemporaryFile(prefix="labkit-bench-rss-", suffix=".txt") as rss_file:
        command = list(argv)
        if measure_memory:
            command = [GNU_TIME, "--format=%M", f"--output={rss_file.name}", *command]
        started = time.perf_counter()
        result = subprocess.run(
            command, capture_output=True, env=dict(env) if env else None, cwd=cwd, check=False
        )
        seconds = time.perf_counter() - started
        peak_kib = Path(rss_file.name).read_text().strip().splitlines()[-1:] if measure_memory else []
    if result.returncode != 0:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())[-400:] or "no message"
        raise BenchmarkError(f"{Path(argv[0]).name} exited with {result.returncode}: {detail}")
    peak = int(peak_kib[0]) * 1024 if peak_kib and peak_kib[0].isdigit() else None
    return Measured(seconds, peak, result.stdout.decode("utf-8", "replace"))

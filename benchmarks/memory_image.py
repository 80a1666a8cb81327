"""labkit's memory image writer against ``dd`` writing as many zeros to the same disk, side by side.

``python -m benchmarks.memory_image [--size 1G] [--repeat 3] [--seed 2024] [--keep] [--json]``

labkit writes a raw RAM image of a compromised web server (processes, sockets, page cache, modules,
kernel log, noise; fill 0.35) with ``write_memory_image``; dd writes the same number of bytes of
zeros with ``dd if=/dev/zero bs=1M conv=fsync``. Both fsync, so both pay for the disk. Each side runs
in its own child process (wall time and peak memory of that process alone), alternating so that
neither gets a quieter disk. Afterwards volatility3's pslist must list the spec's tasks in labkit's
image, so that the times compare writing a real memory image with writing zeros.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from labkit.errors import LabkitError

from .fat_build import parse_size
from .measure import BenchmarkError, gnu_time_available, run_measured
from .memory_check import check_pslist, file_check
from .memory_report import render_memory_table
from .memory_results import DdSide, LabkitSide, MemoryBenchmarkResult, SpecSummary
from .memory_spec import benchmark_spec, visible_processes

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHILD_ENVIRONMENT = {"TZ": "UTC", "LC_ALL": "C.UTF-8"}
MIB = 1 << 20
SIZE_STEP = 2 * MIB  # the spec's RAM is a multiple of 2 MiB, 64 MiB or more
MIN_SIZE = 64 * MIB
WRITER_MODULE = "labkit.evidence.memory.writer"


def default_vol_command() -> Path:
    """volatility3's console script next to this interpreter (``.venv/bin/vol``)."""
    return Path(sys.executable).with_name("vol")


def require_tools(size: int, vol: Path) -> None:
    """A valid size, dd, vol and labkit's writer; otherwise one clear error before any work."""
    if size < MIN_SIZE or size % SIZE_STEP:
        raise BenchmarkError(f"--size {size:,} bytes: a memory image is a multiple of 2 MiB, 64 MiB or more")
    if shutil.which("dd") is None:
        raise BenchmarkError("dd is not installed (Debian package coreutils)")
    if not vol.is_file():
        raise BenchmarkError(f"no volatility3 `vol` at {vol}; run `bash .ci/setup` first")
    if importlib.util.find_spec(WRITER_MODULE) is None:
        raise BenchmarkError(f"{WRITER_MODULE} is not in this checkout: there is no writer to measure")


def dd_command(image: Path, size: int) -> list[str]:
    return ["dd", "if=/dev/zero", f"of={image}", "bs=1M", f"count={size // MIB}", "conv=fsync"]


def run_labkit(image: Path, symbols: Path, size: int, seed: int) -> dict[str, Any]:
    """One labkit image in a child interpreter: its own report, plus the child's wall seconds."""
    image.unlink(missing_ok=True)
    shutil.rmtree(symbols, ignore_errors=True)  # every run writes its symbol table anew
    argv = [
        sys.executable,
        "-m",
        "benchmarks.memory_labkit_side",
        str(image),
        str(symbols),
        str(size),
        str(seed),
    ]
    measured = run_measured(argv, env={**os.environ, **CHILD_ENVIRONMENT}, cwd=PROJECT_ROOT)
    return {**json.loads(measured.stdout), "wall_seconds": measured.seconds}


def run_dd(image: Path, size: int, *, measure_memory: bool) -> tuple[float, int | None]:
    """One ``dd conv=fsync`` of ``size`` bytes of zeros: wall seconds and peak RSS (GNU time)."""
    image.unlink(missing_ok=True)
    measured = run_measured(
        dd_command(image, size), env={**os.environ, **CHILD_ENVIRONMENT}, measure_memory=measure_memory
    )
    return measured.seconds, measured.peak_rss_bytes


def labkit_side(reports: list[dict[str, Any]], image: Path) -> LabkitSide:
    last = reports[-1]
    return LabkitSide(
        name="labkit write_memory_image + fsync",
        seconds=[float(report["wall_seconds"]) for report in reports],
        spec_seconds=[float(report["spec_seconds"]) for report in reports],
        write_seconds=[float(report["write_seconds"]) for report in reports],
        fsync_seconds=[float(report["fsync_seconds"]) for report in reports],
        peak_rss_bytes=max(int(report["peak_rss_bytes"]) for report in reports),
        start_rss_bytes=min(int(report["start_rss_bytes"]) for report in reports),
        bytes_written=int(last["bytes_written"]),
        image_size=int(last["image_size"]),
        image_allocated_bytes=image.stat().st_blocks * 512,
        isf_bytes=int(last["isf_bytes"]),
    )


def run_benchmark(workdir: Path, *, size: int, repeat: int, seed: int, vol: Path) -> MemoryBenchmarkResult:
    """Write both images ``repeat`` times, alternating; then check the last of each."""
    require_tools(size, vol)
    spec = benchmark_spec(size, seed)  # the child builds the same one; this copy is what the check expects
    images = {"labkit": workdir / "labkit-memory.raw", "dd": workdir / "dd-zeros.raw"}
    symbols = workdir / "symbols"
    measure_memory = gnu_time_available()
    reports: list[dict[str, Any]] = []
    dd_seconds: list[float] = []
    dd_peaks: list[int] = []
    for _ in range(repeat):
        reports.append(run_labkit(images["labkit"], symbols, size, seed))
        seconds, peak = run_dd(images["dd"], size, measure_memory=measure_memory)
        dd_seconds.append(seconds)
        dd_peaks += [peak] if peak is not None else []
    labkit = labkit_side(reports, images["labkit"])
    dd = DdSide(
        name=f"dd if=/dev/zero bs=1M count={size // MIB} conv=fsync",
        command=dd_command(images["dd"], size),
        seconds=dd_seconds,
        peak_rss_bytes=max(dd_peaks) if dd_peaks else None,
        image_allocated_bytes=images["dd"].stat().st_blocks * 512,
    )
    files = [
        file_check("labkit image", images["labkit"], size),
        file_check("dd file", images["dd"], size),
    ]
    hidden = sum(process.hidden for process in spec.processes)
    pslist = check_pslist(
        vol, images["labkit"], symbols, workdir / "vol-cache", visible_processes(spec), hidden
    )
    return MemoryBenchmarkResult(size, seed, repeat, SpecSummary.of(spec), labkit, dd, files, pslist)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (or JSON); exit 0 when labkit's image checks out."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.memory_image", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", type=parse_size, default=parse_size("1G"), help="RAM size (default 1G)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument(
        "--seed", type=int, default=2024, help="seed of the host and the image (default 2024)"
    )
    parser.add_argument("--vol", type=Path, default=default_vol_command(), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help="where to put the images (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep both images and the symbol table")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args(argv)
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    if options.workdir is not None:
        options.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="labkit-mem-bench-", dir=options.workdir))
    try:
        result = run_benchmark(
            workdir, size=options.size, repeat=options.repeat, seed=options.seed, vol=options.vol
        )
    except LabkitError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        extra = {
            "ratio": result.ratio,
            "passed": result.passed,
            "kept": str(workdir) if options.keep else None,
        }
        print(json.dumps({**asdict(result), **extra}, indent=2, ensure_ascii=False))
    else:
        print(render_memory_table(result))
        if options.keep:
            print(f"kept: {workdir}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())

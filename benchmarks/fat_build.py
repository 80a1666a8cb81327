"""labkit's FAT32 writer against ``mkfs.fat`` + one ``mcopy -s`` of the same tree, side by side.

``python -m benchmarks.fat_build [--size 1G] [--files 2000] [--repeat 3] [--keep] [--json]``

Both sides copy the same seeded source tree into a new sparse image of the same
size and cluster size, each in its own child process (wall time and peak
memory of that process alone); the runs alternate so that neither side gets a
warmer page cache. Afterwards both images are checked with ``fsck.fat -n`` and
read back with fls and icat, so that the times compare the same work.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from labkit.errors import LabkitError
from labkit.evidence.disk.fat import plan_geometry

from .image_check import (
    file_sha256,
    fsck_clean,
    hash_sample,
    icat_sha256,
    list_tree,
    source_tree_listing,
    tree_differences,
)
from .measure import BenchmarkError, gnu_time_available, run_measured
from .report import render_table
from .source_tree import generate_source_tree

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REQUIRED_TOOLS = ("mkfs.fat", "mcopy", "fsck.fat", "fls", "icat")
SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
MKFS_SERIAL = "1AB5EED5"
# TZ fixes how both sides turn a file's mtime into FAT local time; the UTF-8 locale lets mcopy store Cyrillic.
CHILD_ENVIRONMENT = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "MTOOLS_SKIP_CHECK": "1"}


@dataclass(frozen=True)
class SideResult:
    """The runs of one side: wall seconds each, peak memory, and the image's allocated bytes."""

    name: str
    seconds: list[float]
    peak_rss_bytes: int | None  # None when GNU time is not installed to measure mcopy
    image_allocated_bytes: int
    bytes_written: int | None = None
    build_seconds: list[float] | None = None  # labkit only: the work without interpreter start
    baseline_rss_bytes: int | None = None  # labkit only: interpreter + imports before the work

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class TreeCheck:
    """What fsck.fat, fls and icat found in both images."""

    fsck: dict[str, str]
    entries: int
    differences: list[str]
    hashed: int
    hash_mismatches: list[str]

    @property
    def passed(self) -> bool:
        return all(v.startswith("clean") for v in self.fsck.values()) and not (
            self.differences or self.hash_mismatches
        )


@dataclass(frozen=True)
class BenchmarkResult:
    """Everything one benchmark run measured, for the table or ``--json``."""

    volume_size: int
    cluster_size: int
    files: int
    folders: int
    source_bytes: int
    repeat: int
    labkit: SideResult
    mtools: SideResult
    check: TreeCheck

    @property
    def ratio(self) -> float:
        """labkit median time over mkfs.fat + mcopy median time: below 1 means labkit is faster."""
        return self.labkit.median / self.mtools.median


def parse_size(text: str) -> int:
    """``1G``, ``512M``, ``48MiB`` or a byte count."""
    cleaned = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = cleaned[-1:] if cleaned[-1:] in SIZE_UNITS else ""
    number = cleaned[: len(cleaned) - len(unit)]
    if not number.isdigit() or int(number) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1G, 512M or 48MiB")
    return int(number) * SIZE_UNITS[unit]


def run_labkit(source: Path, image: Path, size: int) -> tuple[float, dict[str, int | str | float]]:
    """One labkit build in a child interpreter: wall seconds, and the child's own report (VmHWM...)."""
    image.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "benchmarks.labkit_side", str(source), str(image), str(size)]
    measured = run_measured(argv, env={**os.environ, **CHILD_ENVIRONMENT}, cwd=PROJECT_ROOT)
    return measured.seconds, json.loads(measured.stdout)


def run_mtools(
    source: Path, image: Path, size: int, sectors_per_cluster: int, *, measure_memory: bool
) -> tuple[float, int | None]:
    """``truncate`` + ``mkfs.fat -F 32`` + one ``mcopy -s -m``: summed wall seconds, the larger peak RSS."""
    image.unlink(missing_ok=True)
    environment = {**os.environ, **CHILD_ENVIRONMENT}
    top_level = [str(path) for path in sorted(source.iterdir())]
    steps = [
        ["truncate", "-s", str(size), str(image)],
        ["mkfs.fat", "-F", "32", "-S", "512", "-s", str(sectors_per_cluster), "-i", MKFS_SERIAL, str(image)],
        ["mcopy", "-s", "-m", "-i", str(image), *top_level, "::/"],
    ]
    runs = [run_measured(step, env=environment, measure_memory=measure_memory) for step in steps]
    peaks = [run.peak_rss_bytes for run in runs if run.peak_rss_bytes is not None]
    return sum(run.seconds for run in runs), max(peaks) if peaks else None


def check_images(source: Path, images: dict[str, Path], sample_size: int) -> TreeCheck:
    """fsck.fat -n both images, compare their fls trees with the source, icat-hash a sample."""
    fsck: dict[str, str] = {}
    for name, image in images.items():
        clean, tail = fsck_clean(image)
        fsck[name] = ("clean: " if clean else "PROBLEMS: ") + tail
    listing = source_tree_listing(source)
    differences: list[str] = []
    mismatches: list[str] = []
    sample = hash_sample(listing, sample_size)
    expected = {path: file_sha256(source / path) for path in sample}
    for name, image in images.items():
        tree = list_tree(image)
        differences += [f"{name}: {difference}" for difference in tree_differences(listing, tree)]
        for path in sample:
            if path in tree and icat_sha256(image, tree[path].inode) != expected[path]:
                mismatches.append(f"{name}: {path}")
    return TreeCheck(fsck, len(listing), differences, len(sample), mismatches)


def run_benchmark(
    workdir: Path, *, size: int, files: int, repeat: int, seed: int = 2024, sample_size: int = 8
) -> BenchmarkResult:
    """Generate the tree in ``workdir``, build both images ``repeat`` times, check the last two."""
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise BenchmarkError(f"missing tools: {', '.join(missing)}; run `bash .ci/setup` first")
    geometry = plan_geometry(size, fat_type="fat32")
    tree = generate_source_tree(workdir / "source", files=files, volume_size=size, seed=seed)
    images = {"labkit": workdir / "labkit.img", "mtools": workdir / "mkfs-mcopy.img"}
    labkit_seconds: list[float] = []
    build_seconds: list[float] = []
    mtools_seconds: list[float] = []
    mtools_peaks: list[int] = []
    labkit_peak = 0
    measure_memory = gnu_time_available()
    report: dict[str, int | str | float] = {}
    for _ in range(repeat):
        seconds, report = run_labkit(tree.root, images["labkit"], size)
        labkit_seconds.append(seconds)
        build_seconds.append(float(report["build_seconds"]))
        labkit_peak = max(labkit_peak, int(report["peak_rss_bytes"]))
        seconds, peak = run_mtools(
            tree.root, images["mtools"], size, geometry.sectors_per_cluster, measure_memory=measure_memory
        )
        mtools_seconds.append(seconds)
        mtools_peaks += [peak] if peak is not None else []
    labkit = SideResult(
        "labkit FatVolume",
        labkit_seconds,
        labkit_peak,
        images["labkit"].stat().st_blocks * 512,
        int(report["bytes_written"]),
        build_seconds,
        int(report["baseline_rss_bytes"]),
    )
    mtools = SideResult(
        "mkfs.fat + mcopy -s",
        mtools_seconds,
        max(mtools_peaks) if mtools_peaks else None,
        images["mtools"].stat().st_blocks * 512,
    )
    check = check_images(tree.root, images, sample_size)
    return BenchmarkResult(
        size, geometry.cluster_size, files, len(tree.folders), tree.total_bytes, repeat, labkit, mtools, check
    )


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (or JSON); exit 0 when both images check out."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fat_build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", type=parse_size, default=parse_size("1G"), help="volume size (default 1G)")
    parser.add_argument("--files", type=int, default=2000, help="files in the source tree (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the source tree (default 2024)")
    parser.add_argument("--workdir", type=Path, help="where to put the tree and images (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the source tree and both images")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args(argv)
    if options.files < 1 or options.repeat < 1:
        parser.error("--files and --repeat must be at least 1")
    if options.workdir is not None:
        options.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="labkit-fat-bench-", dir=options.workdir))
    try:
        result = run_benchmark(
            workdir, size=options.size, files=options.files, repeat=options.repeat, seed=options.seed
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
            "passed": result.check.passed,
            "kept": str(workdir) if options.keep else None,
        }
        print(json.dumps({**asdict(result), **extra}, indent=2, ensure_ascii=False))
    else:
        print(render_table(result))
        if options.keep:
            print(f"kept: {workdir}")
    return 0 if result.check.passed else 1


if __name__ == "__main__":
    sys.exit(main())

"""Building a class with ``build_class`` on one core against all cores, side by side.

``python -m benchmarks.class_build [--trainees 50] [--jobs N] [--repeat 1] [--no-verify] [--keep] [--json]``

The bundled basic scenario (``scenarios/usb-fraud.yaml``) is built for a roster of N trainees twice per
run: with ``jobs=1`` (one variant after another, in one process) and with ``jobs`` = every core (a
process pool). The obvious alternative to the pool is the single process, so the ratio of the two is the
speed-up a trainer gets from the pool. Each build runs in its own child Python process, timed from start
to exit like ``labkit class build`` (interpreter start and imports included; the child also reports
``build_class`` alone). The roster and a secret derived from ``--seed`` are written to the work folder.

By default every variant is verified (every answer read back with independent tools), because that is
what ``labkit class build`` does unless told ``--no-verify``; the table says which was measured.

The check: every class folder built (both sides, every run) must be byte-identical, file for file,
because a class depends on its roster, secret and scenario only, never on ``jobs``. Exit status 1 if not.

``python -m benchmarks.class_build --child SCENARIO ROSTER SECRET OUT JOBS VERIFY`` is the child side:
it builds one class and prints one JSON object (its times and peak memory).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from labkit.errors import LabkitError

from .measure import BenchmarkError, run_measured
from .report import MAX_LISTED_PROBLEMS, MIB

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCENARIO = PROJECT_ROOT / "scenarios" / "usb-fraud.yaml"
CHILD_ENVIRONMENT = {"TZ": "UTC", "LC_ALL": "C.UTF-8"}
CHILD_FLAG = "--child"
MODE = "exam"


@dataclass(frozen=True)
class BuildSide:
    """The runs of one ``jobs`` setting: the child's wall seconds, build_class alone, the child's peak."""

    name: str
    jobs: int
    seconds: list[float]
    build_seconds: list[float]
    #: VmHWM of the building process; with a pool the workers are not included (they are processes of
    #: their own, each about this size).
    peak_rss_bytes: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class FolderCheck:
    """Whether every class folder built is the same, byte for byte."""

    builds: int
    files: int
    total_bytes: int
    tree_sha256: str
    differences: list[str]

    @property
    def identical(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class ClassBuildResult:
    """Everything one benchmark run measured, for the table or ``--json``."""

    scenario: str
    trainees: int
    mode: str
    verify: bool
    cores: int
    repeat: int
    single: BuildSide
    parallel: BuildSide
    folders: FolderCheck

    @property
    def speedup(self) -> float:
        """jobs=1 median over all-cores median: above 1 means the pool is faster."""
        return self.single.median / self.parallel.median

    def per_trainee(self, side: BuildSide) -> float:
        return side.median / self.trainees


def write_inputs(workdir: Path, trainees: int, seed: int) -> tuple[Path, Path]:
    """A roster of ``trainees`` (t001, t002...) and a 32-byte secret derived from ``seed`` (mode 0600)."""
    width = max(3, len(str(trainees)))
    roster = workdir / "roster.csv"
    rows = ["id,name"] + [f"t{n:0{width}d},Trainee {n:0{width}d}" for n in range(1, trainees + 1)]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    secret = workdir / "class.secret"
    descriptor = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(hashlib.sha256(f"labkit class benchmark secret {seed}".encode()).digest())
    return roster, secret


def tree_digests(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (folders as ``dir``), '/'-separated."""
    digests: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_dir():
            digests[relative + "/"] = "dir"
        else:
            with path.open("rb") as handle:
                digests[relative] = hashlib.file_digest(handle, "sha256").hexdigest()
    return digests


def tree_sha256(digests: dict[str, str]) -> str:
    """One digest for a whole tree: of its sorted ``path digest`` lines."""
    lines = "".join(f"{path}\t{digest}\n" for path, digest in sorted(digests.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def tree_differences(reference: dict[str, str], other: dict[str, str], name: str) -> list[str]:
    """What differs between two trees, as ``name: path: ...`` lines."""
    problems = [f"{name}: {path}: missing" for path in sorted(reference.keys() - other.keys())]
    problems += [
        f"{name}: {path}: not in the first build" for path in sorted(other.keys() - reference.keys())
    ]
    problems += [
        f"{name}: {path}: different bytes"
        for path in sorted(reference.keys() & other.keys())
        if reference[path] != other[path]
    ]
    return problems


def run_build(
    roster: Path, secret: Path, out: Path, *, jobs: int, verify: bool, scenario: Path = SCENARIO
) -> tuple[float, dict[str, float | int]]:
    """One class build in a child interpreter: its wall seconds and its own report."""
    argv = [
        sys.executable, "-m", "benchmarks.class_build", CHILD_FLAG,
        str(scenario), str(roster), str(secret), str(out), str(jobs), "1" if verify else "0",
    ]  # fmt: skip
    measured = run_measured(argv, env={**os.environ, **CHILD_ENVIRONMENT}, cwd=PROJECT_ROOT)
    return measured.seconds, json.loads(measured.stdout)


def run_benchmark(
    workdir: Path,
    *,
    trainees: int,
    jobs: int,
    repeat: int,
    verify: bool,
    seed: int = 2024,
    keep: bool = False,
) -> ClassBuildResult:
    """Build the class ``repeat`` times with jobs=1 and with ``jobs``, alternating; compare every folder."""
    roster, secret = write_inputs(workdir, trainees, seed)
    settings = {"single": 1, "parallel": jobs}
    seconds: dict[str, list[float]] = {side: [] for side in settings}
    alone: dict[str, list[float]] = {side: [] for side in settings}
    peaks: dict[str, int] = dict.fromkeys(settings, 0)
    reference: dict[str, str] | None = None
    total_bytes = 0
    differences: list[str] = []
    for run in range(1, repeat + 1):
        for side, side_jobs in settings.items():
            out = workdir / f"class-jobs{side_jobs}-run{run}"
            wall, report = run_build(roster, secret, out, jobs=side_jobs, verify=verify)
            if report["trainees"] != trainees:
                raise BenchmarkError(f"{out}: built {report['trainees']} trainees, not {trainees}")
            seconds[side].append(wall)
            alone[side].append(float(report["build_seconds"]))
            peaks[side] = max(peaks[side], int(report["peak_rss_bytes"]))
            digests = tree_digests(out)
            if reference is None:
                reference = digests
                total_bytes = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
            else:
                differences += tree_differences(reference, digests, out.name)
            if not keep:
                shutil.rmtree(out)
    assert reference is not None
    files = sum(1 for digest in reference.values() if digest != "dir")
    return ClassBuildResult(
        scenario=SCENARIO.relative_to(PROJECT_ROOT).as_posix(),
        trainees=trainees,
        mode=MODE,
        verify=verify,
        cores=os.cpu_count() or 1,
        repeat=repeat,
        single=BuildSide("jobs=1", 1, seconds["single"], alone["single"], peaks["single"]),
        parallel=BuildSide(f"jobs={jobs}", jobs, seconds["parallel"], alone["parallel"], peaks["parallel"]),
        folders=FolderCheck(2 * repeat, files, total_bytes, tree_sha256(reference), differences),
    )


def render_table(result: ClassBuildResult) -> str:
    """The human-readable report: what was built, one row per jobs setting, the speed-up, the check."""
    verify = (
        "verify on (every answer read back with independent tools, as `labkit class build` does by default)"
        if result.verify
        else "verify OFF (--no-verify: generation only, not what `labkit class build` does by default)"
    )
    lines = [
        f"Class build: {result.trainees} trainees of {result.scenario}, {result.mode} mode, "
        f"{result.cores} core(s), {result.repeat} run(s) each",
        verify,
        "each build is a child Python process timed from start to exit (interpreter start and imports "
        "included), like `labkit class build`",
        "",
        f"{'side':<22}{'median s':>10}{'min s':>9}{'per trainee s':>15}{'build_class s':>15}"
        f"{'peak RSS MiB':>14}",
    ]
    for side in (result.single, result.parallel):
        lines.append(
            f"{side.name:<22}{side.median:>10.2f}{min(side.seconds):>9.2f}"
            f"{result.per_trainee(side):>15.2f}{statistics.median(side.build_seconds):>15.2f}"
            f"{side.peak_rss_bytes / MIB:>14.1f}"
        )
    parallel = result.parallel.jobs
    efficiency = result.speedup / parallel if parallel > 0 else 0.0
    lines += [
        "",
        f"speed-up jobs=1 / jobs={parallel}, median: {result.speedup:.2f}x "
        f"(ideal {float(parallel):.2f}x; {efficiency:.0%} of it)",
        f"peak RSS is the building process's own; with jobs={parallel} each of the {parallel} worker "
        "processes holds one variant as well",
        "",
    ]
    folders = result.folders
    if folders.identical:
        lines.append(
            f"class folders: all {folders.builds} builds byte-identical ({folders.files:,} files, "
            f"{folders.total_bytes / MIB:.1f} MiB; tree SHA-256 {folders.tree_sha256[:16]}...)"
        )
    else:
        lines.append(f"class folders DIFFER in {len(folders.differences)} place(s):")
        lines += [f"  {difference}" for difference in folders.differences[:MAX_LISTED_PROBLEMS]]
    lines.append(f"check: {'PASSED' if folders.identical else 'FAILED'}")
    return "\n".join(lines)


def child_main(argv: list[str]) -> int:
    """Build one class (``SCENARIO ROSTER SECRET OUT JOBS VERIFY``); print its times and peak as JSON."""
    from labkit.classroom.build import build_class

    from .process_memory import peak_resident_bytes

    scenario, roster, secret, out, jobs, verify = argv
    started = time.perf_counter()
    try:
        manifest = build_class(
            scenario, roster, secret, out, mode=MODE, jobs=int(jobs), progress=False, verify=verify == "1"
        )
    except LabkitError as error:
        sys.stderr.write(error.one_line() + "\n")
        return error.exit_code
    report = {
        "build_seconds": time.perf_counter() - started,
        "peak_rss_bytes": peak_resident_bytes(),
        "trainees": len(manifest.trainees),
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (or JSON); exit 0 when every class folder is the same."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [CHILD_FLAG]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.class_build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--trainees", type=int, default=50, help="trainees in the roster (default 50)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes of the pool (default: every core)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="builds of each side (default 1: a verified build of 50 takes minutes)",
    )
    parser.add_argument("--seed", type=int, default=2024, help="seed of the class secret (default 2024)")
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="build without verifying (not what a trainer runs by default)",
    )
    parser.add_argument(
        "--workdir", type=Path, help="where to put roster, secret and classes (default: a temp dir)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the roster, the secret and every class folder"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args(argv)
    if options.trainees < 1 or options.repeat < 1 or options.jobs < 1:
        parser.error("--trainees, --jobs and --repeat must be at least 1")
    if options.workdir is not None:
        options.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="labkit-class-build-bench-", dir=options.workdir))
    try:
        result = run_benchmark(
            workdir, trainees=options.trainees, jobs=options.jobs, repeat=options.repeat,
            verify=not options.no_verify, seed=options.seed, keep=options.keep,
        )  # fmt: skip
    except LabkitError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        extra = {
            "speedup": result.speedup,
            "per_trainee_seconds": {
                side.name: result.per_trainee(side) for side in (result.single, result.parallel)
            },
            "identical": result.folders.identical,
            "passed": result.folders.identical,
            "kept": str(workdir) if options.keep else None,
        }
        print(json.dumps({**asdict(result), **extra}, indent=2, ensure_ascii=False))
    else:
        print(render_table(result))
        if options.keep:
            print(f"kept: {workdir}")
    return 0 if result.folders.identical else 1


if __name__ == "__main__":
    sys.exit(main())

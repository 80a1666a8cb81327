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
    problems += [f"{name}: {path}: not in the first build" for path in sorted(other.keys() - reference.keys())]
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
    workdir: Path, *, trainees: int, jobs: int, repeat: int, verify: bool, seed: int = 2024, keep: bool = False
) -> ClassBuildResult:
    """Build the class ``repeat`` times with jobs=1 and with ``jobs``, alternating; compare every folder."""
    roster, secret = write_inputs(workdir, trainees, seed)
    settings = {"single": 1, "parallel": jobs}
    seconds: dict[str, list[float]] = {side: [] for side in settings}
    alone: dict[str, list[float]] = {side: [] for side in settings}
    peaks: dict[str, int] = dict.fromkeys(settings, 0)
    reference: dict[str, str] | None = None
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
            else:
                differences += tree_differences(reference, digests, out.name)
            if not keep:
                shutil.rmtree(out)
    assert reference is not None
    files = [path for path, digest in reference.items() if digest != "dir"]
    total = sum(
        (workdir / f"class-jobs1-run{repeat}" / path).stat().st_size for path in files
    ) if keep else _reference_bytes  # noqa: E501
    return ClassBuildResult(
        scenario=SCENARIO.relative_to(PROJECT_ROOT).as_posix(),
        trainees=trainees,
        mode=MODE,
        verify=verify,
        cores=os.cpu_count() or 1,
        repeat=repeat,
        single=BuildSide("jobs=1", 1, seconds["single"], alone["single"], peaks["single"]),
        parallel=BuildSide(f"jobs={jobs}", jobs, seconds["parallel"], alone["parallel"], peaks["parallel"]),
        folders=FolderCheck(2 * repeat, len(files), total, tree_sha256(reference), differences),
    )

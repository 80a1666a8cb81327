"""Smoke test of ``benchmarks.memory_image`` at the smallest size: the rows are there, the image is real.

No wall-clock assertion: times depend on the machine. What must hold everywhere is that labkit wrote a
sparse memory image of the spec, which volatility3's pslist reads back here directly (not only through
the benchmark's own check), and that dd wrote as many zeros, read back with cmp.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.memory_check import pslist_differences  # noqa: E402
from benchmarks.memory_spec import benchmark_spec, visible_processes  # noqa: E402

SIZE = 64 << 20  # the smallest RAM the writer accepts
SEED = 2024
SMALL = ["--size", "64M", "--repeat", "1", "--seed", str(SEED)]
VOL = Path(sys.executable).with_name("vol")


def run_benchmark(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.memory_image", *options],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def positive(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def kept_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("mem-bench")
    result = run_benchmark(*SMALL, "--json", "--keep", "--workdir", str(workdir))
    assert result.returncode == 0, result.stderr + result.stdout[-3000:]
    return json.loads(result.stdout)


def test_json_reports_both_sides_ratio_memory_and_allocation(kept_run: dict[str, Any]) -> None:
    labkit, dd = kept_run["labkit"], kept_run["dd"]
    assert labkit["name"] == "labkit write_memory_image + fsync"
    assert dd["command"][0] == "dd" and dd["command"][-3:] == ["bs=1M", "count=64", "conv=fsync"]
    for side in (labkit, dd):
        assert len(side["seconds"]) == 1 and positive(side["seconds"][0])
    for part in ("spec_seconds", "write_seconds", "fsync_seconds"):
        assert len(labkit[part]) == 1 and positive(labkit[part][0])
    assert kept_run["ratio"] == pytest.approx(labkit["seconds"][0] / dd["seconds"][0])
    assert labkit["peak_rss_bytes"] >= labkit["start_rss_bytes"] > 0
    assert labkit["image_size"] == kept_run["size"] == SIZE
    assert 0 < labkit["image_allocated_bytes"] < SIZE  # sparse: holes are never written
    assert dd["image_allocated_bytes"] >= SIZE
    assert labkit["isf_bytes"] > 0
    spec = kept_run["spec"]
    assert spec["processes"] >= 30 and spec["kernel_threads"] >= 20 and spec["hidden_processes"] == 1
    assert spec["cached_bytes"] > 0 and spec["noise_fragments"] > 0 and spec["fill"] == 0.35
    checks = {check["name"]: check for check in kept_run["files"]}
    assert {name: check["size"] for name, check in checks.items()} == {"labkit image": SIZE, "dd file": SIZE}
    pslist = kept_run["pslist"]
    assert pslist["differences"] == [] and pslist["listed"] == pslist["expected"] == spec["processes"] - 1
    assert kept_run["passed"] is True


def test_vol_lists_the_spec_tasks_and_dd_wrote_zeros(kept_run: dict[str, Any], tmp_path: Path) -> None:
    workdir = Path(kept_run["kept"])
    image = workdir / "labkit-memory.raw"
    listing = subprocess.run(
        [
            str(VOL),
            "-q",
            "-r",
            "json",
            "-f",
            str(image),
            "-s",
            str(workdir / "symbols"),
            "linux.pslist.PsList",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
        check=False,
    )
    assert listing.returncode == 0, listing.stderr[-2000:]
    listed = {row["PID"]: (row["PPID"], row["COMM"]) for row in json.loads(listing.stdout)}
    spec = benchmark_spec(SIZE, SEED)
    assert listed == visible_processes(spec)
    hidden = [process.pid for process in spec.processes if process.hidden]
    assert hidden and not set(hidden) & listed.keys()
    zeros = subprocess.run(["cmp", "-n", str(SIZE), str(workdir / "dd-zeros.raw"), "/dev/zero"], check=False)
    assert zeros.returncode == 0 and (workdir / "dd-zeros.raw").stat().st_size == SIZE


def test_table_has_both_rows_ratio_and_check(tmp_path: Path) -> None:
    result = run_benchmark(*SMALL, "--workdir", str(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("labkit write_memory_image + fsync ") for line in lines)
    assert any(line.startswith("dd if=/dev/zero bs=1M count=64 conv=fsync ") for line in lines)
    assert any(line.startswith("ratio labkit / dd, wall time, median: ") for line in lines)
    assert "both sides fsync the image before they exit: the times include writing it to the disk" in lines
    assert any(line.startswith("labkit peak memory: ") for line in lines)
    assert any(line.startswith("vol linux.pslist.PsList on labkit's image (") for line in lines)
    assert lines[-1] == "check: PASSED"
    assert list(tmp_path.iterdir()) == []  # without --keep nothing is left behind


@pytest.mark.parametrize("size", ["63M", "65M", "32M"])
def test_impossible_size_is_one_clear_line(tmp_path: Path, size: str) -> None:
    result = run_benchmark("--size", size, "--workdir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "multiple of 2 MiB, 64 MiB or more" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_spec_is_seeded_and_realistic() -> None:
    first, second = benchmark_spec(SIZE, SEED), benchmark_spec(SIZE, SEED)
    assert pickle.dumps(first) == pickle.dumps(second)
    assert pickle.dumps(benchmark_spec(SIZE, SEED + 1)) != pickle.dumps(first)
    kernel_threads = [process for process in first.processes if process.kernel_thread]
    assert len(kernel_threads) >= 20 and len(first.processes) - len(kernel_threads) >= 20
    assert any(process.injected for process in first.processes)
    assert any(record.deleted for record in first.files) and any(record.cached for record in first.files)
    assert {socket.family for socket in first.sockets} >= {"AF_INET", "AF_INET6", "AF_UNIX"}
    assert any(module.hidden for module in first.modules) and len(first.kmsg) >= 20
    assert first.fill == 0.35 and first.size == SIZE and first.format == "raw"


def test_pslist_check_reports_missing_unexpected_repeated_and_changed_tasks() -> None:
    expected = {1: (0, "systemd"), 2: (0, "kthreadd"), 300: (1, "cron"), 301: (1, "sshd")}
    rows = [(1, 0, "systemd"), (2, 0, "kthreadd"), (2, 0, "kthreadd"), (300, 1, "crond"), (999, 1, "x")]
    assert pslist_differences(expected, rows) == [
        "pid 2 listed 2 times",
        "pid 301 (sshd) missing",
        "pid 999 (x) listed, not in the spec or hidden",
        "pid 300: ppid 1 comm 'crond', spec ppid 1 comm 'cron'",
    ]
    assert pslist_differences(expected, [(pid, *fields) for pid, fields in expected.items()]) == []

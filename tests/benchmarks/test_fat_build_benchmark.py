"""Smoke test of ``benchmarks.fat_build`` at a tiny size: the rows are there, the images agree.

No wall-clock assertion: times depend on the machine. What must hold everywhere
is that both sides built a clean FAT32 image holding the same tree, read back
here with fsck.fat, fls and icat directly, not through the benchmark's own check.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.image_check import SourceEntry, TreeEntry, tree_differences  # noqa: E402
from benchmarks.source_tree import generate_source_tree  # noqa: E402

SMALL = ["--size", "48M", "--files", "20", "--repeat", "1"]  # FAT32 needs 33 MiB at least


def run_benchmark(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.fat_build", *options],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def live_tree(image: Path) -> dict[str, str]:
    """Path -> 'd' or 'r' for every live entry fls lists, virtual files and the label left out."""
    listing = subprocess.run(
        ["fls", "-f", "fat32", "-r", "-p", "-u", str(image)], capture_output=True, text=True, check=True
    ).stdout
    tree = {}
    for line in listing.splitlines():
        kind_and_inode, name = line.split("\t", 1)
        if not kind_and_inode.lower().startswith("v/") and not name.endswith("(Volume Label Entry)"):
            tree[name] = kind_and_inode[0]
    return tree


def inode_of(image: Path, path: str) -> str:
    listing = subprocess.run(
        ["fls", "-f", "fat32", "-r", "-p", "-u", str(image)], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        kind_and_inode, name = line.split("\t", 1)
        if name == path:
            return kind_and_inode.split()[-1].rstrip(":")
    raise AssertionError(f"{path} not in {image}")


@pytest.fixture(scope="module")
def kept_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("fat-bench")
    result = run_benchmark(*SMALL, "--json", "--keep", "--workdir", str(workdir))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_reports_both_sides_ratio_and_memory(kept_run: dict[str, Any]) -> None:
    assert kept_run["labkit"]["name"] == "labkit FatVolume"
    assert kept_run["mtools"]["name"] == "mkfs.fat + mcopy -s"
    for side in ("labkit", "mtools"):
        assert len(kept_run[side]["seconds"]) == 1
        assert kept_run[side]["seconds"][0] > 0
    assert kept_run["labkit"]["peak_rss_bytes"] > 0
    assert kept_run["labkit"]["bytes_written"] >= kept_run["source_bytes"]
    assert kept_run["ratio"] == pytest.approx(
        kept_run["labkit"]["seconds"][0] / kept_run["mtools"]["seconds"][0]
    )
    assert (kept_run["files"], kept_run["cluster_size"]) == (20, 512)
    assert kept_run["passed"] is True
    assert kept_run["check"]["differences"] == []


def test_both_images_are_clean_and_hold_the_same_tree(kept_run: dict[str, Any]) -> None:
    workdir = Path(kept_run["kept"])
    images = [workdir / "labkit.img", workdir / "mkfs-mcopy.img"]
    for image in images:
        fsck = subprocess.run(["fsck.fat", "-n", str(image)], capture_output=True, text=True, check=False)
        assert fsck.returncode == 0, fsck.stdout
    source = workdir / "source"
    expected = {p.relative_to(source).as_posix(): "d" if p.is_dir() else "r" for p in source.rglob("*")}
    assert len([kind for kind in expected.values() if kind == "r"]) == 20
    assert live_tree(images[0]) == expected
    assert live_tree(images[1]) == expected
    cyrillic = next(path for path, kind in sorted(expected.items()) if kind == "r" and not path.isascii())
    wanted = hashlib.sha256((source / cyrillic).read_bytes()).hexdigest()
    for image in images:
        content = subprocess.run(
            ["icat", "-f", "fat32", str(image), inode_of(image, cyrillic)], capture_output=True, check=True
        ).stdout
        assert hashlib.sha256(content).hexdigest() == wanted


def test_table_has_both_rows_ratio_and_check(tmp_path: Path) -> None:
    result = run_benchmark(*SMALL, "--workdir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("labkit FatVolume ") for line in lines)
    assert any(line.startswith("mkfs.fat + mcopy -s ") for line in lines)
    assert any(line.startswith("ratio labkit / (mkfs.fat + mcopy), median: ") for line in lines)
    assert lines[-1] == "check: PASSED"
    assert list(tmp_path.iterdir()) == []  # without --keep nothing is left behind


def test_too_small_volume_is_one_clear_line(tmp_path: Path) -> None:
    result = run_benchmark("--size", "1M", "--files", "5", "--workdir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_source_tree_is_deterministic(tmp_path: Path) -> None:
    first = generate_source_tree(tmp_path / "a", files=30, volume_size=48 << 20, seed=7)
    second = generate_source_tree(tmp_path / "b", files=30, volume_size=48 << 20, seed=7)
    assert first.files == second.files and first.total_bytes == second.total_bytes
    for relative in first.files:
        a, b = first.root / relative, second.root / relative
        assert a.read_bytes() == b.read_bytes()
        assert a.stat().st_mtime == b.stat().st_mtime
    other = generate_source_tree(tmp_path / "c", files=30, volume_size=48 << 20, seed=8)
    assert other.files != first.files


def test_tree_check_reports_missing_resized_and_retimed_files() -> None:
    when = "2024-03-04 08:00:00 (UTC)"
    source = {
        "Отчёты 00": SourceEntry(True, 0, ""),
        "Отчёты 00/a.txt": SourceEntry(False, 10, when),
        "b.txt": SourceEntry(False, 20, when),
        "c.txt": SourceEntry(False, 30, when),
    }
    image = {
        "Отчёты 00": TreeEntry(True, 4096, "2026-01-01 00:00:00 (UTC)", 5),  # folder times are not compared
        "Отчёты 00/a.txt": TreeEntry(False, 10, when, 6),
        "b.txt": TreeEntry(False, 21, when, 7),
        "c.txt": TreeEntry(False, 30, "2024-03-04 08:00:02 (UTC)", 8),
        "extra.txt": TreeEntry(False, 1, when, 9),
    }
    assert tree_differences(source, dict(image)) == [
        "unexpected extra.txt",
        f"b.txt: source 20 bytes {when}, image 21 bytes {when}",
        f"c.txt: source 30 bytes {when}, image 30 bytes 2024-03-04 08:00:02 (UTC)",
    ]
    del image["Отчёты 00/a.txt"]
    assert tree_differences(source, image)[0] == "missing Отчёты 00/a.txt"

"""Smoke tests of ``benchmarks.class_build`` and ``benchmarks.class_grading`` at tiny sizes.

No wall-clock assertion: times depend on the machine. What must hold everywhere is that both builds of
the class are the same bytes (checked here again, file by file, not only through the benchmark's own
digest), and that grading the synthetic class graded every sheet as it was made, both ways.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.class_build import (  # noqa: E402
    BuildSide,
    ClassBuildResult,
    FolderCheck,
    render_table,
    tree_differences,
    tree_digests,
)
from benchmarks.class_grading import _yaml_scalar, candidate_forms  # noqa: E402
from labkit.grading.sheet_reader import parse_answer_sheet  # noqa: E402


def run_module(module: str, *options: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", module, *options, "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout[-3000:]
    return json.loads(result.stdout)


def positive(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_class_build_two_trainees_both_ways_gives_identical_folders(tmp_path: Path) -> None:
    data = run_module(
        "benchmarks.class_build", "--trainees", "2", "--no-verify", "--keep", "--workdir", str(tmp_path)
    )
    assert (
        data["trainees"] == 2 and data["verify"] is False and data["scenario"] == "scenarios/usb-fraud.yaml"
    )
    assert data["single"]["jobs"] == 1 and data["parallel"]["jobs"] == os.cpu_count()
    for side in (data["single"], data["parallel"]):
        assert (
            len(side["seconds"]) == 1 and positive(side["seconds"][0]) and positive(side["build_seconds"][0])
        )
        assert side["build_seconds"][0] < side["seconds"][0] and side["peak_rss_bytes"] > 0
        assert data["per_trainee_seconds"][side["name"]] == pytest.approx(side["seconds"][0] / 2)
    assert data["speedup"] == pytest.approx(data["single"]["seconds"][0] / data["parallel"]["seconds"][0])
    folders = data["folders"]
    assert data["identical"] is data["passed"] is True and folders["differences"] == []
    assert folders["builds"] == 2 and folders["files"] >= 10 and folders["total_bytes"] > 1 << 20
    # Independently of the benchmark's digests: the two kept class folders hold the same bytes.
    (kept,) = tmp_path.iterdir()
    one, many = kept / "class-jobs1-run1", kept / f"class-jobs{os.cpu_count()}-run1"
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(many) for p in many.rglob("*") if p.is_file())
    assert Path("handout/t001.zip") in files and Path("trainer/keys/t002.json") in files
    assert all((one / f).read_bytes() == (many / f).read_bytes() for f in files)


def test_tree_differences_names_a_changed_missing_and_extra_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        (root / "cases").mkdir(parents=True)
        (root / "cases" / "same.txt").write_bytes(b"same")
    (first / "cases" / "changed.bin").write_bytes(b"\x00\x01")
    (second / "cases" / "changed.bin").write_bytes(b"\x00\x02")
    (first / "only-first.txt").write_text("x")
    (second / "only-second.txt").write_text("y")
    problems = tree_differences(tree_digests(first), tree_digests(second), "b")
    assert problems == [
        "b: only-first.txt: missing",
        "b: only-second.txt: not in the first build",
        "b: cases/changed.bin: different bytes",
    ]
    assert tree_differences(tree_digests(first), tree_digests(first), "a") == []


def test_class_build_table_says_what_was_measured_and_fails_on_differences() -> None:
    side = BuildSide("jobs=1", 1, [40.0], [39.0], 100 << 20)
    pool = BuildSide("jobs=2", 2, [25.0], [24.0], 90 << 20)
    result = ClassBuildResult(
        "scenarios/usb-fraud.yaml",
        5,
        "exam",
        True,
        2,
        1,
        side,
        pool,
        FolderCheck(2, 30, 5 << 20, "ab" * 32, []),
    )
    table = render_table(result)
    assert "verify on" in table and "1.60x" in table and "8.00" in table and "check: PASSED" in table
    broken = ClassBuildResult(
        "x",
        5,
        "exam",
        False,
        2,
        1,
        side,
        pool,
        FolderCheck(2, 30, 0, "", ["class-jobs2-run1: a: different bytes"]),
    )
    table = render_table(broken)
    assert "verify OFF" in table and "a: different bytes" in table and "check: FAILED" in table


@pytest.mark.parametrize(
    "text",
    ["Halyk online: n.beysenov / Silkroad2001$", "it's", "  padded  ", r"\Фото\IMG_1.JPG", "#1", "-x", "a"],
)
def test_sheet_values_read_back_exactly_as_written(text: str) -> None:
    sheet = parse_answer_sheet(f"q1: {_yaml_scalar(text)}\n")
    assert sheet.get("q1") is not None and sheet.get("q1").value == text  # type: ignore[union-attr]


def test_candidate_forms_derive_from_the_answer() -> None:
    right, wrong = candidate_forms("datetime", "2026-02-17T14:47:54+05:00", {})
    assert "17.02.2026 14:47:54" in right and "2026-02-17 09:47:54 (UTC)" in right
    assert "2026-02-17T15:47:54+05:00" in wrong
    right, wrong = candidate_forms("choice", "pdf", {"choices": ["jpg", "pdf"]})
    assert "b" in right and wrong == ["jpg"]


def test_class_grading_at_200_sheets_grades_every_sheet_as_made(tmp_path: Path) -> None:
    data = run_module(
        "benchmarks.class_grading", "--sheets", "200", "--variants", "2", "--cli-sample", "3",
        "--workdir", str(tmp_path),
    )  # fmt: skip
    assert data["sheets"] == 200 and data["variants"] == 2 and data["questions"] == 10
    for name in ("sheets_per_second", "core_sheets_per_second", "cli_sheets_per_second", "ratio"):
        assert positive(data[name]), name
    assert data["ratio"] == pytest.approx(data["sheets_per_second"] / data["cli_sheets_per_second"])
    assert data["cli_extrapolated_seconds"] == pytest.approx(200 / data["cli_sheets_per_second"])
    side, cli, check = data["grade_class"], data["cli"], data["check"]
    assert side["peak_rss_bytes"] > side["start_rss_bytes"] > 0 and side["gradebook_bytes"] > 0
    assert cli["sample"] == 3 and len(cli["seconds"]) == 1 and positive(cli["seconds"][0])
    assert data["passed"] is True and check["differences"] == []
    planned_bad = sum(count for plan, count in check["planned"].items() if plan != "graded")
    assert check["statuses"].get("malformed", 0) == check["core_malformed"] == planned_bad
    assert sum(check["statuses"].values()) == 200 and check["unmatched"] == 0 and check["flags"] == 0
    answers = check["answers"]
    assert all(answers[status] > 0 for status in ("correct", "wrong", "unanswered")), answers
    assert sum(answers.values()) == 10 * check["statuses"]["graded"]
    assert list(tmp_path.iterdir()) == []  # nothing kept without --keep

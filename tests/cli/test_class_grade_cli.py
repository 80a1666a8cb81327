"""`labkit class grade`, `class hint` and `class history` end to end through `labkit.cli.main.main`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import click
import pytest

from labkit.classroom.layout import ClassLayout
from labkit.cli import class_grade_command
from labkit.cli import main as cli_main
from labkit.key import AnswerKey
from tests.classroom import class_fixtures as fx


@pytest.fixture(autouse=True)
def only_the_grade_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register just these commands under `labkit class`, independent of the other command modules."""
    group = click.Group("class")
    for command in class_grade_command.COMMANDS:
        group.add_command(command)
    monkeypatch.setattr(cli_main, "_register", lambda: cli_main.cli.add_command(group))


@pytest.fixture
def klass(tmp_path: Path) -> tuple[Path, Path, dict[str, AnswerKey]]:
    root, subs = tmp_path / "class", tmp_path / "subs"
    keys = fx.build_class(root, 4)
    for trainee, key in keys.items():
        answers = fx.answers_of(key)
        if trainee == "t02":
            answers = fx.answers_of(keys["t01"])  # copied
        fx.write_sheet(subs, key, answers, f"{trainee}.yaml")
    (subs / "t04.yaml").write_text("q1: [\n", encoding="utf-8")
    return root, subs, keys


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main(["class", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def runs_in(root: Path) -> list[int]:
    db = sqlite3.connect(ClassLayout(root).gradebook)
    try:
        return [row[0] for row in db.execute("SELECT run FROM runs ORDER BY run")]
    finally:
        db.close()


def test_grade_prints_the_class_table_and_records_a_run(
    klass: tuple[Path, Path, dict[str, AnswerKey]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, subs, _ = klass
    code, out, err = run(["grade", str(root), str(subs)], capsys)
    assert code == 0, err
    assert runs_in(root) == [1]
    for text in ("t01", "t02", "t03", "t04", "Recorded as run 1"):
        assert text in out
    code, out, err = run(["grade", str(root), str(subs)], capsys)
    assert code == 0 and runs_in(root) == [1, 2] and "run 2" in out


def test_grade_json(
    klass: tuple[Path, Path, dict[str, AnswerKey]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, subs, _ = klass
    code, out, err = run(["grade", str(root), str(subs), "--json", "--lang", "ru"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["run"] == 1
    statuses = {t["id"]: t["status"] for t in data["trainees"]}
    assert statuses == {"t01": "graded", "t02": "graded", "t03": "graded", "t04": "malformed"}
    assert [(c["trainee"], c["other"]) for c in data["collusion"]] == [("t02", "t01")]


def test_grade_with_a_policy_and_a_due_time(
    klass: tuple[Path, Path, dict[str, AnswerKey]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root, subs, _ = klass
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\npass_mark: 95\n", encoding="utf-8")
    code, out, err = run(
        [
            "grade",
            str(root),
            str(subs),
            "--policy",
            str(policy),
            "--due",
            "2999-01-01T00:00:00+05:00",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["pass_mark"] == 95
    db = sqlite3.connect(ClassLayout(root).gradebook)
    assert db.execute("SELECT due FROM runs").fetchone()[0] == "2999-01-01T00:00:00+05:00"
    db.close()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--due", "next friday"], "'next friday' is not a date and time"),
        (["--policy", "missing.yaml"], "missing.yaml: file not found"),
    ],
)
def test_unusable_options_exit_2_with_one_line(
    klass: tuple[Path, Path, dict[str, AnswerKey]],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    words: str,
) -> None:
    root, subs, _ = klass
    code, out, err = run(["grade", str(root), str(subs), *extra], capsys)
    assert code == 2 and out == ""
    assert words in err
    assert not ClassLayout(root).gradebook.exists()


def test_unusable_folders_exit_2_with_one_line(
    klass: tuple[Path, Path, dict[str, AnswerKey]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, subs, _ = klass
    code, out, err = run(["grade", str(subs), str(subs)], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "class.json" in err
    code, out, err = run(["grade", str(root), str(root / "nope")], capsys)
    assert code == 2 and err.count("\n") == 1 and "no such folder" in err
    ClassLayout(root).gradebook.write_text("not a database at all, just text\n" * 50, encoding="utf-8")
    code, out, err = run(["grade", str(root), str(subs)], capsys)
    assert code == 2 and err.count("\n") == 1 and "not a labkit gradebook" in err


def test_hint_prints_the_hint_and_the_next_run_charges_it(
    klass: tuple[Path, Path, dict[str, AnswerKey]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, subs, _ = klass
    code, out, err = run(["hint", str(root), "t01", "q1"], capsys)
    assert code == 0, err
    assert "Look at q1." in out and "costs 0.5 of the question's 2 points" in out and "recorded" in out
    code, out, _ = run(["hint", str(root), "t01", "q1"], capsys)
    assert code == 0 and "already recorded" in out
    code, out, err = run(["grade", str(root), str(subs), "--json"], capsys)
    trainee = next(t for t in json.loads(out)["trainees"] if t["id"] == "t01")
    assert trainee["hints_used"] == ["q1"] and trainee["score"] == 7.5


@pytest.mark.parametrize(
    ("args", "words"),
    [(["t01", "q3"], "has no hint"), (["t01", "q0"], "no question 'q0'"), (["x9", "q1"], "not a trainee")],
)
def test_hint_refusals_exit_2(
    klass: tuple[Path, Path, dict[str, AnswerKey]],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    root, _, _ = klass
    code, out, err = run(["hint", str(root), *args], capsys)
    assert code == 2 and out == "" and words in err and err.count("\n") == 1


def test_history_shows_every_run(
    klass: tuple[Path, Path, dict[str, AnswerKey]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, subs, keys = klass
    code, _, err = run(["history", str(root), "t03"], capsys)
    assert code == 2 and "no gradebook yet" in err
    run(["grade", str(root), str(subs)], capsys)
    fx.write_sheet(subs, keys["t04"], fx.answers_of(keys["t04"]), "t04.yaml")  # a fixed sheet
    run(["grade", str(root), str(subs)], capsys)
    code, out, err = run(["history", str(root), "t04"], capsys)
    assert code == 0, err
    assert "malformed" in out and "graded" in out and "8/8" in out and "100.00" in out
    code, _, err = run(["history", str(root), "nobody"], capsys)
    assert code == 2 and "not a trainee of this class" in err

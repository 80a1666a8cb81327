"""``labkit class report`` end to end through ``labkit.cli.main.main``.

The gradebook is not under test here: ``labkit.classroom.grading.load_report``
is replaced by one returning the synthetic class of the report tests (the
module is stubbed when it is not importable), so these tests pin the command's
options, outputs and errors.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import labkit.classroom
from labkit.cli import class_report_command
from labkit.cli import main as cli_main
from labkit.errors import UsageError
from tests.reports import class_report_fixtures as fx


@pytest.fixture(autouse=True)
def only_the_report_command(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, int | None]]:
    """Register just `labkit class report`, reading the fixture class; records each load_report call."""
    import click

    calls: list[tuple[Path, int | None]] = []

    def load_report(class_dir: Path, run: int | None = None) -> object:
        calls.append((Path(class_dir), run))
        if not Path(class_dir).is_dir():
            raise UsageError(f"{class_dir}: not a class folder; pass one written by 'labkit class build'")
        if run is not None and run > 2:
            raise UsageError(f"{class_dir}: the gradebook has no run {run}; runs are 1-2")
        return fx.make_report()

    try:
        grading = importlib.import_module("labkit.classroom.grading")
    except ImportError:
        grading = types.ModuleType("labkit.classroom.grading")
        monkeypatch.setitem(sys.modules, "labkit.classroom.grading", grading)
        monkeypatch.setattr(labkit.classroom, "grading", grading, raising=False)
    monkeypatch.setattr(grading, "load_report", load_report, raising=False)

    group = click.Group("class")
    for command in class_report_command.COMMANDS:
        group.add_command(command)

    def register() -> None:
        cli_main.cli.add_command(group)

    monkeypatch.setattr(cli_main, "_register", register)
    return calls


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main(["class", "report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_terminal_is_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(tmp_path)], capsys)
    assert code == 0, err
    assert "Trainees: 12" in out and "Passed: 6" in out and "t12" in out


def test_every_format_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], only_the_report_command: list[tuple[Path, int | None]]
) -> None:
    for fmt, name in (("json", "r.json"), ("csv", "r.csv"), ("junit", "r.xml"), ("html", "r.html"),
                      ("terminal", "r.txt")):  # fmt: skip
        args = [str(tmp_path), "--format", fmt, "--out", str(tmp_path / name), "--run", "2"]
        code, out, err = run(args, capsys)
        assert (code, out, err) == (0, "", "")
    assert only_the_report_command[-1] == (tmp_path, 2)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["passed"] == 6
    assert (tmp_path / "r.csv").read_bytes().count(b"\r\n") == 13
    assert len(ET.parse(tmp_path / "r.xml").getroot().findall("testsuite")) == 12
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "Mean: 68.5%" in text and "\x1b" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.html", "r.json", "r.txt", "r.xml"]


def test_one_trainee_in_another_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(tmp_path), "--format", "json", "--trainee", "t10", "--lang", "kk"], capsys)
    data = json.loads(out)
    assert code == 0 and data["kind"] == "trainee" and data["lang"] == "kk" and data["trainee"]["id"] == "t10"
    code, out, _ = run([str(tmp_path), "--trainee", "t02", "--lang", "ru"], capsys)
    assert code == 0 and "Отчёт слушателя" in out and "Иван Петров" in out


def test_unknown_trainee_is_one_line_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([str(tmp_path), "--trainee", "t1O"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "'t1O' is not a trainee of this class" in err and "did you mean" in err


def test_load_errors_and_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path / "nope")], capsys)
    assert code == 2 and "not a class folder" in err and err.count("\n") == 1
    code, _, err = run([str(tmp_path), "--run", "9"], capsys)
    assert code == 2 and "no run 9" in err
    code, _, err = run([str(tmp_path), "--run", "0"], capsys)
    assert code == 2
    code, _, err = run([str(tmp_path), "--format", "pdf"], capsys)
    assert code == 2 and "pdf" in err
    code, _, err = run([str(tmp_path), "--format", "csv", "--out", str(tmp_path / "no" / "r.csv")], capsys)
    assert code == 2 and "does not exist" in err and not (tmp_path / "no").exists()


def test_an_existing_report_is_replaced_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    assert run([str(tmp_path), "--format", "html", "--out", str(target)], capsys)[0] == 0
    assert "68.5%" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

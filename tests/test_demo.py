"""``python -m labkit.demo``: generate, solve by script, grade; what the README's first command shows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from labkit import demo
from labkit.errors import EvidenceError
from labkit.grading import grade_files


def test_demo_generates_solves_and_grades_full_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lab"

    code = demo.main(["--seed", "1", "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0
    assert "Total: 14/14 (100.0%)" in printed
    for step in ("[1/3]", "[2/3]", "[3/3]"):
        assert step in printed
    assert "Traceback" not in printed
    # The lab stays (--out), and its sheet holds the answers the table was graded on.
    answers = YAML(typ="safe", pure=True).load((out / "case" / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["q2"] in printed and answers["q9"] in printed
    assert grade_files(out / "key.json", out / "case" / "answers.yaml").percentage == 100.0


def test_an_occupied_out_folder_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lab"
    out.mkdir()
    (out / "precious.txt").write_text("keep me", encoding="utf-8")

    code = demo.main(["--out", str(out)])

    printed = capsys.readouterr().err
    assert code == 2
    assert "labkit demo: error:" in printed and "not empty" in printed
    assert [p.name for p in out.iterdir()] == ["precious.txt"]


def test_the_temporary_lab_is_removed_even_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[Path] = []

    def failing_run(console: object, seed: object, out: Path, lang: str) -> object:
        out.mkdir(parents=True)
        seen.append(out)
        raise EvidenceError("the disk image could not be written")

    monkeypatch.setattr(demo, "run", failing_run)

    code = demo.main([])

    assert code == 2
    assert seen and not seen[0].exists()
    assert list(tmp_path.iterdir()) == []
    assert "could not be written" in capsys.readouterr().err


def test_bad_options_return_a_usage_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(["--lang", "xx"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert demo.main(["--help"]) == 0
    assert "--seed" in capsys.readouterr().out

"""A sheet carries its case id; grading it with another case's key is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import labkit
from labkit.cli.main import main
from labkit.grading import grade_files
from labkit.scenario.catalog import scenarios_dir


@pytest.fixture(scope="module")
def labs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("case-id")
    scenario = labkit.load_scenario(scenarios_dir() / "usb-fraud.yaml")
    first = labkit.generate(scenario, "alpha-variant", root / "a", verify=False)
    second = labkit.generate(scenario, "beta-variant", root / "b", verify=False)
    return first.out, second.out


def test_sheet_names_its_case(labs: tuple[Path, Path]) -> None:
    first, second = labs
    key_a = labkit.key.AnswerKey.load(first / "key.json")
    key_b = labkit.key.AnswerKey.load(second / "key.json")
    assert key_a.case_id and key_b.case_id and key_a.case_id != key_b.case_id
    assert f"# case: {key_a.case_id}\n" in (first / "case" / "answers.yaml").read_text(encoding="utf-8")
    assert grade_files(first / "key.json", first / "case" / "answers.yaml").total == 0


def test_mixed_up_sheet_is_refused(labs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    first, second = labs
    code = main(["grade", "--key", str(second / "key.json"), str(first / "case" / "answers.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is for case" in err

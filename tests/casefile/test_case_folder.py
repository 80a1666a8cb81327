"""The trainee's case folder: what it holds, and what it must never hold."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import labkit
from labkit.cli.main import main
from labkit.scenario.catalog import scenarios_dir

SEED = 918273645


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("case") / "lab"
    labkit.generate(
        labkit.load_scenario(scenarios_dir() / "usb-fraud.yaml"), SEED, out, lang="kk", verify=False
    )
    return out


def test_layout_and_manifest(lab: Path) -> None:
    case = lab / "case"
    assert sorted(p.name for p in case.iterdir()) == [
        "MANIFEST.sha256",
        "answers.yaml",
        "briefing.md",
        "evidence",
    ]
    assert [p.name for p in (case / "evidence").iterdir()] == ["usb.E01"]
    result = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=case, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "evidence/usb.E01: OK" in result.stdout
    # the trainee edits the answer sheet, so it is deliberately outside the manifest
    assert "answers.yaml" not in (case / "MANIFEST.sha256").read_text()


def test_briefing_and_sheet_in_the_chosen_language(lab: Path) -> None:
    briefing = (lab / "case" / "briefing.md").read_text(encoding="utf-8")
    assert briefing.startswith("# Бас бухгалтердің USB-жинақтауышы")
    assert "Дәлелдемелер" in briefing
    sheet = (lab / "case" / "answers.yaml").read_text(encoding="utf-8")
    assert "Жойылған кестені қалпына келтіріңіз" in sheet


def test_no_key_seed_facts_or_answers_in_the_case_folder(lab: Path) -> None:
    key = json.loads((lab / "key.json").read_text(encoding="utf-8"))
    assert key["seed"] == SEED
    names = {p.name for p in (lab / "case").rglob("*")}
    assert not names & {"key.json", "facts.json"}
    secrets = {str(SEED)} | {str(q["answer"]) for q in key["questions"] if q["type"] != "choice"}
    for path in (lab / "case").rglob("*"):
        if not path.is_file() or path.parts[-2] == "evidence" or path.name == "MANIFEST.sha256":
            continue
        text = path.read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path.name, leaked)


def test_generate_refuses_a_non_empty_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code = main(["generate", "usb-fraud", "--seed", "1", "--out", str(out), "--no-verify"])
    assert code == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["busy"]


def test_a_failing_story_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (scenarios_dir() / "usb-fraud.yaml").read_text(encoding="utf-8")
    # a 1 MiB stick cannot hold FAT32: the error comes while writing, and the partial output is removed
    broken = tmp_path / "tiny.yaml"
    broken.write_text(text.replace("size: 256 MiB", "size: 1 MiB"), encoding="utf-8")
    code = main(["generate", str(broken), "--seed", "1", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "tiny.yaml" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


def test_level_is_translated(lab: Path) -> None:
    briefing = (lab / "case" / "briefing.md").read_text(encoding="utf-8")
    assert "Деңгейі: базалық" in briefing

"""``labkit verify``: agrees on a fresh lab, fails loudly on tampered evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import labkit
from labkit.cli.main import main
from labkit.verify import verify_report

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "lab"
    labkit.generate(labkit.load_scenario(DATA / "all-actions.yaml"), 3, out)
    return out


def _facts(lab: Path) -> dict:
    return json.loads((lab / "facts.json").read_text(encoding="utf-8"))["facts"]


def test_every_answer_and_volume_agrees(lab: Path) -> None:
    report = verify_report(lab)
    key = json.loads((lab / "key.json").read_text(encoding="utf-8"))
    assert {c.question for c in report.checks} == {q["id"] for q in key["questions"]}
    assert all(c.agrees for c in report.checks), [c for c in report.checks if not c.agrees]
    assert [disk for disk, ok, _ in report.volume_checks if ok] == ["card", "floppy"]


def test_facts_follow_the_story(lab: Path) -> None:
    facts = _facts(lab)
    assert facts["victim"]["deleted"] is True
    # first-fit allocation: the next file took the deleted file's clusters
    assert facts["victim"]["recoverable"] is False
    assert facts["shredded"]["deleted"] is True and facts["shredded"]["recoverable"] is False
    assert facts["notes"]["path"] == facts["notes_v2"]["path"]
    # copied in: modified long before it was created
    assert facts["copied"]["modified"] < facts["copied"]["created"]
    assert facts["hidden"]["hidden"] is True and facts["hidden"]["system"] is True


def test_tampered_file_content_is_caught(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "lab"
    shutil.copytree(lab, copy)
    notes = _facts(copy)["notes"]
    image = copy / "case" / "evidence" / "card.dd"
    with image.open("r+b") as handle:
        handle.seek(notes["data_offset"])
        first = handle.read(1)
        handle.seek(notes["data_offset"])
        handle.write(bytes([first[0] ^ 0xFF]))
    report = verify_report(copy)
    failing = {c.question for c in report.checks if not c.agrees}
    assert "q_notes_sha" in failing
    assert main(["verify", str(copy)]) == 3
    assert "disagrees" in capsys.readouterr().err


def test_corrupted_fat_is_caught_by_fsck(lab: Path, tmp_path: Path) -> None:
    copy = tmp_path / "lab"
    shutil.copytree(lab, copy)
    facts = _facts(copy)["floppy"]
    image = copy / "case" / "evidence" / facts["file_name"]
    with image.open("r+b") as handle:
        # FAT12, no partition table: reserved sector 0, FAT #1 starts at sector 1; break FAT #1 only
        handle.seek(512 + 6)
        handle.write(b"\xff\x0f\x77")
    report = verify_report(copy)
    assert not dict((d, ok) for d, ok, _ in report.volume_checks)["floppy"]


def test_not_a_lab_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not a generated lab folder" in err


def test_edited_briefing_and_leaked_key_are_caught(lab: Path, tmp_path: Path) -> None:
    copy = tmp_path / "lab"
    shutil.copytree(lab, copy)
    (copy / "case" / "briefing.md").write_text("edited", encoding="utf-8")
    shutil.copy(copy / "key.json", copy / "case" / "evidence" / "key.json")
    report = verify_report(copy)
    problems = {what: detail for what, ok, detail in report.integrity_checks if not ok}
    assert "briefing.md does not match" in problems["manifest"]
    assert "unlisted file evidence/key.json" in problems["manifest"]
    assert "must not be in the case folder" in problems["case folder secrets"]
    assert not report.ok


def test_missing_image_is_reported_not_crashed(lab: Path, tmp_path: Path) -> None:
    copy = tmp_path / "lab"
    shutil.copytree(lab, copy)
    (copy / "case" / "evidence" / "floppy.dd").unlink()
    report = verify_report(copy)
    assert ("floppy image", False, "floppy.dd is missing") in report.integrity_checks
    assert any(c.tool == "the evidence image is missing" and not c.agrees for c in report.checks)

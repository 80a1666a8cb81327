"""``labkit disk`` end to end, through labkit.cli.main.main, checked against TSK's tools."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from labkit.cli.main import main
from labkit.grading import check_answer
from labkit.key import KeyQuestion
from labkit.tools.disk.timestamps import LOCAL_TIMES_UNZONED

sys.path.insert(0, str(Path(__file__).parents[1] / "tools" / "disk"))

import disk_images
from tsk_reference import fls, icat, istat, istat_time, tsk

LABKIT = Path(sys.executable).parent / "labkit"


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return disk_images.build_superfloppy(tmp_path_factory.mktemp("cli")).path


@pytest.fixture(scope="module")
def gpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return disk_images.build_gpt_fat32(tmp_path_factory.mktemp("cli-gpt")).path


@pytest.fixture(scope="module")
def e01(stick: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return disk_images.build_e01(stick, tmp_path_factory.mktemp("cli-e01") / "stick")


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ls_json_matches_fls(gpt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = run_json(capsys, "disk", "ls", str(gpt), "-r", "-p", "4", "--tz", "Asia/Almaty")
    assert [(e["type"], e["inode"], e["path"], e["deleted"]) for e in entries] == [
        (t, i, "/" + p, d) for t, i, p, d in fls(gpt, 2048)
    ]
    hello = next(e for e in entries if e["path"] == "/hello.txt")
    assert hello["modified"].endswith("+05:00") and hello["changed"] is None


def test_ls_table_marks_deleted_and_long_shows_times(stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["disk", "ls", str(stick), "--long", "--deleted-only"]) == 0
    out = capsys.readouterr().out
    assert "_one.bin" in out and "*" in out and "hello.txt" not in out and "25600" in out
    assert "+00:00" not in out and "zone not recorded by FAT" in out and "--tz ZONE" in out
    inode = next(i for _, i, p, d in fls(stick, 0) if d and p == "_one.bin")
    written, _ = istat_time(istat(stick, 0, inode), "Written")
    assert written in out  # the stored digits, no offset


def test_info_json_reports_ewf_and_file_system(e01: Path, capsys: pytest.CaptureFixture[str]) -> None:
    info = run_json(capsys, "disk", "info", str(e01))
    assert info["image"]["format"] == "ewf"
    assert info["image"]["ewf"]["headers"]["case_number"] == "CASE-042"
    assert info["partition_table"] is None
    (fs,) = info["file_systems"]
    assert (fs["type_name"], fs["serial"], fs["label_root_directory"], fs["cluster_size"]) == (
        "FAT16",
        "1234-ABCD",
        "STICK",
        1024,
    )


def test_info_table_lists_gpt_partitions(gpt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["disk", "info", str(gpt)]) == 0
    out = capsys.readouterr().out
    assert "GPT partitions" in out and "EVIDENCE" in out and "FAT32" in out and "004" in out


def test_cat_is_binary_safe_and_slack_only(stick: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["disk", "cat", str(stick), "/_one.bin"]) == 0
    assert capsysbinary.readouterr().out == disk_images.BIG_CONTENT
    assert main(["disk", "cat", str(stick), "/short.txt", "--slack"]) == 0
    slack = capsysbinary.readouterr().out
    inode = next(i for _, i, p, _ in fls(stick, 0) if p == "short.txt")
    assert b"tiny" + slack == icat(stick, 0, inode, "-s")


def test_stat_by_inode_shows_deletion_and_clusters(stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inode = next(i for _, i, p, d in fls(stick, 0) if d)
    meta = run_json(capsys, "disk", "stat", str(stick), "-i", str(inode))
    assert meta["path"] == "/_one.bin" and meta["deleted"] and not meta["allocated"]
    assert len(meta["clusters"]) == 25 and meta["attributes"] == ["archive"]


def test_hash_e01_verifies_stored_md5(e01: Path, stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "disk", "hash", str(e01), "--algorithm", "all")
    raw = stick.read_bytes()
    assert result["digests"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert result["md5_matches"] is True
    file_hash = run_json(capsys, "disk", "hash", str(e01), "/hello.txt", "--algorithm", "md5")
    assert file_hash["digests"]["md5"] == hashlib.md5(b"hello, trainee\n").hexdigest()


def test_recover_hostile_image_stays_inside_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "src").mkdir()
    hostile = disk_images.build_hostile(tmp_path / "src")
    out = tmp_path / "deep" / "out"
    out.parent.mkdir()
    report = run_json(capsys, "disk", "recover", str(hostile.path), "--out", str(out))
    assert {item["output_path"] for item in report["files"]} >= {".._.._evil", "sub/_etc_pwned", "_CON.TXT"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "src"]
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["out"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["disk", "ls", "{missing}"], "no such image file"),
        (["disk", "ls", "{text}"], "no file system"),
        (["disk", "ls", "{stick}", "/nope"], "no such file or directory"),
        (["disk", "stat", "{stick}", "-i", "99999999"], "out of range"),
        (["disk", "ls", "{stick}", "-p", "1"], "no partition table"),
        (["disk", "ls", "{stick}", "--tz", "Nowhere/Land"], "unknown time zone"),
        (["disk", "cat", "{stick}", "/Документы"], "is a directory"),
        (["disk", "recover", "{stick}", "--out", "/etc/x"], "system directory"),
    ],
)
def test_user_errors_are_one_line_exit_2(
    args: list[str], message: str, stick: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 100)
    values = {"missing": str(tmp_path / "gone.dd"), "text": str(text), "stick": str(stick)}
    assert main([a.format(**values) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("labkit: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_installed_entry_point_pipes_binary(stick: Path) -> None:
    result = subprocess.run(
        [LABKIT, "disk", "cat", stick, "/Документы/Отчёт за март.docx"], capture_output=True, check=True
    )
    assert result.stdout == disk_images.BIG_CONTENT


def _stat_rows(out: str) -> dict[str, str]:
    """The ``Field | Value`` rows of ``labkit disk stat``'s table."""
    rows = re.findall(r"^│ (\S[^│]*?)\s*│ (.*?)\s*│$", out, re.MULTILINE)
    return dict(rows)


def _inode_of(image: Path, path: str) -> int:
    return next(i for _, i, p, _ in fls(image, 0) if "/" + p == path)


def test_stat_without_tz_prints_stored_local_time_without_offset(
    stick: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["disk", "stat", str(stick), "/hello.txt"]) == 0
    out = capsys.readouterr().out
    rows = _stat_rows(out)
    report = istat(stick, 0, _inode_of(stick, "/hello.txt"))  # TZ=UTC: TSK prints the stored digits
    assert rows["modified"] == istat_time(report, "Written")[0]
    assert rows["created"][:19] == istat_time(report, "Created")[0] and len(rows["created"]) == 22
    assert "+00:00" not in out and "(UTC)" not in out
    assert rows["times"].startswith(LOCAL_TIMES_UNZONED)


def test_stat_with_tz_matches_istat_z(stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["disk", "stat", str(stick), "/hello.txt", "--tz", "Asia/Almaty"]) == 0
    rows = _stat_rows(capsys.readouterr().out)
    inode = _inode_of(stick, "/hello.txt")
    zoned = str(tsk("istat", "-z", "Asia/Almaty", stick, str(inode)))
    digits, zone = istat_time(zoned, "Written")
    assert zone == "+05" and rows["modified"] == digits.replace(" ", "T") + "+05:00"
    assert "Asia/Almaty" in rows["times"]


def test_json_times_are_naive_iso_and_say_zone_unknown(
    stick: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = run_json(capsys, "disk", "stat", str(stick), "/hello.txt")
    assert meta["time_zone"] is None and meta["times_are"] == LOCAL_TIMES_UNZONED
    modified = datetime.fromisoformat(meta["modified"])
    created = datetime.fromisoformat(meta["created"])
    assert modified.tzinfo is None and created.tzinfo is None and meta["accessed"].count("-") == 2
    report = istat(stick, 0, meta["inode"])
    assert str(modified) == istat_time(report, "Written")[0]
    entries = run_json(capsys, "disk", "ls", str(stick), "-r")
    assert entries and all(e["time_zone"] is None and e["times_are"] == LOCAL_TIMES_UNZONED for e in entries)
    hello = next(e for e in entries if e["path"] == "/hello.txt")
    assert hello["modified"] == meta["modified"]
    zoned = run_json(capsys, "disk", "stat", str(stick), "/hello.txt", "--tz", "Asia/Almaty")
    assert zoned["time_zone"] == "Asia/Almaty" and zoned["modified"] == meta["modified"] + "+05:00"


def test_naive_time_from_stat_is_graded_in_the_keys_zone(
    stick: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trainee copies the modified time from `labkit disk stat`; the key holds it with +05:00."""
    assert main(["disk", "stat", str(stick), "/hello.txt"]) == 0
    copied = _stat_rows(capsys.readouterr().out)["modified"]
    question = KeyQuestion(
        id="q_modified",
        type="datetime",
        answer=copied.replace(" ", "T") + "+05:00",
        points=1,
        medium="disk",
        options={"timezone": "Asia/Almaty", "tolerance_seconds": 1},
    )
    verdict = check_answer(question, copied)
    assert verdict.status == "correct", verdict.reason
    # what the old default printed: the digits labelled UTC, 5 hours off; not full credit
    assert check_answer(question, copied.replace(" ", "T") + "+00:00").status != "correct"


def test_recover_note_names_the_file_holding_the_first_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reused = disk_images.build_reused_clusters(tmp_path)
    assert main(["disk", "recover", str(reused.path), "--deleted-only", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    inode = _inode_of(reused.path, "/other/_aken.bin")
    assert f"deleted inode {inode} (/other/_aken.bin)" in err
    assert "its first cluster is allocated to /sub/new, which may be the same data under a new name" in err
    assert f"labkit disk stat {reused.path} -i {inode}" in err and "reused by later files" not in err

"""``labkit disk`` end to end, through labkit.cli.main.main, checked against TSK's tools."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from labkit.cli.main import main

sys.path.insert(0, str(Path(__file__).parents[1] / "tools" / "disk"))

import disk_images
from tsk_reference import fls, icat

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
    assert "_one.bin" in out and "*" in out and "hello.txt" not in out
    assert "+00:00" in out and "25600" in out


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

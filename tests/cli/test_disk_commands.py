"""``labkit disk`` end to end, through labkit.cli.main.main, checked against TSK's tools."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from labkit.cli.main import main
from labkit.grading import check_answer
from labkit.key import KeyQuestion
from labkit.tools.disk.timestamps import LOCAL_TIMES_UNZONED

sys.path.insert(0, str(Path(__file__).parents[1] / "tools" / "disk"))

import damaged_images
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


def test_ls_table_marks_deleted_and_long_shows_times(
    stick: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # the rich table, as in a terminal
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["disk", "ls", str(stick), "--long", "--deleted-only"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("┏━") and "\t" not in out
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
    """The ``field<TAB>value`` lines of ``labkit disk stat`` (plain: stdout is not a terminal)."""
    return dict(line.split("\t", 1) for line in out.splitlines() if not line.startswith("#"))


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


# --- damaged evidence: never silently wrong, always one clear line (robustness review) ---


def _run(capsysbinary: pytest.CaptureFixture[bytes], *args: object) -> tuple[int, bytes, str]:
    code = main([str(a) for a in args])
    captured = capsysbinary.readouterr()
    err = captured.err.decode()
    assert "Traceback" not in err
    return code, captured.out, err


def test_hash_of_e01_with_a_damaged_zero_chunk_does_not_verify(
    stick: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """C3: the stored MD5 still matches (zeros for zeros), but ewfverify fails: so must we."""
    e01 = damaged_images.acquire(stick, tmp_path / "z", "-c", "deflate:fast")
    data = e01.read_bytes()
    zero_chunk = zlib.compress(bytes(32768), 1)
    damaged_images.flip(e01, data.index(zero_chunk, len(data) // 2) + 40)
    [(first, last)] = damaged_images.ewfverify_damage(e01)
    code, out, err = _run(capsysbinary, "disk", "hash", e01, "--algorithm", "md5")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"labkit: error: {e01}: the media does NOT verify: ")
    assert f"(sectors {first}-{last})" in err
    assert hashlib.md5(stick.read_bytes()).hexdigest() in out.decode()  # shown, but not called verified
    document = run_json_code(capsysbinary, 2, "disk", "hash", e01)
    assert document["verifies"] is False and document["damaged_sectors"] == [{"first": first, "last": last}]


def run_json_code(capsysbinary: pytest.CaptureFixture[bytes], expected: int, *args: object) -> dict:
    code, out, _ = _run(capsysbinary, *args, "--json")
    assert code == expected
    return json.loads(out)


def test_cat_from_a_damaged_chunk_warns_once(
    stick: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    e01 = damaged_images.acquire(stick, tmp_path / "n", "-c", "none")
    damaged_images.flip(e01, e01.read_bytes().index(disk_images.BIG_CONTENT[:4096]) + 20000)
    [(first, last)] = damaged_images.ewfverify_damage(e01)
    code, out, err = _run(capsysbinary, "disk", "cat", e01, "/_one.bin")
    assert code == 0 and len(out) == len(disk_images.BIG_CONTENT) and out != disk_images.BIG_CONTENT
    assert err.count("\n") == 1 and err.startswith("labkit: warning: ") and f"{first}-{last}" in err


def test_truncated_e01_is_one_error_line(stick: Path, tmp_path: Path, capsysbinary) -> None:
    """C4: cut inside its volume section, it used to hash as the empty stream with exit 0."""
    e01 = damaged_images.acquire(stick, tmp_path / "t", "-c", "deflate:fast")
    cut = tmp_path / "t1k.E01"
    cut.write_bytes(e01.read_bytes()[: e01.read_bytes().index(b"volume\0") + 20])
    code, out, err = _run(capsysbinary, "disk", "hash", cut)
    assert (code, out) == (2, b"") and err.count("\n") == 1
    assert err.startswith(f"labkit: error: {cut}: truncated or incomplete E01: no volume section")


def test_truncated_raw_lists_like_fls_with_one_warning(tmp_path: Path, capsysbinary) -> None:
    """I5 and N6: piped output is fls' lines; the cut is said once on stderr."""
    image = damaged_images.build_truncated_raw(tmp_path)
    code, out, err = _run(capsysbinary, "disk", "ls", image, "-r")
    assert code == 0
    expected = str(tsk("fls", "-r", "-p", image)).splitlines()
    assert [line.replace(":\t/", ":\t", 1) for line in out.decode().splitlines()] == expected
    assert err.count("\n") == 1 and "image is shorter than its boot sector says" in err


def test_cat_of_a_file_beyond_the_end_writes_nothing(tmp_path: Path, capsysbinary) -> None:
    """N3: the check comes before the first byte, and the message has no dangling fragment."""
    image = damaged_images.build_truncated_raw(tmp_path)
    code, out, err = _run(capsysbinary, "disk", "cat", image, "/R.BIN")
    assert code == 2 and out == b""
    assert re.fullmatch(
        r"labkit: error: /R\.BIN: its data runs to byte \d+ of the medium, but the image ends at byte "
        rf"{image.stat().st_size} \(truncated image: the file cannot be read whole\)\n",
        err,
    )
    assert len(icat(image, 0, 3)) < 20000  # TSK cannot read it whole either (icat prints nothing)


def test_cat_without_a_file_asks_for_one(stick: Path, capsysbinary) -> None:
    """N2."""
    code, _, err = _run(capsysbinary, "disk", "cat", stick)
    assert code == 2 and err == "labkit: error: name the file: give a PATH inside the image or -i INODE\n"


def test_cyclic_cluster_chain_is_named(tmp_path: Path, capsysbinary) -> None:
    """N4: TSK (icat) gives nothing; we say why."""
    image, loop = damaged_images.build_cyclic_chain(tmp_path)
    assert icat(image, 0, 3) == b""
    code, out, err = _run(capsysbinary, "disk", "cat", image, "/R.BIN")
    assert code == 2 and out == b"" and err.count("\n") == 1
    assert f"/R.BIN: cluster chain loops at cluster {loop} (corrupt FAT)" in err


@pytest.mark.parametrize(
    "field, message",
    [
        ("bytes", "bytes per sector is 0 (must be 512-4096)"),
        ("cluster", "sectors per cluster is 0 (must be a power of two, 1-128)"),
        ("fats", "number of FATs is 0 (must be 1 or 2)"),
    ],
)
def test_boot_sector_with_a_zero_field_names_it(
    field: str, message: str, tmp_path: Path, capsysbinary
) -> None:
    """N5: fsstat cannot read it either."""
    image = damaged_images.build_boot_defect(tmp_path, field)
    assert subprocess.run(["fsstat", image], capture_output=True).returncode != 0
    code, _, err = _run(capsysbinary, "disk", "ls", image)
    assert code == 2 and err == f"labkit: error: {image}: FAT boot sector at offset 0: {message}\n"


def test_recover_marks_a_small_deleted_file_whose_cluster_was_reused(tmp_path: Path, capsysbinary) -> None:
    """The bytes written are the new owner's, exactly as icat gives them: say so."""
    reused = damaged_images.build_small_reused(tmp_path)
    note = f"first cluster now belongs to {reused.owner}: content is that file's, not the deleted file's"
    report = run_json_code(capsysbinary, 0, "disk", "recover", reused.path, "--out", tmp_path / "j")
    (item,) = [i for i in report["files"] if i["deleted"]]
    inode = _inode_of(reused.path, reused.deleted_path)
    assert (item["image_path"], item["note"], item["error"]) == (reused.deleted_path, note, None)
    written = (tmp_path / "j" / item["output_path"]).read_bytes()
    assert written == icat(reused.path, 0, inode) == reused.owner_content[:500]
    code, out, err = _run(capsysbinary, "disk", "recover", reused.path, "--out", tmp_path / "t")
    assert code == 0 and note in out.decode() and err.count("\n") == 1 and note in err


def test_stat_codepage_reads_cp866_short_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = disk_images.build_cp866_stick(tmp_path).path
    inode = next(i for _, i, p, _ in fls(image, 0) if p == disk_images.CP866_LONG_NAME)
    assert re.search(r"Name: (\S+)", istat(image, 0, inode)).group(1) == "^^^^^^~1.DOC"  # what TSK shows
    assert main(["disk", "stat", str(image), "-i", str(inode), "--codepage", "cp866"]) == 0
    assert _stat_rows(capsys.readouterr().out)["short name"] == "ДОГОВО~1.DOC (cp866)"
    assert main(["disk", "stat", str(image), "-i", str(inode)]) == 0
    assert _stat_rows(capsys.readouterr().out)["short name"] == "äÄâÄéÄ~1.DOC (cp437)"
    meta = run_json(capsys, "disk", "stat", str(image), "-i", str(inode), "--codepage", "cp866")
    assert (meta["short_name"], meta["short_name_codepage"]) == ("ДОГОВО~1.DOC", "cp866")
    listed = run_json(capsys, "disk", "ls", str(image), "--codepage", "cp866")
    assert {e["short_name"] for e in listed} >= {"ДОГОВО~1.DOC", "ЁЛКА.TXT"}
    assert main(["disk", "stat", str(image), "-i", str(inode), "--codepage", "cp1251"]) == 2

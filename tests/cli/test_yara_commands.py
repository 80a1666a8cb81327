"""``labkit yara scan`` end to end through labkit.cli.main.main: tables, JSON, one-line errors."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from labkit.cli.main import main

_TOOLS = Path(__file__).parents[1] / "tools"
sys.path[:0] = [str(_TOOLS / "yara"), str(_TOOLS / "disk"), str(_TOOLS / "net")]

import lab_capture  # noqa: E402
import yara_evidence  # noqa: E402
from tsk_reference import fls, icat  # noqa: E402


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory) -> yara_evidence.MarkedStick:
    return yara_evidence.build_marked_stick(tmp_path_factory.mktemp("cli-yara"))


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-rules") / "markers.yar"
    path.write_text(yara_evidence.MARKER_RULES)
    return path


def test_json_for_a_disk_image(
    stick: yara_evidence.MarkedStick, rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["yara", "scan", str(rules), str(stick.path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["kind"], document["rule_count"], document["limit_reached"]) == ("disk", 4, False)
    erased = next(m for m in document["matches"] if m["target"]["deleted"])
    assert (
        erased["rule"] == "confidential"
        and erased["tags"] == ["document"]
        and erased["meta"] == {"author": "trainer"}
    )
    (hit,) = erased["strings"]
    data = icat(stick.path, 0, erased["target"]["inode"])
    assert data[hit["offset"] : hit["offset"] + hit["length"]].hex() == hit["data_hex"]
    deleted_in_fls = {inode for _, inode, _, deleted in fls(stick.path, 0) if deleted}
    assert erased["target"]["inode"] in deleted_in_fls and erased["target"]["path"] == "/_rased.doc"


def test_plain_table_and_summary(
    stick: yara_evidence.MarkedStick, rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["yara", "scan", str(rules), str(stick.path), "--plain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# Part\tPath\tInode\tState\tRule\tString\tOffset\tData"
    assert "\t/_rased.doc\t9\tdeleted\tconfidential\t$s\t300\tCONFIDENTIAL-ALPHA-7731" in lines
    assert "\t/work/wide.bin\t518\tallocated\texfil\t$w\t10\tE\\x00X\\x00F\\x00I\\x00L\\x00" in lines
    assert lines[-1].startswith("# disk: 4 rule(s) from ") and "over 7 files" in lines[-1]


def test_capture_table_in_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = lab_capture.build_lab(tmp_path / "lab.pcap")
    rules = tmp_path / "r.yar"
    rules.write_text('rule figures { strings: $q = "Quarterly figures" condition: $q }')
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["yara", "scan", str(rules), str(lab.path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("┏━") and "report.txt (http)" in out and "figures" in out


def test_compile_error_is_one_line_exit_2(
    stick: yara_evidence.MarkedStick, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yar"
    bad.write_text('rule broken {\n  strings: $a = "x"\n  condition: $a and $zz\n}\n')
    assert main(["yara", "scan", str(bad), str(stick.path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith(f"labkit: error: {bad}:")
    assert 'undefined string "$zz"' in captured.err


@pytest.mark.parametrize("damage", ["unknown", "truncated"])
def test_bad_target_is_one_line_exit_2(
    damage: str,
    stick: yara_evidence.MarkedStick,
    rules: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "target.bin"
    if damage == "unknown":
        target.write_bytes(yara_evidence.seeded_bytes(9, 100_000))
    else:
        shutil.copyfile(stick.path, target)
        with target.open("r+b") as stream:
            stream.truncate(stick.path.stat().st_size // 3)
    assert main(["yara", "scan", str(rules), str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"labkit: error: {target}")
    assert ("unknown format" if damage == "unknown" else "shorter than its boot sector") in err


def test_kind_override_scans_unknown_bytes_as_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blob = tmp_path / "dump.bin"
    blob.write_bytes(yara_evidence.seeded_bytes(5, 70_000) + yara_evidence.EXFIL)
    rules = tmp_path / "r.yar"
    rules.write_text('rule exfil { strings: $e = "EXFIL-MARKER-0042" condition: $e }')
    assert main(["yara", "scan", str(rules), str(blob), "--kind", "memory", "--json"]) == 0
    captured = capsys.readouterr()
    (match,) = json.loads(captured.out)["matches"]
    assert match["strings"][0]["offset"] == 70_000 and match["strings"][0]["owners"] == []
    assert "physical offset only" in captured.err

"""``labkit mem`` end to end: the real vol runs, its exit status comes back, evidence/ stays untouched."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from labkit.cli.main import main


@pytest.fixture()
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "case"
    (folder / "evidence" / "symbols" / "linux").mkdir(parents=True)
    (folder / "notes").mkdir()
    (folder / "evidence" / "pc01-memory.raw").write_bytes(random.Random(1).randbytes(1 << 20))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.chdir(folder / "notes")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file()
        else "dir"
        for path in sorted(folder.rglob("*"))
    }


def test_show_command_is_the_raw_vol_line(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mem", "--show-command", "malfind", "-r", "json"]) == 0
    assert capsys.readouterr().out == (
        "vol -r json -f ../evidence/pc01-memory.raw -s ../evidence/symbols linux.malware.malfind.Malfind\n"
    )
    assert (
        main(["mem", "sockstat", "--show-command", "--case", str(case)]) == 0
    )  # our options after PLUGIN too
    assert capsys.readouterr().out.endswith("-s ../evidence/symbols linux.sockstat.Sockstat\n")


def test_vol_runs_with_a_private_cache_and_its_exit_status_returns(
    case: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(case)
    assert main(["mem", "pslist", "-q"]) == 1  # random bytes: vol finds no kernel, and says so itself
    captured = capfd.readouterr()
    assert "Unable to validate the plugin requirements" in captured.err + captured.out
    assert snapshot(case) == before  # evidence/ untouched (it has a manifest)
    (cache,) = (tmp_path / "user-cache" / "labkit" / "volatility3").iterdir()
    assert (cache / "volatility3").is_dir()  # vol was given XDG_CACHE_HOME=<cache>


def test_unknown_plugin_and_missing_plugin_are_one_line(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mem", "pslsit"]) == 2
    err = capsys.readouterr().err
    suggestion = "did you mean pslist, pscallstack, pstree, psscan?"
    assert err == f"labkit: error: unknown volatility plugin 'pslsit': {suggestion}\n"
    assert main(["mem", "-r", "json"]) == 2
    assert "name a volatility PLUGIN" in capsys.readouterr().err


def test_list_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mem", "--list", "--plain"]) == 0
    rows = dict(line.split("\t") for line in capsys.readouterr().out.splitlines() if not line.startswith("#"))
    assert rows["pslist"] == "linux.pslist.PsList" and rows["maps"] == "linux.proc.Maps"
    assert main(["mem", "--help"]) == 0
    assert "labkit mem --show-command pslist" in capsys.readouterr().out

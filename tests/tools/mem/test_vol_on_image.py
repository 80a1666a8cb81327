"""`labkit mem` runs the real vol on a labkit-written image; what vol prints is what the spec says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from memory_case import INJECTED, MemoryCase, build_memory_case

from labkit.cli.main import main


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> MemoryCase:
    return build_memory_case(tmp_path_factory.mktemp("mem-case") / "case")


@pytest.fixture()
def in_case(memory: MemoryCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryCase:
    monkeypatch.chdir(memory.folder / "notes")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / "mem-user-cache"))  # shared by this module
    return memory


def vol_json(capfd: pytest.CaptureFixture[str], *arguments: str) -> list[dict[str, object]]:
    assert main(["mem", *arguments, "-r", "json", "-q"]) == 0
    return json.loads(capfd.readouterr().out)


def test_pslist_and_psscan_match_the_spec(in_case: MemoryCase, capfd: pytest.CaptureFixture[str]) -> None:
    rows = vol_json(capfd, "pslist")
    shown = sorted((r["PID"], r["PPID"], r["COMM"], r["UID"], r["GID"]) for r in rows)
    spec = in_case.spec.processes
    assert shown == sorted((p.pid, p.ppid, p.comm, p.uid, p.gid) for p in spec if not p.hidden)
    for row in rows:
        process = next(p for p in spec if p.pid == row["PID"])
        assert row["CREATION TIME"].startswith(process.start.strftime("%Y-%m-%dT%H:%M:%S"))
        assert row["OFFSET (V)"] == in_case.result.processes[process.pid].task_address & 0xFFFFFFFFFFFF
    scanned = {r["PID"]: r["OFFSET (P)"] for r in vol_json(capfd, "psscan")}
    assert scanned[1500] == in_case.result.processes[1500].task_physical  # the hidden task
    assert 1500 not in {r["PID"] for r in rows}


def test_sockstat_matches_the_spec(in_case: MemoryCase, capfd: pytest.CaptureFixture[str]) -> None:
    rows = vol_json(capfd, "sockstat")
    shown = sorted(
        (
            r["PID"],
            r["FD"],
            r["Source Addr"],
            int(r["Source Port"]),
            r["Destination Addr"],
            int(r["Destination Port"]),
            r["State"],
        )
        for r in rows
    )
    sockets = {s.inode: s for s in in_case.spec.sockets}
    expected = sorted(
        (p.pid, f.fd, s.local_addr, s.local_port, s.remote_addr or "0.0.0.0", s.remote_port, s.state)
        for p in in_case.spec.processes
        for f in p.files
        if f.socket is not None and (s := sockets[f.socket])
    )
    assert shown == expected


def test_malfind_shows_the_injected_mapping(in_case: MemoryCase, capfd: pytest.CaptureFixture[str]) -> None:
    (row,) = vol_json(capfd, "malfind")
    (injected,) = in_case.result.processes[1402].injected
    assert (row["PID"], row["Protection"], row["Start"], row["End"]) == (
        1402,
        "rwx",
        injected.start,
        injected.end,
    )
    assert bytes.fromhex(row["Hexdump"]).startswith(INJECTED)

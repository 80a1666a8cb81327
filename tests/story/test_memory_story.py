"""One story in two media: what the image shows (volatility3) agrees with what the capture shows (tshark).

tests/data/memory-actions.yaml is generated once; the assertions read the RAM image with the unmodified
vol CLI and the capture with tshark, never with labkit's own readers.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit.verify.volatility_cli import VolatilityImage

DATA = Path(__file__).resolve().parents[1] / "data" / "memory-actions.yaml"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("memory") / "lab"
    labkit.generate(labkit.load_scenario(DATA), 11, out, verify=False)
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))["facts"]
    evidence = out / "case" / "evidence"
    vol = VolatilityImage(evidence / facts["web_ram"]["file_name"], evidence / "symbols")
    vol.prefetch(
        (
            "linux.pslist.PsList", "linux.psscan.PsScan", "linux.bash.Bash", "linux.sockstat.Sockstat",
            "linux.lsof.Lsof", "linux.kmsg.Kmsg", "linux.boottime.Boottime",
        )
    )  # fmt: skip
    yield {"out": out, "facts": facts, "vol": vol, "capture": evidence / facts["span"]["file_name"]}
    vol.close()


def _tshark(capture: Path, display_filter: str, *fields: str) -> list[list[str]]:
    args = ["tshark", "-r", str(capture), "-Y", display_filter, "-T", "fields"]
    for field in fields:
        args += ["-e", field]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def test_the_reverse_shell_socket_is_the_captured_flow(lab: dict[str, Any]) -> None:
    shell = lab["facts"]["revshell"]
    row = next(
        r for r in lab["vol"].rows("linux.sockstat.Sockstat") if r["PID"] == shell["pid"] and r["FD"] == 0
    )
    frames = _tshark(
        lab["capture"], f"tcp.stream == {shell['tcp_stream']}",
        "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
        "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset",
    )  # fmt: skip
    syn = frames[0]
    assert syn[4:6] == ["1", "0"]  # the victim opened it
    assert (syn[0], int(syn[1]), syn[2], int(syn[3])) == (
        row["Source Addr"], int(row["Source Port"]), row["Destination Addr"], int(row["Destination Port"]),
    )  # fmt: skip
    assert row["State"] == "ESTABLISHED"
    assert not any(f[6] == "1" or f[7] == "1" for f in frames), "the shell's connection is still open"


def test_each_typed_command_is_in_bash_history_at_its_packet_time(lab: dict[str, Any]) -> None:
    shell, facts = lab["facts"]["revshell"], lab["facts"]
    history = {r["Command"]: r for r in lab["vol"].rows("linux.bash.Bash") if r["PID"] == shell["pid"]}
    packets = _tshark(
        lab["capture"],
        f"tcp.stream == {shell['tcp_stream']} and ip.src == {shell['server_ip']} and tcp.len > 0",
        "frame.time_epoch", "tcp.payload",
    )  # fmt: skip
    typed = {bytes.fromhex(payload).decode().rstrip("\n"): float(epoch) for epoch, payload in packets}
    commands = [facts[k]["line"] for k in ("cmd_id", "cmd_run", "cmd_rm")]
    assert set(commands) <= typed.keys() and set(commands) <= history.keys()
    for line in commands:
        recorded = datetime.fromisoformat(history[line]["CommandTime"])
        on_wire = datetime.fromtimestamp(typed[line], tz=UTC)
        assert abs((recorded - on_wire).total_seconds()) < 1.0, (line, recorded, on_wire)


def test_a_hidden_task_is_found_by_psscan_only(lab: dict[str, Any]) -> None:
    hidden = lab["facts"]["hide_implant"]["pid"]
    listed = {r["PID"] for r in lab["vol"].rows("linux.pslist.PsList")}
    scanned = {r["PID"] for r in lab["vol"].rows("linux.psscan.PsScan")}
    assert hidden not in listed and hidden in scanned
    assert listed - {hidden} <= scanned


def test_pids_and_socket_inodes_grow_with_time(lab: dict[str, Any]) -> None:
    facts = lab["facts"]
    story = [facts[k] for k in ("revshell", "implant", "helper")]
    assert [p["pid"] for p in story] == sorted(p["pid"] for p in story)
    baseline = max(r["PID"] for r in lab["vol"].rows("linux.pslist.PsList") if r["PPID"] == 1)
    assert story[0]["pid"] > baseline
    listen = facts["backdoor_port"]
    assert listen["inode"] > facts["revshell"]["socket_inode"]


def test_open_and_deleted_files_as_lsof_shows_them(lab: dict[str, Any]) -> None:
    facts = lab["facts"]
    implant = facts["implant"]
    rows = [r for r in lab["vol"].rows("linux.lsof.Lsof") if r["PID"] == implant["pid"]]
    stash = next(r for r in rows if r["FD"] == facts["stash"]["fd"])
    assert (stash["Path"], stash["Inode"]) == (facts["stash"]["path"], facts["stash"]["inode"])
    assert implant["exe_deleted"] is True
    maps = VolatilityImage.rows(lab["vol"], "linux.proc.Maps")
    text = [r for r in maps if r["PID"] == implant["pid"] and "x" in r["Flags"]]
    assert (
        text
        and text[0]["File Path"].strip() == f"{implant['exe']} (deleted)"
        and text[0]["Inode"] == implant["exe_inode"]
    )


def test_kernel_log_lines_at_their_uptime(lab: dict[str, Any]) -> None:
    line = lab["facts"]["segfault"]
    row = next(r for r in lab["vol"].rows("linux.kmsg.Kmsg") if r["line"] == line["text"])
    assert abs(float(row["timestamp"]) - float(line["uptime"])) < 1e-3
    boot = datetime.fromisoformat(lab["vol"].rows("linux.boottime.Boottime")[0]["Boot Time"])
    assert abs((boot - datetime.fromisoformat(lab["facts"]["web_ram"]["booted"])).total_seconds()) < 1.0


def test_the_downloaded_program_lies_in_the_page_cache(lab: dict[str, Any], tmp_path: Path) -> None:
    fetch = lab["facts"]["fetch"]
    subprocess.run(
        ["tshark", "-r", str(lab["capture"]), "-q", "--export-objects", f"http,{tmp_path}"], check=True,
        capture_output=True,
    )  # fmt: skip
    payload = (tmp_path / fetch["object_name"]).read_bytes()
    image = (lab["out"] / "case" / "evidence" / lab["facts"]["web_ram"]["file_name"]).read_bytes()
    assert payload[4096:8192] in image  # a whole page of the file, as the page cache holds it

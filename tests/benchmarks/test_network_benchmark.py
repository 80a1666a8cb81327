"""Smoke test of ``benchmarks.network_capture`` at a tiny size: every row is there, the files agree.

No wall-clock assertion: times depend on the machine. What must hold everywhere
is that labkit and scapy wrote the same frames, read back here with scapy's
``rdpcap`` and checked with tshark directly, not only through the benchmark's
own record reader.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scapy.layers.inet import TCP

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.network_check import compare_frames, tshark_conversations  # noqa: E402
from benchmarks.network_labkit_side import option_bytes  # noqa: E402
from benchmarks.network_packets import SynOptions, TimestampOptions  # noqa: E402
from benchmarks.network_plan import plan_traffic  # noqa: E402
from benchmarks.network_scapy_side import scapy_options  # noqa: E402
from labkit.evidence.network.wire import PcapngWriter, PcapWriter, Route  # noqa: E402

SMALL = ["--packets", "2000", "--scapy-packets", "all", "--repeat", "1"]
WRITERS = ("labkit_pcap", "labkit_pcapng", "labkit_sessions", "scapy")


def run_benchmark(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.network_capture", *options],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def kept_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("net-bench")
    result = run_benchmark(*SMALL, "--json", "--keep", "--workdir", str(workdir))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def positive(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_json_has_every_writer_both_summaries_and_positive_ratios(kept_run: dict[str, Any]) -> None:
    planned = kept_run["packets"]
    assert planned >= 2000
    for key in WRITERS:
        side = kept_run[key]
        assert side["packets"] > 0 and side["file_bytes"] > 24
        assert len(side["work_seconds"]) == 1 and positive(side["work_seconds"][0])
        assert positive(kept_run["packets_per_second"][key])
    assert kept_run["labkit_pcap"]["packets"] == kept_run["scapy"]["packets"] == planned
    assert kept_run["labkit_pcap"]["peak_rss_bytes"] >= kept_run["labkit_pcap"]["start_rss_bytes"] > 0
    for key in ("summary_labkit", "summary_tshark"):
        assert len(kept_run[key]["seconds"]) == 1 and positive(kept_run[key]["seconds"][0])
    for ratio in ("write_ratio", "sessions_ratio", "summary_ratio"):
        assert positive(kept_run[ratio])
    assert kept_run["write_ratio"] == pytest.approx(
        kept_run["packets_per_second"]["labkit_pcap"] / kept_run["packets_per_second"]["scapy"]
    )
    assert kept_run["summary_ratio"] == pytest.approx(
        kept_run["summary_labkit"]["seconds"][0] / kept_run["summary_tshark"]["seconds"][0]
    )
    assert [frames["compared"] for frames in kept_run["frames"]] == [planned, planned]
    assert all(frames["difference"] is None for frames in kept_run["frames"])
    counts = kept_run["counts"]
    assert counts["planned_tcp"] == kept_run["conversations"] > 0
    assert counts["tshark_tcp"] == counts["summary_tcp"] == counts["sessions_tcp"] == counts["planned_tcp"]
    assert counts["summary_udp"] == counts["sessions_udp"] == counts["planned_udp"] == kept_run["lookups"]
    assert kept_run["passed"] is True and kept_run["problems"] == []


# Run in a fresh interpreter: another test in the same worker may have loaded scapy's TLS layer, which
# then dissects port-443 payloads and rebuilds them differently (the frames themselves are not at fault).
_SCAPY_CHECK = """
import sys
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.utils import rdpcap

labkit, scapy = rdpcap(sys.argv[1]), rdpcap(sys.argv[2])
assert len(labkit) == len(scapy) == int(sys.argv[3]), (len(labkit), len(scapy))
for ours, theirs in zip(labkit, scapy, strict=True):
    assert bytes(ours) == bytes(theirs) and ours.time == theirs.time
for packet in labkit[::97]:  # scapy recomputes lengths and checksums of labkit's frames
    rebuilt = Ether(bytes(packet))
    del rebuilt[IP].chksum, rebuilt[IP].len
    transport = rebuilt[TCP] if TCP in rebuilt else rebuilt[UDP]
    del transport.chksum
    if UDP in rebuilt:
        del rebuilt[UDP].len
    assert bytes(rebuilt) == bytes(packet)
print("same")
"""


def test_scapy_reads_the_same_frames_and_checksums_in_both_files(kept_run: dict[str, Any]) -> None:
    workdir = Path(kept_run["kept"])
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCAPY_CHECK,
            str(workdir / "labkit_pcap.pcap"),
            str(workdir / "scapy.pcap"),
            str(kept_run["packets"]),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout.strip() == "same", result.stderr[-2000:]


@pytest.mark.parametrize("capture", ["labkit_pcap.pcap", "labkit_pcapng.pcapng", "labkit_sessions.pcap"])
def test_tshark_finds_no_malformed_frame_or_bad_checksum(kept_run: dict[str, Any], capture: str) -> None:
    checks = [f"-o{layer}.check_checksum:TRUE" for layer in ("ip", "tcp", "udp")]
    result = subprocess.run(
        ["tshark", "-r", str(Path(kept_run["kept"]) / capture), *checks, "-q", "-z", "expert,warn"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Errors (" not in result.stdout and "Warnings (" not in result.stdout, result.stdout
    frames = subprocess.run(
        ["tshark", "-r", str(Path(kept_run["kept"]) / capture), "-T", "fields", "-e", "frame.number"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(frames) == kept_run["labkit_sessions" if "sessions" in capture else "labkit_pcap"]["packets"]


def test_table_has_every_row_positive_ratios_and_the_check(tmp_path: Path) -> None:
    result = run_benchmark(
        "--packets", "600", "--scapy-packets", "300", "--repeat", "1", "--workdir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in (
        "labkit Route + PcapWriter ",
        "labkit Route + PcapngWriter ",
        "labkit TcpSession + Capture ",
        "scapy Ether/IP/TCP/Raw + wrpcap ",
        "labkit net summary CAPTURE ",
        "tshark -q -z conv,tcp -r CAPTURE ",
    ):
        assert any(line.startswith(name) for line in lines), name
    assert "scapy builds the first 300 of the same packets (--scapy-packets all: every one)" in lines
    ratios = [re.search(r"median: ([\d,.]+)x", line) for line in lines if line.startswith("ratio ")]
    assert len(ratios) == 3 and all(match and float(match[1].replace(",", "")) > 0 for match in ratios)
    assert (
        "frames labkit_pcap.pcap vs scapy.pcap: identical for 300 frames (timestamps, lengths, bytes)"
        in lines
    )
    assert lines[-1] == "check: PASSED"
    assert list(tmp_path.iterdir()) == []  # without --keep nothing is left behind


def test_missing_labkit_net_summary_is_one_clear_line(tmp_path: Path) -> None:
    old_labkit = tmp_path / "labkit"
    old_labkit.write_text("#!/bin/sh\necho \"Error: No such command 'net'.\" >&2\nexit 2\n")
    old_labkit.chmod(0o755)
    for command, expected in ((old_labkit, "No such command 'net'"), (tmp_path / "absent", "no labkit")):
        result = run_benchmark("--packets", "100", "--labkit", str(command), "--workdir", str(tmp_path / "w"))
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""


def test_frame_comparison_names_the_first_difference(tmp_path: Path) -> None:
    route = Route("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2", 64)
    frames = [route.udp_frame(5353, 53, bytes([n]) * 40) for n in range(5)]
    changed = [*frames[:3], frames[3][:50] + b"\xff" + frames[3][51:], frames[4]]
    for name, writer, content in (
        ("a.pcap", PcapWriter, frames),
        ("b.pcapng", PcapngWriter, frames),
        ("c.pcap", PcapWriter, changed),
        ("d.pcap", PcapWriter, frames[:4]),
    ):
        with (tmp_path / name).open("wb") as sink, writer(sink) as capture:
            for number, frame in enumerate(content):
                capture.write(1_700_000_000_000_000 + number, frame)
    same = compare_frames(tmp_path / "a.pcap", tmp_path / "b.pcapng")
    assert same.identical and same.compared == 5
    changed_byte = compare_frames(tmp_path / "a.pcap", tmp_path / "c.pcap")
    assert changed_byte.compared == 3
    expected = "frame 4: bytes differ from offset 50: 0303030303030303 and ff03030303030303"
    assert changed_byte.difference == expected
    shorter = compare_frames(tmp_path / "a.pcap", tmp_path / "d.pcap")
    assert shorter.difference == "d.pcap ends after 4 frames"
    assert compare_frames(tmp_path / "a.pcap", tmp_path / "d.pcap", limit=4).identical


@pytest.mark.parametrize(
    "options",
    [
        SynOptions("windows", 1460, 8, True, None),
        SynOptions("linux", 1460, 7, True, (123456, 0)),
        SynOptions("linux", 1460, 7, True, None),
        SynOptions("windows", 1440, 8, True, (99, 77)),
        SynOptions("linux", 536, None, False, None),
        TimestampOptions(4_000_000_000, 17),
    ],
)
def test_scapy_option_lists_match_labkit_option_bytes(options: SynOptions | TimestampOptions) -> None:
    built = bytes(TCP(options=scapy_options(options)))
    assert built[20:] == option_bytes(options)


def test_plan_is_deterministic_and_the_seed_matters() -> None:
    first, second, other = plan_traffic(400, seed=5), plan_traffic(400, seed=5), plan_traffic(400, seed=6)
    assert first.packets == second.packets and first.blob == second.blob and first.links == second.links
    assert other.packets != first.packets
    assert [packet.ts_us for packet in first.packets] == sorted(packet.ts_us for packet in first.packets)


def test_tshark_conversation_tables_are_counted_per_protocol() -> None:
    output = (
        "================================================================================\n"
        "TCP Conversations\nFilter:<No Filter>\n  | <- | | -> |\n"
        "10.0.0.1:50000  <-> 192.0.2.1:443  1 60 bytes\n10.0.0.1:50001  <-> 192.0.2.1:443  1 60 bytes\n"
        "================================================================================\n"
        "================================================================================\n"
        "UDP Conversations\nFilter:<No Filter>\n"
        "================================================================================\n"
    )
    assert tshark_conversations(output) == {"TCP": 2, "UDP": 0}

"""labkit's capture writers against scapy's ``wrpcap``, and ``labkit net summary`` against tshark.

``python -m benchmarks.network_capture [--packets 200000] [--scapy-packets 20000] [--repeat 3] [--json]``

A seeded plan of office traffic (TLS sessions over TCP, DNS over UDP) is made
once, with every header field of every packet decided. Each writer runs in its
own child process and builds the same packets: labkit's ``Route`` fast path
into a ``PcapWriter`` and a ``PcapngWriter``, scapy's ``Ether()/IP()/TCP()/Raw()``
into ``wrpcap``; labkit's ``TcpSession`` engine renders the plan's conversations
its own way (what the generator really does). The files are compared frame by
frame. Then ``labkit net summary`` and ``tshark -q -z conv,tcp`` each read
labkit's pcap in a child process, and both must count the planned conversations.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from labkit.errors import LabkitError

from .measure import BenchmarkError, gnu_time_available, run_measured
from .network_check import compare_frames, summary_conversations, tshark_conversations
from .network_plan import plan_traffic
from .network_report import render_network_table
from .network_results import ConversationCounts, NetworkBenchmarkResult, ToolSide, WriterSide

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHILD_ENVIRONMENT = {"TZ": "UTC", "LC_ALL": "C.UTF-8"}
MAX_PACKETS = 2_000_000  # the plan holds every payload: about 1.5 GiB in each child at this size
LABKIT_SIDE, SCAPY_SIDE = ["-m", "benchmarks.network_labkit_side"], ["-m", "benchmarks.network_scapy_side"]
WRITERS = {  # key: (name in the table, file format, argv after the interpreter)
    "labkit_pcap": ("labkit Route + PcapWriter", "pcap", [*LABKIT_SIDE, "pcap"]),
    "labkit_pcapng": ("labkit Route + PcapngWriter", "pcapng", [*LABKIT_SIDE, "pcapng"]),
    "labkit_sessions": ("labkit TcpSession + Capture", "pcap", [*LABKIT_SIDE, "sessions"]),
    "scapy": ("scapy Ether/IP/TCP/Raw + wrpcap", "pcap", SCAPY_SIDE),
}


def default_labkit_command() -> Path:
    """The installed console script next to this interpreter (``.venv/bin/labkit``)."""
    return Path(sys.executable).with_name("labkit")


def require_tools(labkit: Path) -> None:
    """tshark and a ``labkit`` that has ``net summary``; otherwise one clear error before any work."""
    if shutil.which("tshark") is None:
        raise BenchmarkError("tshark is not installed; run `bash .ci/setup` first")
    if not labkit.is_file():
        raise BenchmarkError(f"no labkit console script at {labkit}; run `bash .ci/setup` first")
    probe = subprocess.run(
        [str(labkit), "net", "summary", "--help"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        said = " ".join((probe.stderr or probe.stdout).split())[-300:] or f"exit status {probe.returncode}"
        raise BenchmarkError(
            f"`{labkit} net summary` is not available ({said}); the summary comparison needs it"
        )


def run_writer(key: str, plan_path: Path, capture: Path, scapy_packets: int) -> dict[str, Any]:
    """One writer in its own child: what it reported, plus the child's wall seconds."""
    capture.unlink(missing_ok=True)
    argv = [sys.executable, *WRITERS[key][2], str(plan_path), str(capture)]
    if key == "scapy":
        argv.append(str(scapy_packets))
    measured = run_measured(argv, env={**os.environ, **CHILD_ENVIRONMENT}, cwd=PROJECT_ROOT)
    return {**json.loads(measured.stdout), "wall_seconds": measured.seconds}


def writer_side(key: str, reports: list[dict[str, Any]]) -> WriterSide:
    name, file_format, _ = WRITERS[key]
    return WriterSide(
        name=name,
        file_format=file_format,
        packets=int(reports[-1]["packets"]),
        work_seconds=[float(report["work_seconds"]) for report in reports],
        wall_seconds=[float(report["wall_seconds"]) for report in reports],
        peak_rss_bytes=max(int(report["peak_rss_bytes"]) for report in reports),
        start_rss_bytes=min(int(report["start_rss_bytes"]) for report in reports),
        work_memory_bytes=max(
            max(0, int(report["peak_rss_bytes"]) - int(report["start_rss_bytes"])) for report in reports
        ),
        file_bytes=int(reports[-1]["file_bytes"]),
        peak_of_work_alone=all(bool(report["peak_is_of_work_alone"]) for report in reports),
    )


def time_tools(commands: dict[str, list[str]], repeat: int) -> tuple[dict[str, ToolSide], dict[str, str]]:
    """Run each command ``repeat`` times, alternating; the sides and each command's last output."""
    measure_memory = gnu_time_available()
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    for _ in range(repeat):
        for name, argv in commands.items():
            measured = run_measured(
                argv, env={**os.environ, **CHILD_ENVIRONMENT}, measure_memory=measure_memory
            )
            seconds[name].append(measured.seconds)
            peaks[name] += [measured.peak_rss_bytes] if measured.peak_rss_bytes is not None else []
            outputs[name] = measured.stdout
    sides = {
        name: ToolSide(name, argv, seconds[name], max(peaks[name]) if peaks[name] else None)
        for name, argv in commands.items()
    }
    return sides, outputs


def run_benchmark(
    workdir: Path, *, packets: int, scapy_packets: int | None, repeat: int, seed: int, labkit: Path
) -> NetworkBenchmarkResult:
    """Plan, write with every writer ``repeat`` times, compare frames, time both summaries, count."""
    require_tools(labkit)
    plan = plan_traffic(packets, seed)
    plan_path = workdir / "plan.pickle"
    plan.save(plan_path)
    planned, conversations, lookups = len(plan.packets), len(plan.conversations), len(plan.lookups)
    del plan  # the children load their own copy; the harness needs only the counts
    scapy_count = planned if scapy_packets is None else min(scapy_packets, planned)
    captures = {key: workdir / f"{key}.{WRITERS[key][1]}" for key in WRITERS}
    reports: dict[str, list[dict[str, Any]]] = {key: [] for key in WRITERS}
    for _ in range(repeat):
        for key in WRITERS:
            reports[key].append(run_writer(key, plan_path, captures[key], scapy_count))
    frames = [
        compare_frames(captures["labkit_pcap"], captures["scapy"], scapy_count),
        compare_frames(captures["labkit_pcap"], captures["labkit_pcapng"]),
    ]
    capture = str(captures["labkit_pcap"])
    tools, outputs = time_tools(
        {
            "labkit net summary CAPTURE": [str(labkit), "net", "summary", capture],
            "tshark -q -z conv,tcp -r CAPTURE": ["tshark", "-q", "-z", "conv,tcp", "-r", capture],
        },
        repeat,
    )
    return NetworkBenchmarkResult(
        packets=planned,
        conversations=conversations,
        lookups=lookups,
        repeat=repeat,
        seed=seed,
        **{key: writer_side(key, reports[key]) for key in WRITERS},
        summary_labkit=tools["labkit net summary CAPTURE"],
        summary_tshark=tools["tshark -q -z conv,tcp -r CAPTURE"],
        frames=frames,
        counts=count_conversations(conversations, lookups, outputs, captures["labkit_sessions"]),
    )


def count_conversations(
    planned_tcp: int, planned_udp: int, outputs: dict[str, str], sessions_capture: Path
) -> ConversationCounts:
    """What each reader found, next to the plan: the summary runs' outputs and tshark on the engine's file."""
    summary = summary_conversations(outputs["labkit net summary CAPTURE"])
    conversations = tshark_conversations(outputs["tshark -q -z conv,tcp -r CAPTURE"])
    sessions = tshark_conversations(
        run_measured(
            ["tshark", "-q", "-z", "conv,tcp", "-z", "conv,udp", "-r", str(sessions_capture)],
            env={**os.environ, **CHILD_ENVIRONMENT},
        ).stdout
    )
    return ConversationCounts(
        planned_tcp=planned_tcp,
        planned_udp=planned_udp,
        tshark_tcp=conversations.get("TCP"),
        summary_tcp=summary[0] if summary else None,
        summary_udp=summary[1] if summary else None,
        sessions_tcp=sessions.get("TCP"),
        sessions_udp=sessions.get("UDP"),
    )


def _count(text: str) -> int:
    cleaned = text.replace(",", "").replace("_", "")
    if not cleaned.isdigit() or not 0 < int(cleaned) <= MAX_PACKETS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of packets from 1 to {MAX_PACKETS:,}")
    return int(cleaned)


def _scapy_count(text: str) -> int | None:
    return None if text == "all" else _count(text)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (or JSON); exit 0 when frames and conversation counts agree."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.network_capture", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--packets", type=_count, default=200_000, help="packets in the capture (default 200000)"
    )
    parser.add_argument(
        "--scapy-packets",
        type=_scapy_count,
        default=20_000,
        help="how many of them scapy builds, from the first; 'all' for every one (default 20000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the traffic plan (default 2024)")
    parser.add_argument("--labkit", type=Path, default=default_labkit_command(), help=argparse.SUPPRESS)
    parser.add_argument(
        "--workdir", type=Path, help="where to put the plan and captures (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the plan and every capture")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args(argv)
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    if options.workdir is not None:
        options.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="labkit-net-bench-", dir=options.workdir))
    try:
        result = run_benchmark(
            workdir,
            packets=options.packets,
            scapy_packets=options.scapy_packets,
            repeat=options.repeat,
            seed=options.seed,
            labkit=options.labkit,
        )
    except LabkitError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        extra = {
            "write_ratio": result.write_ratio,
            "sessions_ratio": result.sessions_ratio,
            "summary_ratio": result.summary_ratio,
            "packets_per_second": {key: getattr(result, key).packets_per_second for key in WRITERS},
            "passed": result.passed,
            "problems": result.counts.problems,
            "kept": str(workdir) if options.keep else None,
        }
        print(json.dumps({**asdict(result), **extra}, indent=2, ensure_ascii=False))
    else:
        print(render_network_table(result))
        if options.keep:
            print(f"kept: {workdir}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())

"""The plain-text report of the network benchmark: writers, summaries, ratios, memory, the checks."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from .report import MIB

if TYPE_CHECKING:
    from .network_results import NetworkBenchmarkResult, ToolSide, WriterSide


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f}"


def _faster(ratio: float, *, higher_is_faster: bool) -> str:
    faster = ratio > 1 if higher_is_faster else ratio < 1
    return "labkit faster" if faster else "labkit slower"


def _writer_row(side: WriterSide) -> str:
    return (
        f"{side.name:<34}{side.file_format:>7}{side.packets:>10,}{side.packets_per_second:>13,.0f}"
        f"{side.best_packets_per_second:>12,.0f}{statistics.median(side.work_seconds):>9.2f}"
        f"{_mib(side.peak_rss_bytes):>9}{_mib(side.work_memory_bytes):>9}"
    )


def _tool_row(side: ToolSide) -> str:
    return f"{side.name:<34}{side.median:>10.2f}{min(side.seconds):>9.2f}{_mib(side.peak_rss_bytes):>15}"


def render_network_table(result: NetworkBenchmarkResult) -> str:
    """The human-readable report: both tables, their ratios, labkit's writer memory, then the checks."""
    pcap, scapy, sessions = result.labkit_pcap, result.scapy, result.labkit_sessions
    lines = [
        f"Capture writing: {result.packets:,} packets ({result.conversations:,} TLS sessions over TCP, "
        f"{result.lookups:,} DNS lookups over UDP), {pcap.file_bytes / MIB:.1f} MiB as pcap, "
        f"{result.repeat} run(s) each",
        "packets/s: frames built and written per second of work (the plan is loaded before the clock starts)",
    ]
    if scapy.packets < result.packets:
        lines.append(
            f"scapy builds the first {scapy.packets:,} of the same packets (--scapy-packets all: every one)"
        )
    lines += [
        "",
        f"{'side':<34}{'format':>7}{'packets':>10}{'packets/s':>13}{'best p/s':>12}{'work s':>9}"
        f"{'peak MiB':>9}{'work MiB':>9}",
        *(_writer_row(side) for side in (pcap, result.labkit_pcapng, sessions, scapy)),
        "",
        f"ratio labkit / scapy, packets/s, median: {result.write_ratio:,.1f}x "
        f"({_faster(result.write_ratio, higher_is_faster=True)}; PcapWriter vs wrpcap, both classic pcap)",
        f"ratio labkit TcpSession engine / scapy, packets/s, median: {result.sessions_ratio:,.1f}x "
        f"({_faster(result.sessions_ratio, higher_is_faster=True)})",
        f"labkit writer memory: peak {_mib(pcap.peak_rss_bytes)} MiB, {_mib(pcap.work_memory_bytes)} MiB "
        f"above the {_mib(pcap.start_rss_bytes)} MiB held when writing began (interpreter, imports, plan)",
        f"labkit TcpSession engine: {sessions.packets:,} frames of its own for the same conversations, "
        f"held by Capture until finish() ({_mib(sessions.work_memory_bytes)} MiB)",
        *(
            []
            if pcap.peak_of_work_alone
            else ["(peaks include loading the plan: this kernel did not let the child reset VmHWM)"]
        ),
        "",
        f"Capture summary: labkit's {pcap.packets:,}-packet pcap, each command in its own process",
        "",
        f"{'command':<34}{'median s':>10}{'min s':>9}{'peak RSS MiB':>15}",
        _tool_row(result.summary_labkit),
        _tool_row(result.summary_tshark),
        "",
        f"ratio labkit net summary / tshark conv,tcp, wall time, median: {result.summary_ratio:.2f}x "
        f"({_faster(result.summary_ratio, higher_is_faster=False)})",
        "",
    ]
    for comparison in result.frames:
        verdict = (
            f"identical for {comparison.compared:,} frames (timestamps, lengths, bytes)"
            if comparison.identical
            else f"DIFFER after {comparison.compared:,} identical frames: {comparison.difference}"
        )
        lines.append(f"frames {comparison.first} vs {comparison.second}: {verdict}")
    counts = result.counts
    if counts.problems:
        lines.append("conversation counts DIFFER from the plan:")
        lines += [f"  {problem}" for problem in counts.problems]
    else:
        lines.append(
            f"conversations: {counts.planned_tcp:,} TCP and {counts.planned_udp:,} UDP, as planned, for "
            "tshark and labkit net summary on labkit's pcap and tshark on the TcpSession engine's"
        )
    lines.append(f"check: {'PASSED' if result.passed else 'FAILED'}")
    return "\n".join(lines)

"""What the network benchmark measured: each writer, each analysis tool, the checks, the ratios."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .network_check import FrameComparison


@dataclass(frozen=True)
class WriterSide:
    """The runs of one capture writer: seconds of the work alone, and what its child process reported."""

    name: str
    file_format: str
    packets: int
    work_seconds: list[float]  # building and writing the frames; the plan is loaded before the clock starts
    wall_seconds: list[float]  # the child process, start to exit (interpreter, imports, loading the plan)
    peak_rss_bytes: int  # peak of the work (the child resets its high-water mark once the plan is loaded)
    start_rss_bytes: int  # resident when the work began: interpreter, imports, the loaded plan
    work_memory_bytes: int  # what the work added to the process: peak less the size when it began
    file_bytes: int
    peak_of_work_alone: bool = True  # False where the kernel refused to reset the high-water mark

    @property
    def packets_per_second(self) -> float:
        """Frames built and written per second of work, from the median run."""
        return self.packets / statistics.median(self.work_seconds)

    @property
    def best_packets_per_second(self) -> float:
        return self.packets / min(self.work_seconds)


@dataclass(frozen=True)
class ToolSide:
    """The runs of one analysis command on the capture: wall seconds of each, peak memory (GNU time)."""

    name: str
    command: list[str]
    seconds: list[float]
    peak_rss_bytes: int | None  # None when GNU time is not installed

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class ConversationCounts:
    """TCP and UDP conversations as the plan has them and as each reader counted them (None: not found)."""

    planned_tcp: int
    planned_udp: int
    tshark_tcp: int | None  # tshark -z conv,tcp on labkit's fast-path capture (the timed run)
    summary_tcp: int | None  # labkit net summary on the same capture (the timed run)
    summary_udp: int | None
    sessions_tcp: int | None  # tshark -z conv,tcp -z conv,udp on the TcpSession engine's capture
    sessions_udp: int | None

    @property
    def problems(self) -> list[str]:
        found = (
            ("tshark conv,tcp", self.tshark_tcp, self.planned_tcp),
            ("labkit net summary TCP", self.summary_tcp, self.planned_tcp),
            ("labkit net summary UDP", self.summary_udp, self.planned_udp),
            ("TcpSession capture, tshark conv,tcp", self.sessions_tcp, self.planned_tcp),
            ("TcpSession capture, tshark conv,udp", self.sessions_udp, self.planned_udp),
        )
        return [
            f"{reader}: {'no count in its output' if count is None else f'{count:,}'}, planned {planned:,}"
            for reader, count, planned in found
            if count != planned
        ]


@dataclass(frozen=True)
class NetworkBenchmarkResult:
    """Everything one run measured, for the table or ``--json``."""

    packets: int
    conversations: int
    lookups: int
    repeat: int
    seed: int
    labkit_pcap: WriterSide
    labkit_pcapng: WriterSide
    labkit_sessions: WriterSide
    scapy: WriterSide
    summary_labkit: ToolSide
    summary_tshark: ToolSide
    frames: list[FrameComparison]
    counts: ConversationCounts

    @property
    def write_ratio(self) -> float:
        """labkit's fast path (pcap) over scapy's wrpcap, packets per second: above 1, labkit is faster."""
        return self.labkit_pcap.packets_per_second / self.scapy.packets_per_second

    @property
    def sessions_ratio(self) -> float:
        """labkit's TcpSession engine over scapy's wrpcap, packets per second."""
        return self.labkit_sessions.packets_per_second / self.scapy.packets_per_second

    @property
    def summary_ratio(self) -> float:
        """labkit net summary over tshark conv,tcp, median wall time: below 1 means labkit is faster."""
        return self.summary_labkit.median / self.summary_tshark.median

    @property
    def passed(self) -> bool:
        return all(comparison.identical for comparison in self.frames) and not self.counts.problems

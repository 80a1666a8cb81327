"""``labkit net conversations``: the TCP and UDP conversation tables, as ``tshark -z conv,tcp`` counts.

A is the source of the conversation's first frame, frames and bytes (frame lengths
on the wire) are counted each way, the start is given both as a time and relative to
the first frame of the capture (tshark's "Rel Start"), and ``stream`` is the
tcp.stream / udp.stream index to use with ``-z follow,tcp,ascii,N`` or
``-Y tcp.stream==N``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.errors import UsageError
from labkit.tools.net.capture_pass import run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.capture_summary import SummaryListener
from labkit.tools.net.conversation_tracking import Conversation
from labkit.tools.net.packet_time import PacketTime, packet_time

SORT_KEYS = ("bytes", "frames", "stream", "start")


@dataclass(frozen=True)
class ConversationRow:
    protocol: str  # "tcp" or "udp"
    stream: int
    address_a: str
    port_a: int
    address_b: str
    port_b: int
    frames_a_to_b: int
    bytes_a_to_b: int
    frames_b_to_a: int
    bytes_b_to_a: int
    first_frame: int
    last_frame: int
    start: PacketTime | None
    relative_start_ns: int | None
    duration_ns: int | None
    application: str | None  # what the first bytes (else the ports) show

    @property
    def frames(self) -> int:
        return self.frames_a_to_b + self.frames_b_to_a

    @property
    def bytes(self) -> int:
        return self.bytes_a_to_b + self.bytes_b_to_a


@dataclass(frozen=True)
class ConversationTable:
    path: str
    timestamp_digits: int
    rows: tuple[ConversationRow, ...]
    truncation: Truncation | None


def list_conversations(
    path: str | Path,
    protocols: tuple[str, ...] = ("tcp", "udp"),
    sort: str = "bytes",
) -> ConversationTable:
    """Every counted conversation of ``protocols``, sorted by ``sort`` (bytes and frames: descending).

    Ties keep stream order, so the same capture always gives the same table.
    """
    if not set(protocols) <= {"tcp", "udp"}:
        raise UsageError(f"unknown protocol in {protocols!r}: use tcp and/or udp")
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort key {sort!r}: use one of {', '.join(SORT_KEYS)}")
    listener = SummaryListener()
    report = run_pass(path, [listener])
    digits = max((interface.timestamp_digits for interface in report.interfaces), default=6)
    tracker = report.tracker
    chosen = [
        c
        for protocol, conversations in (
            ("tcp", tracker.tcp_conversations),
            ("udp", tracker.udp_conversations),
        )
        if protocol in protocols
        for c in conversations
        if c.counted
    ]
    rows = [_row(c, report.first_ns, digits, listener.application(c)) for c in chosen]
    keys = {
        "bytes": lambda row: (-row.bytes, row.protocol, row.stream),
        "frames": lambda row: (-row.frames, row.protocol, row.stream),
        "stream": lambda row: (row.protocol, row.stream),
        "start": lambda row: (row.first_frame, row.protocol, row.stream),
    }
    rows.sort(key=keys[sort])
    return ConversationTable(report.path, digits, tuple(rows), report.truncation)


def _row(
    conversation: Conversation, capture_start: int | None, digits: int, application: str | None
) -> ConversationRow:
    a, b = conversation.a or ("", 0), conversation.b or ("", 0)
    first, last = conversation.first_ns, conversation.last_ns
    return ConversationRow(
        conversation.protocol,
        conversation.index,
        a[0],
        a[1],
        b[0],
        b[1],
        conversation.frames_ab,
        conversation.bytes_ab,
        conversation.frames_ba,
        conversation.bytes_ba,
        conversation.first_frame,
        conversation.last_frame,
        packet_time(first, digits),
        None if first is None or capture_start is None else first - capture_start,
        None if first is None or last is None else last - first,
        application,
    )

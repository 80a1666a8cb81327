"""tcp.stream / udp.stream numbering and conversation totals, compared with tshark on hard cases."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP, fragment
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy_sessions import Host, Recorder
from tshark_reference import conversation_totals, fields, tshark

from labkit.tools.net import list_conversations
from labkit.tools.net.capture_pass import PassListener, run_pass
from labkit.tools.net.decoded_packet import Packet

C = Host("10.0.0.1", "02:00:00:00:00:01")
LINK = Ether(src="02:00:00:00:00:09", dst="02:00:00:00:00:01")
S = Host("10.0.0.2", "02:00:00:00:00:02")


def _tcp(
    recorder: Recorder,
    source: Host,
    target: Host,
    sport: int,
    dport: int,
    flags: str,
    seq: int,
    ack: int = 0,
    data: bytes = b"",
) -> None:
    packet = Ether(src=source.mac, dst=target.mac) / IP(src=source.ip, dst=target.ip)
    packet = packet / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack)
    recorder.add(packet / Raw(data) if data else packet)


def build_tricky(path: Path) -> Path:
    """Port reuse after close and while open, SYN retransmissions, mid-stream starts, SYN/ACK with a new
    sequence number, ICMP errors quoting unseen flows, a fragmented UDP datagram opening its
    conversation, IPv6."""
    r = Recorder()
    for flags, seq, ack, forward in (
        ("S", 100, 0, True),
        ("SA", 500, 101, False),
        ("A", 101, 501, True),
        ("FA", 101, 501, True),
        ("FA", 501, 102, False),
        ("A", 102, 502, True),
    ):
        _tcp(r, *((C, S, 1000, 80) if forward else (S, C, 80, 1000)), flags, seq, ack)  # type: ignore[misc]
    _tcp(r, C, S, 1000, 80, "S", 9000)  # reused after close: new stream
    _tcp(r, S, C, 80, 1000, "SA", 7000, 9001)
    _tcp(r, C, S, 1000, 80, "S", 20000)  # reused while open: new stream
    _tcp(r, C, S, 1000, 80, "S", 20000)  # retransmitted SYN: same stream
    _tcp(r, C, S, 2000, 80, "PA", 5000, 6000, b"x")  # capture starts mid-connection
    _tcp(r, C, S, 2000, 80, "S", 4999)  # SYN one below: a retransmission
    _tcp(r, C, S, 2000, 80, "S", 5000)  # anything else: a new stream
    _tcp(r, C, S, 4000, 80, "S", 100)
    _tcp(r, S, C, 80, 4000, "SA", 500, 101)
    _tcp(r, S, C, 80, 4000, "SA", 800, 101)  # SYN/ACK with another ISN: same stream
    r.add(
        LINK
        / IP(src="10.0.0.9", dst=C.ip)
        / ICMP(type=3, code=3)
        / IP(src=C.ip, dst="10.0.0.9")
        / UDP(sport=5555, dport=161)
        / Raw(b"abcd")
    )
    r.add(
        LINK
        / IP(src="10.0.0.9", dst=C.ip)
        / ICMP(type=3, code=3)
        / IP(src=C.ip, dst="10.0.0.9")
        / TCP(sport=5555, dport=161, flags="S")
    )
    short = bytes(IP(src=C.ip, dst="10.0.0.7", proto=6, len=40))[:20] + struct.pack("!HHI", 1234, 443, 55)
    r.add(LINK / IP(src="10.0.0.7", dst=C.ip) / ICMP(type=3, code=1) / Raw(short))  # 8 bytes: no stream
    r.add(LINK / IP(src=C.ip, dst="10.0.0.9") / UDP(sport=5555, dport=161) / Raw(b"abcd"))
    big = IP(src=C.ip, dst=S.ip, id=42) / UDP(sport=7777, dport=9999) / Raw(b"A" * 3000)
    for piece in fragment(big, fragsize=1480):
        r.add(Ether(src=C.mac, dst=S.mac) / piece)
    r.add(Ether(src=C.mac, dst=S.mac) / IP(src=C.ip, dst=S.ip) / UDP(sport=1111, dport=2222) / Raw(b"z" * 20))
    r.add(Ether(src=S.mac, dst=C.mac) / IP(src=S.ip, dst=C.ip) / UDP(sport=9999, dport=7777) / Raw(b"r" * 20))
    six = LINK / IPv6(src="fd00::1", dst="fd00::2")
    r.add(six / TCP(sport=3333, dport=443, flags="S", seq=1))
    r.add(LINK / IPv6(src="fd00::2", dst="fd00::1") / TCP(sport=443, dport=3333, flags="SA", seq=9, ack=2))
    return r.write_pcap(path)


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tricky(tmp_path_factory.mktemp("tricky") / "tricky.pcap")


class _Streams(PassListener):
    def __init__(self) -> None:
        self.rows: list[tuple[int, str, int | None]] = []

    def packet(self, packet: Packet) -> None:
        if packet.protocol in ("tcp", "udp"):
            self.rows.append((packet.number, packet.protocol, packet.stream))


@pytest.mark.parametrize("capture", ["tricky", "lab"])
def test_stream_numbers_are_wiresharks(capture: str, request: pytest.FixtureRequest) -> None:
    fixture = request.getfixturevalue(capture)
    path = fixture if isinstance(fixture, Path) else fixture.path
    listener = _Streams()
    run_pass(path, [listener])
    theirs = [
        (int(n), "tcp" if t else "udp", int(t or u))
        for n, t, u in fields(
            path,
            "frame.number",
            "tcp.stream",
            "udp.stream",
            display_filter="(tcp or udp) and not icmp and not icmpv6",
        )
    ]
    assert listener.rows == theirs
    if capture == "tricky":
        # streams 1-4 come from port reuse; 6 exists only inside an ICMP error, so no frame of its own
        assert sorted({stream for _, protocol, stream in theirs if protocol == "tcp"}) == [
            0,
            1,
            2,
            3,
            4,
            5,
            7,
        ]


@pytest.mark.parametrize("capture", ["tricky", "lab"])
def test_conversation_totals_match_tshark(capture: str, request: pytest.FixtureRequest) -> None:
    fixture = request.getfixturevalue(capture)
    path = fixture if isinstance(fixture, Path) else fixture.path
    table = list_conversations(path)
    for protocol in ("tcp", "udp"):
        ours = {
            row.stream: {
                "a": (row.address_a, row.port_a),
                "b": (row.address_b, row.port_b),
                "ab": [row.frames_a_to_b, row.bytes_a_to_b],
                "ba": [row.frames_b_to_a, row.bytes_b_to_a],
                "first": row.first_frame,
            }
            for row in table.rows
            if row.protocol == protocol
        }
        assert ours == conversation_totals(path, protocol)
    rows = [
        line
        for line in tshark("-r", str(path), "-q", "-z", "conv,tcp", "-z", "conv,udp").splitlines()
        if "<->" in line
    ]
    assert len(rows) == len(table.rows)


def test_sorting_and_relative_start(tricky: Path) -> None:
    by_bytes = list_conversations(tricky)
    assert [row.bytes for row in by_bytes.rows] == sorted((row.bytes for row in by_bytes.rows), reverse=True)
    by_stream = list_conversations(tricky, ("tcp",), sort="stream")
    assert [row.stream for row in by_stream.rows] == sorted(row.stream for row in by_stream.rows)
    assert {row.protocol for row in by_stream.rows} == {"tcp"}
    first = next(row for row in by_stream.rows if row.stream == 0)
    assert first.relative_start_ns == 0 and first.duration_ns == 5 * 1_000_000
    reused = next(row for row in by_stream.rows if row.stream == 1)
    assert reused.relative_start_ns == 6 * 1_000_000 and (reused.port_a, reused.port_b) == (1000, 80)


def test_passive_ftp_data_connections_are_named_as_wireshark_names_them(lab: Any) -> None:
    """The data connection announced in a 227 reply is FTP-DATA (tshark: the ftp-data protocol)."""
    table = list_conversations(lab.path, protocols=("tcp",))
    ours = {row.stream for row in table.rows if row.application == "ftp-data"}
    theirs = {int(row[0]) for row in fields(lab.path, "tcp.stream", display_filter="ftp-data") if row[0]}
    assert ours == theirs and ours

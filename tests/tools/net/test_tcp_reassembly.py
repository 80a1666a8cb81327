"""TCP reassembly: order, retransmissions, overlaps, gaps, wrap-around; end to end against tshark's Follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from scapy_sessions import Host, Recorder, TcpSession
from tshark_reference import follow_tcp

from labkit.tools.net.capture_pass import PassListener, TcpStream, run_pass
from labkit.tools.net.stream_store import SpillArea
from labkit.tools.net.tcp_reassembly import DirectionReassembler, Piece


def pieces(
    reassembler: DirectionReassembler, *segments: tuple[int, bytes]
) -> list[tuple[int, bytes | None, int]]:
    out = []
    for number, (seq, data) in enumerate(segments, start=1):
        out += [(p[0], p[1], p[2]) for p in reassembler.segment(seq, data, len(data), False, number, None)]
    return out + [(p[0], p[1], p[2]) for p in reassembler.flush()]


def test_out_of_order_and_retransmitted_segments_come_out_once_in_order() -> None:
    reassembler = DirectionReassembler()
    reassembler.syn(999)
    out = pieces(reassembler, (1005, b"fghij"), (1000, b"abcde"), (1000, b"abcde"), (1003, b"deFGHIJklm"))
    assert b"".join(data for _, data, _ in out if data) == b"abcdefghijklm"  # the first copy wins
    assert [position for position, _, _ in out] == [0, 5, 10]


def test_a_hole_becomes_a_gap_of_known_length() -> None:
    reassembler = DirectionReassembler()
    reassembler.syn(0)
    out = pieces(reassembler, (1, b"abc"), (9, b"xyz"))
    assert out == [(0, b"abc", 3), (3, None, 5), (8, b"xyz", 3)]


def test_sequence_numbers_wrap_around() -> None:
    reassembler = DirectionReassembler()
    reassembler.syn(0xFFFFFFFD)
    out = pieces(reassembler, (0xFFFFFFFE, b"ab"), (0, b"cd"), (2, b"ef"))
    assert b"".join(data for _, data, _ in out if data) == b"abcdef"


def test_bytes_cut_by_the_snaplen_are_a_gap() -> None:
    reassembler = DirectionReassembler()
    reassembler.syn(0)
    out = list(reassembler.segment(1, b"abc", 10, False, 1, None))
    assert [(p[0], p[1], p[2]) for p in out] == [(0, b"abc", 3), (3, None, 7)]


def test_stored_direction_reads_across_spills_and_gaps() -> None:
    area = SpillArea()
    stored = area.direction()
    stored.append(b"a" * 300_000, 1, 10)  # spilled: over the tail limit
    stored.gap(5, 2, 20)
    stored.append(b"tail", 3, 30)
    assert stored.length == 300_009
    assert stored.read(299_998, 11) == b"aa" + bytes(5) + b"tail"
    assert (
        stored.frame_at(0) == (1, 10)
        and stored.frame_at(300_002) == (2, 20)
        and stored.frame_at(300_008) == (3, 30)
    )
    assert stored.missing_between(0, stored.length) == 5
    reader = stored.reader(299_999)
    assert reader.read(6) == b"a" + bytes(5)
    area.close()


def build_disordered(path: Path) -> tuple[Path, bytes, bytes]:
    recorder = Recorder()
    session = TcpSession(
        recorder,
        Host("10.9.0.1", "02:00:00:00:00:01"),
        Host("10.9.0.2", "02:00:00:00:00:02"),
        40000,
        9000,
        client_isn=0xFFFFF000,
        server_isn=77,
    )
    session.connect()
    first, second, third = b"A" * 1000, b"B" * 1000, b"C" * 1000
    session.send_raw("client", second, 1000)  # arrives before the segment ahead of it
    session.send_raw("client", first, 0)
    session.send_raw("client", first, 0)  # a retransmission
    session.send_raw("client", second[500:] + third, 1500)  # overlaps, then new bytes
    session.advance("client", 3000)  # across the 32-bit wrap: ISN + 3000 > 2**32
    reply = b"".join(b"line %d\r\n" % n for n in range(400))
    session.send("server", reply)
    session.close()
    return recorder.write_pcap(path), first + second + third, reply


class _Collect(PassListener):
    wants_tcp_data = True

    def __init__(self) -> None:
        self.data: dict[tuple[int, bool], bytearray] = {}
        self.ended: list[int] = []

    def tcp_piece(self, stream: TcpStream, from_client: bool, piece: Piece) -> None:
        self.data.setdefault((stream.index, from_client), bytearray()).extend(piece[1] or bytes(piece[2]))

    def tcp_end(self, stream: TcpStream) -> None:
        self.ended.append(stream.index)


@pytest.fixture(scope="module")
def disordered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    return build_disordered(tmp_path_factory.mktemp("reassembly") / "disordered.pcap")


def test_reassembled_stream_equals_tshark_follow(disordered: tuple[Path, bytes, bytes]) -> None:
    path, sent, reply = disordered
    listener = _Collect()
    run_pass(path, [listener])
    client_bytes, server_bytes = follow_tcp(path, 0)
    assert bytes(listener.data[(0, True)]) == sent == client_bytes
    assert bytes(listener.data[(0, False)]) == reply == server_bytes
    assert listener.ended == [0]

"""The collector: file order, frame numbers and stream indexes exactly as tshark counts them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scapy.layers.l2 import Ether  # noqa: F401  (registers link type 1 with scapy's readers)
from scapy.utils import PcapNgReader, PcapReader
from wire_tshark import START_US, capinfos, fields

from labkit.errors import EvidenceError
from labkit.evidence.network.wire import Capture, Endpoint, Route, TcpSession, UdpFlow


def _udp(route: Route, marker: int) -> bytes:
    return route.udp_frame(50000 + marker, 7777, marker.to_bytes(2, "big") * 10)


def test_frames_sorted_stably_and_numbered_like_tshark(tmp_path: Path) -> None:
    route = Route("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2", 64)
    capture = Capture()
    times = [START_US + 300, START_US + 100, START_US + 200, START_US + 100, START_US + 100, START_US]
    refs = [capture.add(ts, _udp(route, marker)) for marker, ts in enumerate(times)]
    summary = capture.finish(tmp_path / "order.pcapng")
    # Equal timestamps keep insertion order: markers 1, 3, 4 at +100 appear in that order.
    assert [ref.number for ref in refs] == [6, 2, 5, 3, 4, 1]
    rows = fields(tmp_path / "order.pcapng", ["frame.number", "udp.srcport", "frame.time_epoch"])
    for ref, marker in zip(refs, range(len(refs)), strict=True):
        row = rows[ref.number - 1]  # type: ignore[operator]
        assert int(row["udp.srcport"]) == 50000 + marker
        assert round(float(row["frame.time_epoch"]) * 1e6) == ref.ts_us
    assert (summary.packets, summary.first_ts_us, summary.last_ts_us) == (6, START_US, START_US + 300)
    assert summary.bytes_on_wire == sum(len(_udp(route, marker)) for marker in range(6))


def test_stream_indexes_follow_first_appearance(
    tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint
) -> None:
    rng = random.Random(11)
    capture = Capture()
    # Rendered in the opposite order of their start times, as a story's actions may be.
    late = TcpSession(capture, windows_client, linux_server, 50010, 5001, START_US + 5_000_000, 20_000, rng)
    early = TcpSession(capture, windows_client, linux_server, 50020, 5001, START_US, 20_000, rng)
    for session in (late, early):
        session.connect()
        session.send("client", b"hello\n")
        session.close()
    dns = UdpFlow(capture, windows_client, linux_server, 53111, 5353, START_US)
    second = UdpFlow(capture, windows_client, linux_server, 53111, 5353, START_US)  # same pair: same stream
    assert second.stream is dns.stream
    other = UdpFlow(capture, windows_client, linux_server, 53112, 5353, START_US)
    other.send("client", b"b" * 20, at_us=START_US + 2_000_000)
    dns.send("client", b"a" * 20, at_us=START_US + 3_000_000)
    second.send("server", b"c" * 20, at_us=START_US + 3_020_000)
    capture.finish(tmp_path / "streams.pcapng")
    assert (early.stream.index, late.stream.index) == (0, 1)
    assert (other.stream.index, dns.stream.index) == (0, 1)
    rows = fields(
        tmp_path / "streams.pcapng",
        ["frame.number", "tcp.stream", "udp.stream", "tcp.srcport", "udp.srcport"],
    )
    client_ports = {
        row["tcp.stream"]: row["tcp.srcport"] for row in rows if row["tcp.srcport"] in ("50010", "50020")
    }
    assert client_ports == {"0": "50020", "1": "50010"}
    udp = {row["udp.stream"] for row in rows if row["udp.srcport"] in ("53111", "5353")}
    assert udp == {"1"}
    assert {row["udp.stream"] for row in rows if row["udp.srcport"] == "53112"} == {"0"}


def test_port_reuse_after_close_is_a_new_stream_but_overlap_is_refused(
    tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint
) -> None:
    rng = random.Random(3)
    capture = Capture()
    sessions = []
    for start in (START_US, START_US + 1_000_000):
        session = TcpSession(capture, windows_client, linux_server, 50000, 22, start, 10_000, rng)
        session.connect()
        session.close("client", "rst")
        sessions.append(session)
    capture.finish(tmp_path / "reuse.pcapng")
    rows = fields(tmp_path / "reuse.pcapng", ["tcp.stream"])
    assert [session.stream.index for session in sessions] == [0, 1]
    assert sorted({row["tcp.stream"] for row in rows}) == ["0", "1"]

    overlapping = Capture()
    for start in (START_US, START_US + 1_000):
        session = TcpSession(overlapping, windows_client, linux_server, 50000, 22, start, 10_000, rng)
        session.connect()
    with pytest.raises(EvidenceError, match="overlap"):
        overlapping.finish(tmp_path / "overlap.pcapng")


def _sample_capture(seed: int, file_format: str, windows_client: Endpoint, linux_server: Endpoint) -> Capture:
    rng = random.Random(seed)
    capture = Capture(file_format=file_format, os_name="Linux", comment="sample")  # type: ignore[arg-type]
    session = TcpSession(capture, windows_client, linux_server, 49800, 8443, START_US, 35_000, rng)
    session.connect()
    session.send("client", rng.randbytes(900))
    session.send("server", rng.randbytes(30_000), think_us=1_500, lose_segment=4)
    session.close("server")
    return capture


def test_same_seed_same_bytes_and_pcap_equals_pcapng(
    tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint
) -> None:
    paths = {}
    for name, seed, file_format in (
        ("a", 1, "pcapng"),
        ("b", 1, "pcapng"),
        ("c", 2, "pcapng"),
        ("d", 1, "pcap"),
    ):
        paths[name] = tmp_path / f"{name}.{file_format}"
        _sample_capture(seed, file_format, windows_client, linux_server).finish(paths[name])
    assert paths["a"].read_bytes() == paths["b"].read_bytes()
    assert paths["a"].read_bytes() != paths["c"].read_bytes()
    with PcapNgReader(str(paths["a"])) as pcapng, PcapReader(str(paths["d"])) as pcap:
        from_pcapng = [(round(packet.time * 1e6), bytes(packet)) for packet in pcapng]
        from_pcap = [(round(packet.time * 1e6), bytes(packet)) for packet in pcap]
    assert from_pcapng == from_pcap and len(from_pcap) > 30
    assert capinfos(paths["d"])["Number of packets"] == str(len(from_pcap))


def test_capture_refuses_misuse(tmp_path: Path) -> None:
    capture = Capture()
    capture.finish(tmp_path / "empty.pcapng")
    with pytest.raises(EvidenceError, match="after finish"):
        capture.add(START_US, bytes(60))
    with pytest.raises(EvidenceError, match="pcapng or pcap"):
        Capture(file_format="erf")  # type: ignore[arg-type]
    assert capinfos(tmp_path / "empty.pcapng")["Number of packets"] == "0"

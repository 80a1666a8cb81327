"""TCP sessions read back by tshark: clean expert info, honest analysis, reassembly equal to what was sent."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from wire_tshark import START_US, assert_clean, expert, fields, follow_tcp

from labkit.errors import EvidenceError
from labkit.evidence.network.wire import Capture, Endpoint, TcpSession

CLOSING_NOTES = {"This frame initiates the connection closing", "This frame undergoes the connection closing"}
PORT = 5001  # no dissector registered above TCP: the payload stays opaque data
SEGMENT_FIELDS = [
    "frame.number",
    "frame.time_epoch",
    "ip.src",
    "tcp.stream",
    "tcp.flags.str",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.len",
    "tcp.window_size_value",
    "tcp.window_size",
    "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr",
    "ip.id",
    "ip.flags.df",
    "tcp.analysis.retransmission",
]


def _epoch_us(row: dict[str, str]) -> int:
    return round(float(row["frame.time_epoch"]) * 1_000_000)


def _flights(rows: list[dict[str, str]], source: str, gap_us: int) -> list[int]:
    """Data segments from ``source`` grouped into bursts separated by more than ``gap_us``."""
    flights: list[int] = []
    previous = None
    for row in rows:
        if row["ip.src"] == source and int(row["tcp.len"]) > 0:
            if previous is None or _epoch_us(row) - previous > gap_us:
                flights.append(0)
            flights[-1] += 1
            previous = _epoch_us(row)
    return flights


def test_download_with_slow_start(tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint) -> None:
    rng = random.Random(2024)
    capture = Capture()
    session = TcpSession(capture, windows_client, linux_server, 51515, PORT, START_US, 40_000, rng)
    handshake = session.connect()
    request = b"GET /payload.bin\r\n"
    body = random.Random(1).randbytes(100_000)
    session.send("client", request)
    transfer = session.send("server", body, think_us=3_000)
    closing = session.close("client")
    path = tmp_path / "download.pcapng"
    capture.finish(path)

    assert_clean(path, CLOSING_NOTES)
    assert follow_tcp(path, 0) == (request, body)
    rows = fields(path, SEGMENT_FIELDS)
    assert [row["tcp.flags.str"][-6:] for row in rows[:3]] == ["····S·", "·A··S·", "·A····"]
    assert int(rows[0]["tcp.seq_raw"]) == handshake.client_isn and handshake.syn.number == 1
    assert int(rows[1]["tcp.seq_raw"]) == handshake.server_isn and handshake.syn_ack.number == 2
    # No timestamps (Windows client): 1460-byte segments; 69 of them, the last one PSH.
    server_data = [row for row in rows if row["ip.src"] == linux_server.ip and int(row["tcp.len"]) > 0]
    assert transfer.segments == len(server_data) == 69
    assert {int(row["tcp.len"]) for row in server_data[:-1]} == {1460}
    assert transfer.first.number == int(server_data[0]["frame.number"])
    assert transfer.last.number == int(server_data[-1]["frame.number"])
    assert "P" in server_data[-1]["tcp.flags.str"] and "P" not in server_data[-2]["tcp.flags.str"]
    assert int(server_data[0]["tcp.seq_raw"]) == (handshake.server_isn + 1 + transfer.offset) % 2**32
    # Slow start: 10 segments in the first round trip, then each round trip carries more.
    flights = _flights(rows, linux_server.ip, 20_000)
    assert flights[0] == 10 and all(later > earlier for earlier, later in itertools.pairwise(flights[:-1]))
    # The response leaves one round trip plus the think time after the request.
    request_row = next(row for row in rows if row["ip.src"] == windows_client.ip and int(row["tcp.len"]) > 0)
    assert _epoch_us(server_data[0]) - _epoch_us(request_row) >= 40_000 + 3_000
    assert closing.number == next(int(r["frame.number"]) for r in rows if r["tcp.flags.str"].endswith("F"))


def test_delayed_acks(tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint) -> None:
    rng = random.Random(7)
    capture = Capture()
    rtt = 30_000
    session = TcpSession(capture, windows_client, linux_server, 51516, PORT, START_US, rtt, rng)
    handshake = session.connect()
    session.send("client", random.Random(2).randbytes(50_000))
    banner = session.send("server", b"220 ready\r\n", think_us=200_000)  # too late to carry the last ACK
    quit_ = session.send("client", b"QUIT\r\n", think_us=5_000)  # soon enough to carry the client's ACK
    path = tmp_path / "delack.pcapng"
    capture.finish(path)
    rows = fields(path, SEGMENT_FIELDS)
    sent_at = {  # end of each client data segment (raw seq) -> capture time
        int(row["tcp.seq_raw"]) + int(row["tcp.len"]): _epoch_us(row)
        for row in rows
        if row["ip.src"] == windows_client.ip and int(row["tcp.len"])
    }
    previous_ack, kinds = handshake.client_isn + 1, []
    for row in rows[3:]:
        if row["ip.src"] == linux_server.ip and row["tcp.len"] == "0":
            ack = int(row["tcp.ack_raw"])
            waited = _epoch_us(row) - sent_at[ack]
            if ack - previous_ack > 1460:  # more than one full segment: acknowledged at once
                assert waited < rtt + 15_000  # (plus queueing at the 50 Mbit/s bottleneck)
                kinds.append("immediate")
            else:  # an odd segment: after the 40 ms timer
                assert waited >= rtt + 40_000
                kinds.append("delayed")
            previous_ack = ack
    assert kinds.count("immediate") >= 15 and kinds[-1] == "delayed" and len(kinds) >= 17
    # The client answers the banner within 40 ms: its ACK rides on the data, no pure ACK in between.
    between = rows[banner.last.number : quit_.first.number - 1]  # type: ignore[operator]
    assert not [row for row in between if row["ip.src"] == windows_client.ip]
    assert int(rows[quit_.first.number - 1]["tcp.ack_raw"]) == handshake.server_isn + 1 + 11  # type: ignore[operator]
    # The ACK still owed for QUIT is rendered when the capture is finished.
    assert (
        rows[-1]["ip.src"] == linux_server.ip
        and int(rows[-1]["tcp.ack_raw"]) == handshake.client_isn + 50_007
    )


def test_timestamps_and_window_scaling(
    tmp_path: Path, linux_client: Endpoint, linux_server: Endpoint
) -> None:
    rng = random.Random(5)
    capture = Capture()
    session = TcpSession(capture, linux_client, linux_server, 40222, PORT, START_US, 15_000, rng)
    session.connect()
    upload = random.Random(3).randbytes(40_000)
    session.send("client", upload)
    session.send("server", b"OK\n", think_us=1_000)
    session.close("server", three_way=True)
    path = tmp_path / "timestamps.pcapng"
    capture.finish(path)
    assert_clean(path, CLOSING_NOTES)
    assert follow_tcp(path, 0) == (upload, b"OK\n")
    rows = fields(
        path,
        [*SEGMENT_FIELDS, "tcp.options"],
    )
    syn_options = fields(path, ["tcp.options"], "tcp.flags.syn == 1")
    assert syn_options[0]["tcp.options"].replace(":", "")[:8] == "020405b4"
    assert syn_options[0]["tcp.options"].replace(":", "")[8:12] == "0402"  # Linux: SACK_PERM then TS
    data = [row for row in rows if int(row["tcp.len"]) > 0 and row["ip.src"] == linux_client.ip]
    assert {int(row["tcp.len"]) for row in data[:-1]} == {1448}  # MSS 1460 minus the 12-byte TS option
    seen: dict[str, set[str]] = {linux_client.ip: {"0"}, linux_server.ip: {"0"}}
    last_tsval: dict[str, int] = {}
    for row in rows:
        sender = row["ip.src"]
        peer = linux_server.ip if sender == linux_client.ip else linux_client.ip
        assert row["tcp.options.timestamp.tsecr"] in seen[sender]  # echoes a TSval it has received
        tsval = int(row["tcp.options.timestamp.tsval"])
        assert tsval >= last_tsval.get(sender, 0)
        last_tsval[sender] = tsval
        seen[peer].add(row["tcp.options.timestamp.tsval"])
        if "S" not in row["tcp.flags.str"]:
            assert int(row["tcp.window_size"]) == int(row["tcp.window_size_value"]) * 128
        assert row["ip.id"] == "0x0000" and row["ip.flags.df"] == "1"  # Linux: ID 0 with DF
    flags = [row["tcp.flags.str"][-6:] for row in rows[-3:]]
    assert flags == ["·A···F", "·A···F", "·A····"]  # three-way close
    times = [_epoch_us(row) for row in rows]
    assert times == sorted(times) and len(set(times)) == len(times)


@pytest.mark.parametrize("sender", ["client", "server"])
def test_lost_segment_is_retransmitted_after_the_rto(
    tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint, sender: str
) -> None:
    rng = random.Random(9)
    capture = Capture()
    session = TcpSession(capture, windows_client, linux_server, 51999, PORT, START_US, 60_000, rng)
    session.connect()
    data = random.Random(4).randbytes(30_000)
    other = "server" if sender == "client" else "client"
    session.send(other, b"go\n")
    transfer = session.send(sender, data, lose_segment=5)  # type: ignore[arg-type]
    session.close("client")
    path = tmp_path / f"loss-{sender}.pcapng"
    capture.finish(path)

    entries = assert_clean(path, CLOSING_NOTES | {"This frame is a (suspected) retransmission"})
    assert [entry.count for entry in entries if "retransmission" in entry.summary] == [1]
    sent = follow_tcp(path, 0)
    assert sent == ((b"go\n", data) if sender == "server" else (data, b"go\n"))
    rows = fields(path, [*SEGMENT_FIELDS, "tcp.payload"])
    flagged = [row for row in rows if row["tcp.analysis.retransmission"]]
    assert len(flagged) == 1 and transfer.retransmissions[0].number == int(flagged[0]["frame.number"])
    original = next(
        row for row in rows if row["tcp.seq_raw"] == flagged[0]["tcp.seq_raw"] and row["tcp.len"] != "0"
    )
    assert original["tcp.payload"] == flagged[0]["tcp.payload"] and original["tcp.len"] == "1460"
    assert _epoch_us(flagged[0]) - _epoch_us(original) >= 200_000
    # Nothing acknowledged the lost bytes before the retransmission arrived.
    lost_seq = int(original["tcp.seq_raw"])
    for row in rows:
        if row["ip.src"] != original["ip.src"] and int(row["frame.number"]) < int(flagged[0]["frame.number"]):
            assert int(row["tcp.ack_raw"] or 0) <= lost_seq


def test_fin_and_rst_closes(tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint) -> None:
    rng = random.Random(12)
    capture = Capture()
    expected = {}
    for port, how, initiator in (
        (52001, "fin", "client"),
        (52002, "fin", "server"),
        (52003, "rst", "client"),
    ):
        session = TcpSession(
            capture, windows_client, linux_server, port, PORT, START_US + port * 1000, 20_000, rng
        )
        session.connect()
        session.send("client", b"ping\n")
        session.send("server", b"pong\n")
        expected[port] = session.close(initiator, how)  # type: ignore[arg-type]
    path = tmp_path / "closes.pcapng"
    capture.finish(path)
    assert_clean(path, CLOSING_NOTES | {"Connection reset (RST)"})
    rows = fields(path, [*SEGMENT_FIELDS, "tcp.srcport", "tcp.dstport"])
    by_port = {
        port: [r for r in rows if str(port) in (r["tcp.srcport"], r["tcp.dstport"])] for port in expected
    }
    tail = {
        port: [(r["tcp.srcport"] == str(port), r["tcp.flags.str"][-6:]) for r in by_port[port][-4:]]
        for port in by_port
    }
    assert tail[52001] == [(True, "·A···F"), (False, "·A····"), (False, "·A···F"), (True, "·A····")]
    assert tail[52002] == [(False, "·A···F"), (True, "·A····"), (True, "·A···F"), (False, "·A····")]
    assert tail[52003][-1] == (True, "·A·R··")
    for port, frame in expected.items():
        closing = next(r for r in by_port[port] if r["tcp.flags.str"][-6:] in ("·A···F", "·A·R··"))
        assert frame.number == int(closing["frame.number"])


def test_refused_half_open_and_unanswered(
    tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint
) -> None:
    rng = random.Random(13)
    capture = Capture()
    refused = TcpSession(capture, windows_client, linux_server, 53001, 23, START_US, 20_000, rng)
    rst = refused.refuse()
    scanned = TcpSession(capture, windows_client, linux_server, 53002, 22, START_US + 100_000, 20_000, rng)
    scan_rst = scanned.half_open()
    filtered = TcpSession(capture, windows_client, linux_server, 53003, 3389, START_US + 200_000, 20_000, rng)
    first_syn = filtered.unanswered(retransmissions=2)
    path = tmp_path / "scan.pcapng"
    capture.finish(path)
    entries = assert_clean(path, {"Connection reset (RST)", "This frame is a (suspected) retransmission"})
    assert sum(entry.count for entry in entries if "retransmission" in entry.summary) == 2
    rows = fields(path, [*SEGMENT_FIELDS, "tcp.dstport"])
    assert rows[rst.number - 1]["tcp.flags.str"][-6:] == "·A·R··"  # type: ignore[operator]
    assert int(rows[rst.number - 1]["tcp.ack_raw"]) == int(rows[refused.syn.number - 1]["tcp.seq_raw"]) + 1  # type: ignore[union-attr,operator]
    assert rows[rst.number - 1]["tcp.window_size_value"] == "0"  # type: ignore[operator]
    assert rows[scan_rst.number - 1]["tcp.flags.str"][-6:] == "···R··"  # type: ignore[operator]
    syns = [row for row in rows if row["tcp.dstport"] == "3389"]
    assert len(syns) == 3 and first_syn.number == int(syns[0]["frame.number"])
    gaps = [_epoch_us(b) - _epoch_us(a) for a, b in itertools.pairwise(syns)]
    assert gaps == [1_000_000, 2_000_000]


def test_ipv6_session(tmp_path: Path) -> None:
    client = Endpoint("lx6", "02:1a:4b:00:06:04", "2001:db8:10::4", timestamps=True, ip_id="zero")  # mss 1460
    server = Endpoint("srv6", "02:1a:4b:00:06:01", "2001:db8:99::80", ttl=57, mss=1440, window_scale=None)
    rng = random.Random(21)
    capture = Capture()
    session = TcpSession(capture, client, server, 44000, PORT, START_US, 25_000, rng)
    session.connect()
    data = random.Random(6).randbytes(70_000)
    session.send("client", b"upload\n")
    session.send("client", data, think_us=10_000)
    session.send("server", b"stored\n")
    session.close()
    path = tmp_path / "v6.pcapng"
    capture.finish(path)
    assert_clean(path, CLOSING_NOTES)
    assert follow_tcp(path, 0) == (b"upload\n" + data, b"stored\n")
    rows = fields(
        path, ["ipv6.hlim", "tcp.len", "tcp.window_size", "tcp.checksum.status", "tcp.options.wscale.shift"]
    )
    assert {row["tcp.checksum.status"] for row in rows} == {"1"}  # 1: good
    assert [
        row["tcp.options.mss_val"] for row in fields(path, ["tcp.options.mss_val"], "tcp.flags.syn == 1")
    ] == [
        "1440",
        "1440",
    ]  # over IPv6 a 1500-byte MTU leaves 1440 bytes
    assert max(int(row["tcp.len"]) for row in rows) == 1440  # no timestamps: the server did not offer them
    assert all(
        int(row["tcp.window_size"]) <= 65535 for row in rows
    )  # no scaling: the server did not offer it


def test_ip_ids_count_up_on_windows(tmp_path: Path, windows_client: Endpoint, linux_server: Endpoint) -> None:
    capture = Capture()
    session = TcpSession(
        capture, windows_client, linux_server, 50505, PORT, START_US, 20_000, random.Random(1)
    )
    session.connect()
    session.send("client", bytes(10_000))
    session.close()
    path = tmp_path / "ids.pcapng"
    capture.finish(path)
    ids = [
        int(row["ip.id"], 16)
        for row in fields(path, ["ip.id", "ip.src"])
        if row["ip.src"] == windows_client.ip
    ]
    assert ids == [(ids[0] + step) % 65536 for step in range(len(ids))]


def test_misuse_is_a_clear_error(windows_client: Endpoint, linux_server: Endpoint) -> None:
    capture = Capture()
    session = TcpSession(capture, windows_client, linux_server, 50000, 80, START_US, 20_000, random.Random(1))
    with pytest.raises(EvidenceError, match="not been opened"):
        session.send("client", b"x")
    session.connect()
    with pytest.raises(EvidenceError, match="lose_segment"):
        session.send("client", b"x" * 3000, lose_segment=4)
    with pytest.raises(EvidenceError, match="keep-alive"):
        session.send("client", b"x" * 1461, lose_segment=2)
    with pytest.raises(EvidenceError, match="client' or 'server"):
        session.send("proxy", b"x")  # type: ignore[arg-type]
    with pytest.raises(EvidenceError, match="same IP family"):
        TcpSession(
            capture,
            windows_client,
            Endpoint("v6", "02:00:00:00:00:09", "2001:db8::9"),
            1,
            2,
            0,
            1,
            random.Random(1),
        )
    session.close()
    with pytest.raises(EvidenceError, match="closed"):
        session.send("server", b"late")
    assert expert  # the shared reader stays importable for the other modules


@pytest.mark.parametrize("seed", [101, 102])
def test_random_conversations_stay_consistent(tmp_path: Path, seed: int) -> None:
    """Stacks, paths, write sizes, pauses, losses and closes drawn at random: tshark still agrees."""
    rng = random.Random(seed)
    capture = Capture(file_format="pcap" if seed % 2 else "pcapng")
    expected = []
    for index in range(3):
        family = ("2001:db8::1", "2001:db8::2") if index == 2 else ("10.0.0.1", "10.0.0.2")
        client = Endpoint(
            "c",
            "02:00:00:00:00:01",
            family[0],
            timestamps=rng.random() < 0.5,
            window_scale=rng.choice([None, 2, 8]),
            sack_permitted=rng.random() < 0.8,
            mss=rng.choice([536, 1400, 1460]),
            window=rng.choice([8192, 65535]),
            ip_id=rng.choice(["counter", "zero", "random"]),
            delayed_ack_us=rng.choice([40_000, 200_000]),
        )
        server = Endpoint(
            "s",
            "02:00:00:00:00:02",
            family[1],
            timestamps=rng.random() < 0.7,
            window_scale=rng.choice([None, 0, 7]),
            mss=rng.choice([1380, 1460]),
            window=rng.choice([5840, 64240]),
        )
        start = START_US + index * 2_000_000
        session = TcpSession(
            capture,
            client,
            server,
            40000 + index,
            PORT,
            start,
            rng.randint(300, 250_000),
            rng,
            bandwidth_bps=rng.choice([2_000_000, 100_000_000, 1_000_000_000]),
        )
        session.connect()
        sent = {"client": b"", "server": b""}
        for _ in range(6):
            sender = rng.choice(["client", "server"])
            data = rng.randbytes(rng.choice([3, 700, 1460, 9000, 120_000]))
            lose = 1 if rng.random() < 0.3 else None
            session.send(sender, data, think_us=rng.choice([0, 2_000, 300_000]), lose_segment=lose)  # type: ignore[arg-type]
            sent[sender] += data
        session.close(
            rng.choice(["client", "server"]), rng.choice(["fin", "rst"]), three_way=rng.random() < 0.5
        )
        expected.append((session, sent))
    path = tmp_path / f"random.{capture.file_format}"
    capture.finish(path)
    assert_clean(
        path, CLOSING_NOTES | {"Connection reset (RST)", "This frame is a (suspected) retransmission"}
    )
    for session, sent in expected:
        assert follow_tcp(path, session.stream.index) == (sent["client"], sent["server"])  # type: ignore[arg-type]

"""UDP flows, pings and ARP read back by tshark (checksums verified) and scapy."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scapy.layers.dns import DNS, DNSQR, DNSRR
from wire_tshark import START_US, assert_clean, fields

from labkit.errors import EvidenceError
from labkit.evidence.network.wire import Capture, Endpoint, UdpFlow, arp_reply, arp_request, ping

RESOLVER = Endpoint("dns", "02:1a:4b:00:00:53", "192.168.10.53", ttl=64, ip_id="zero")


def _dns_pair(txid: int, name: str, address: str) -> tuple[bytes, bytes]:
    """A query and its answer, built by scapy (an independent builder)."""
    query = DNS(id=txid, rd=1, qd=DNSQR(qname=name, qtype="A"))
    answer = DNS(
        id=txid,
        qr=1,
        rd=1,
        ra=1,
        qd=DNSQR(qname=name, qtype="A"),
        an=DNSRR(rrname=name, type="A", ttl=300, rdata=address),
    )
    return bytes(query), bytes(answer)


def test_dns_like_flows(tmp_path: Path, windows_client: Endpoint) -> None:
    capture = Capture()
    names = ["intranet.corp.example", "files.example.net", "update.example.org"]
    flows, refs = [], []
    for index, name in enumerate(names):
        flow = UdpFlow(
            capture, windows_client, RESOLVER, 51000 + index, 53, START_US, rng=random.Random(index)
        )
        query, answer = _dns_pair(0x1000 + index, name, f"203.0.113.{10 + index}")
        at = START_US + index * 250_000
        refs.append((flow.send("client", query, at_us=at), flow.send("server", answer, at_us=at + 12_345)))
        flows.append(flow)
    path = tmp_path / "dns.pcapng"
    capture.finish(path)
    assert_clean(path)
    rows = fields(
        path,
        [
            "frame.number",
            "udp.stream",
            "dns.qry.name",
            "dns.a",
            "dns.response_to",
            "udp.checksum.status",
            "ip.flags.df",
            "ip.id",
            "ip.src",
        ],
    )
    for index, (flow, (query_ref, answer_ref)) in enumerate(zip(flows, refs, strict=True)):
        query_row, answer_row = rows[query_ref.number - 1], rows[answer_ref.number - 1]  # type: ignore[operator]
        assert query_row["dns.qry.name"] == names[index] and answer_row["dns.a"] == f"203.0.113.{10 + index}"
        assert int(query_row["udp.stream"]) == flow.stream.index == index
        assert answer_row["dns.response_to"] == str(query_ref.number)
        assert round(answer_ref.ts_us - query_ref.ts_us) == 12_345
    assert {row["udp.checksum.status"] for row in rows} == {"1"}
    server_rows = [row for row in rows if row["ip.src"] == RESOLVER.ip]
    assert {(row["ip.flags.df"], row["ip.id"]) for row in server_rows} == {("1", "0x0000")}  # Linux habit
    client_ids = [int(row["ip.id"], 16) for row in rows if row["ip.src"] == windows_client.ip]
    assert len(set(client_ids)) == 3


def test_udp_over_ipv6_and_the_mtu(tmp_path: Path) -> None:
    client = Endpoint("c6", "02:00:00:00:06:01", "fd00:10::5")
    server = Endpoint("s6", "02:00:00:00:06:02", "fd00:10::123", ip_id="random")
    capture = Capture()
    flow = UdpFlow(capture, client, server, 123, 123, START_US)
    flow.send("client", bytes(48), at_us=START_US)
    flow.send("server", random.Random(1).randbytes(48), at_us=START_US + 900)
    flow.send("client", bytes(1452), at_us=START_US + 2_000)  # 40 + 8 + 1452 = 1500: fits
    with pytest.raises(EvidenceError, match="MTU"):
        flow.send("client", bytes(1453), at_us=START_US + 3_000)
    path = tmp_path / "ntp6.pcapng"
    capture.finish(path)
    assert_clean(path)
    rows = fields(path, ["udp.checksum.status", "udp.length", "ipv6.plen"])
    assert [row["udp.length"] for row in rows] == ["56", "56", "1460"]
    assert {row["udp.checksum.status"] for row in rows} == {"1"}


@pytest.mark.parametrize("ipv6", [False, True])
def test_ping(tmp_path: Path, ipv6: bool) -> None:
    if ipv6:
        source = Endpoint("pc6", "02:00:00:00:06:11", "2001:db8::11")
        target = Endpoint("gw6", "02:00:00:00:06:01", "2001:db8::1", ttl=64)
    else:
        source = Endpoint("pc", "02:00:00:00:00:11", "192.168.10.11", ttl=128)
        target = Endpoint("gw", "02:00:00:00:00:01", "192.168.10.1", ttl=255, ip_id="zero")
    capture = Capture()
    echoes = ping(
        capture,
        source,
        target,
        start_us=START_US,
        rtt_us=800,
        rng=random.Random(4),
        count=3,
        payload=lambda sequence, ts_us: b"abcdefghijklmnopqrstuvw" * 2 * sequence,
    )
    silent = ping(
        capture,
        source,
        target,
        start_us=START_US + 10_000_000,
        rtt_us=800,
        rng=random.Random(5),
        payload=b"x" * 32,
        count=2,
        answered=False,
    )
    path = tmp_path / "ping.pcapng"
    capture.finish(path)
    assert_clean(path, {"No response seen"})
    prefix = "icmpv6" if ipv6 else "icmp"
    rows = fields(
        path, ["frame.number", f"{prefix}.type", f"{prefix}.resp_to", "data.len", f"{prefix}.checksum.status"]
    )
    for echo in echoes:
        request, reply = rows[echo.request.number - 1], rows[echo.reply.number - 1]  # type: ignore[operator,union-attr]
        assert reply[f"{prefix}.resp_to"] == str(echo.request.number)
        assert request["data.len"] == reply["data.len"] == str(46 * echo.sequence)
    assert [echo.reply for echo in silent] == [None, None]
    assert {row[f"{prefix}.checksum.status"] for row in rows} == {"1"}
    assert [row[f"{prefix}.type"] for row in rows[:2]] == (["128", "129"] if ipv6 else ["8", "0"])


def test_arp(tmp_path: Path) -> None:
    capture = Capture()
    asker, gateway = "02:00:00:00:00:11", "02:00:00:00:00:01"
    capture.add(START_US, arp_request(asker, "192.168.10.11", "192.168.10.1"))
    capture.add(START_US + 150, arp_reply(gateway, "192.168.10.1", asker, "192.168.10.11"))
    path = tmp_path / "arp.pcapng"
    capture.finish(path)
    assert_clean(path)
    rows = fields(
        path,
        ["frame.len", "eth.dst", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4"],
    )
    assert [tuple(row.values()) for row in rows] == [
        ("60", "ff:ff:ff:ff:ff:ff", "1", asker, "192.168.10.11", "192.168.10.1"),
        ("60", asker, "2", gateway, "192.168.10.1", "192.168.10.11"),
    ]

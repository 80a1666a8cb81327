"""The story's network as tshark sees it: who sends which frames, with which MACs, TTLs and timing.

One variant of tests/data/network-actions.yaml (every network action) is generated once; tshark reads
its captures back. What is checked is what an examiner relies on when reading a capture: ARP before
the first packet to the gateway, remote hosts behind the gateway's MAC with a TTL lowered by their hops,
OS-typical TTLs, a DNS cache that spares repeated lookups, background traffic around the story, a SPAN
port that sees only the hosts it mirrors, and FTP's passive data connection opened after the 227 reply.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from labkit.generation import generate
from labkit.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "tests" / "data" / "network-actions.yaml"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("net") / "lab"
    generate(load_scenario(SCENARIO), 1, out, verify=False)
    return out


def fields(capture: Path, display_filter: str, *names: str) -> list[list[str]]:
    command = ["tshark", "-r", str(capture), "-Y", display_filter, "-T", "fields", "-E", "separator=\t"]
    for name in names:
        command += ["-e", name]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def facts(lab: Path) -> dict:
    return json.loads((lab / "facts.json").read_text(encoding="utf-8"))["facts"]


def test_first_frame_of_a_lan_host_to_the_gateway_follows_an_arp_exchange(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    rows = fields(tap, "ip.src == 10.1.2.33 or arp.src.proto_ipv4 == 10.1.2.33", "frame.number", "arp.opcode")
    assert rows[0][1] == "1", "the PC's first frame is an ARP request (who has the gateway?)"
    replies = fields(
        tap, "arp.opcode == 2 and arp.dst.proto_ipv4 == 10.1.2.33", "frame.number", "arp.src.proto_ipv4"
    )
    assert replies and replies[0][1] == "10.1.2.1"
    assert int(replies[0][0]) < int(rows[1][0]), "the gateway answers before the PC sends IP traffic"


def test_remote_hosts_are_behind_the_gateway_mac_with_ttl_lowered_by_their_hops(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    server_ip = facts(lab)["download"]["server_ip"]
    rows = fields(tap, f"ip.src == {server_ip}", "eth.src", "ip.ttl")
    gateway_mac = fields(tap, "arp.opcode == 2 and arp.src.proto_ipv4 == 10.1.2.1", "arp.src.hw_mac")[0][0]
    assert {row[0] for row in rows} == {gateway_mac}
    assert {row[1] for row in rows} == {str(64 - 9)}  # a Linux server 9 hops away


def test_windows_and_linux_hosts_send_their_typical_ttl(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    # (multicast to the local link leaves with TTL 1, as LLMNR and SSDP require)
    assert {r[0] for r in fields(tap, "ip.src == 10.1.2.33 and eth.dst.ig == 0", "ip.ttl")} == {"128"}
    # the Linux box's own stack (its nmap probes, without DF, forge their TTL: see the scan test)
    assert {r[0] for r in fields(tap, "ip.src == 10.1.2.44 and ip.flags.df == 1", "ip.ttl")} == {"64"}


def test_a_cached_name_is_not_looked_up_again(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    recorded = facts(lab)
    download_frame = recorded["download"]["first_frame"]
    queries = fields(
        tap,
        f'dns.flags.response == 0 and dns.qry.type == 1 and dns.qry.name == "files.example.org"'
        f" and frame.number < {download_frame}",
        "frame.number",
    )
    # looked up once by dns.lookup; the download a minute later uses the cached answer (TTL 300 s)
    assert [int(q[0]) for q in queries] == [recorded["lookup_a"]["query_frame"]]
    assert recorded["download"]["dns_query_frame"] is None


def test_background_traffic_surrounds_the_story(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    sni = {r[0] for r in fields(tap, "tls.handshake.type == 1", "tls.handshake.extensions_server_name")}
    assert "www.example.com" in sni and len(sni) >= 3, sni
    ntp = fields(tap, "ntp", "ntp.flags.mode")
    assert {"3", "4"} <= {row[0] for row in ntp}
    first_story_frame = facts(lab)["lookup_a"]["query_frame"]
    before = fields(tap, f"frame.number < {first_story_frame} and dns.flags.response == 0", "dns.qry.name")
    assert before, "the capture starts before the story, in ordinary traffic"
    assert not {"files.example.org", "c2.example.net"} & {row[0] for row in before}


def test_a_span_port_sees_only_the_hosts_it_mirrors(lab: Path) -> None:
    port = lab / "case" / "evidence" / "linux_port.pcap"
    macs = {r[0] for r in fields(port, "ip.src == 10.1.2.44", "eth.src")}
    assert len(macs) == 1
    linux_mac = macs.pop()
    # unicast frames are those of the mirrored host; broadcasts and multicasts reach every port
    for src, dst in fields(port, "eth.dst.ig == 0", "eth.src", "eth.dst"):
        assert linux_mac in (src, dst), (src, dst)
    assert not fields(port, "ip.addr == 10.1.2.33 and eth.dst.ig == 0", "frame.number"), (
        "the PC is not mirrored"
    )
    assert fields(port, "ip.src == 10.1.2.33 and (llmnr or nbns or ssdp)", "frame.number"), (
        "its broadcasts are seen"
    )


def test_ftp_passive_data_connection_opens_after_the_227_reply(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    ftp = facts(lab)["ftp"]
    control = fields(
        tap,
        f"tcp.stream == {ftp['tcp_stream']} and ftp",
        "frame.number",
        "ftp.response.code",
        "ftp.request.command",
        "ftp.passive.port",
    )
    pasv_reply = next(row for row in control if row[1] == "227")
    stor = next(row for row in control if row[2] == "STOR")
    port = pasv_reply[3]
    syn = fields(tap, f"tcp.flags.syn == 1 and tcp.flags.ack == 0 and tcp.dstport == {port}", "frame.number")
    assert int(pasv_reply[0]) < int(syn[0][0]) < int(stor[0])


def test_ssh_brute_force_is_many_short_sessions_from_one_address(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    brute = facts(lab)["brute"]
    streams = {
        r[0]
        for r in fields(
            tap,
            "tcp.dstport == 22 and tcp.flags.syn == 1 and tcp.flags.ack == 0"
            " and tcp.window_size_value != 1024",
            "tcp.stream",
        )
    }
    assert len(streams) == brute["sessions"]
    banners = {r[0] for r in fields(tap, "ssh.protocol", "ssh.protocol")}
    assert {brute["client_banner"], brute["server_banner"]} <= banners


def test_syn_scan_answers_follow_the_open_ports(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    scan = facts(lab)["scan"]
    synacks = fields(
        tap,
        f"ip.src == {scan['target_ip']} and tcp.flags.syn == 1 and tcp.flags.ack == 1"
        " and tcp.srcport < 201 and tcp.dstport > 1024",
        "tcp.srcport",
    )
    assert sorted({int(r[0]) for r in synacks}) == [22, 80, 139]
    probes = fields(
        tap,
        f"ip.src == {scan['scanner_ip']} and tcp.flags == 0x002 and tcp.window_size_value == 1024",
        "tcp.dstport",
    )
    assert len({r[0] for r in probes}) == scan["ports_scanned"]
    # nmap's raw probes: no DF, one forged TTL between 37 and 59 for the run, IP IDs that do not count up
    shape = fields(
        tap,
        f"ip.src == {scan['scanner_ip']} and tcp.flags == 0x002 and tcp.window_size_value == 1024",
        "ip.flags.df",
        "ip.ttl",
        "ip.id",
    )
    assert {row[0] for row in shape} == {"0"}
    ttls = {int(row[1]) for row in shape}
    assert len(ttls) == 1 and 37 <= ttls.pop() <= 59
    ids = [int(row[2], 16) for row in shape]
    assert sum(1 for a, b in itertools.pairwise(ids) if b == a + 1) < len(ids) // 10


def test_http_download_lands_on_the_disk_after_its_last_packet(lab: Path) -> None:
    recorded = facts(lab)["download"]
    file = recorded["file"]
    assert file["sha256"] == recorded["object_sha256"] and file["path"] == "/downloads/tool.zip"
    tap = lab / "case" / "evidence" / "tap.pcapng"
    server_data = (
        f"tcp.stream == {recorded['tcp_stream']} and ip.src == {recorded['server_ip']} and tcp.len > 0"
    )
    last = float(fields(tap, server_data, "frame.time_epoch")[-1][0])
    created = datetime.fromisoformat(file["created"]).timestamp()
    assert 0 < created - last < 5


def test_a_lost_segment_is_retransmitted_and_flagged_by_tshark(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    stream = facts(lab)["over_ipv6"]["tcp_stream"]
    flagged = fields(tap, f"tcp.stream == {stream} and tcp.analysis.retransmission", "tcp.seq", "tcp.len")
    assert len(flagged) == 1
    seq, length = flagged[0]
    originals = fields(
        tap, f"tcp.stream == {stream} and tcp.seq == {seq} and tcp.len == {length}", "frame.number"
    )
    assert len(originals) == 2  # the segment as first sent, and its retransmission


def test_a_dhcp_renewal_ties_host_name_mac_and_address(lab: Path) -> None:
    tap = lab / "case" / "evidence" / "tap.pcapng"
    rows = fields(
        tap,
        "dhcp.option.dhcp == 3",
        "ip.src",
        "dhcp.option.hostname",
        "eth.src",
        "dhcp.option.vendor_class_id",
    )
    by_address = {row[0]: row for row in rows}
    assert "10.1.2.33" in by_address, rows
    _, name, mac, vendor = by_address["10.1.2.33"]
    assert (name, vendor) == ("PC-01", "MSFT 5.0")
    assert mac == facts(lab)["download"]["client_mac"]
    acks = fields(
        tap, "dhcp.option.dhcp == 5 and ip.dst == 10.1.2.33", "dhcp.option.router", "dhcp.option.subnet_mask"
    )
    assert acks == [["10.1.2.1", "255.255.255.0"]]

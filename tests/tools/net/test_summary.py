"""The capture summary: container facts, layer counts and hosts agree with tshark; protocols are named."""

from __future__ import annotations

import hashlib

from lab_capture import CLIENT, GATEWAY, WEB, Lab
from tshark_reference import fields

from labkit.tools.net import list_conversations, summarise_capture


def test_summary_agrees_with_tshark(any_lab: Lab) -> None:
    summary = summarise_capture(any_lab.path)
    rows = fields(
        any_lab.path,
        "frame.number",
        "frame.len",
        "frame.protocols",
        "ip.src",
        "ip.dst",
        "ipv6.src",
        "ipv6.dst",
    )
    assert summary.packets == len(rows) and summary.bytes_on_wire == sum(int(row[1]) for row in rows)
    assert summary.sha256 == hashlib.sha256(any_lab.path.read_bytes()).hexdigest()
    assert (
        summary.file_format == any_lab.path.suffix[1:] and summary.interfaces[0].link_type_name == "ETHERNET"
    )
    layers = {count.protocol: count.packets for count in summary.protocols}
    for ours, theirs in (("ARP", "arp"), ("IPv4", "ip"), ("IPv6", "ipv6"), ("TCP", "tcp"), ("UDP", "udp")):
        assert layers[ours] == sum(theirs in row[2].split(":") for row in rows), ours
    assert layers["ICMP"] == sum("icmp" in row[2].split(":") for row in rows) == 2
    hosts = {host.ip: host for host in summary.hosts}
    for ip in (CLIENT.ip, WEB.ip, GATEWAY.ip):
        assert hosts[ip].packets == sum(ip in row[3:5] for row in rows)
        assert hosts[ip].packets_sent == sum(ip == row[3] for row in rows)
    assert hosts[GATEWAY.ip].macs == (GATEWAY.mac,)  # learnt from ARP and IP alike
    assert hosts[WEB.ip].hostnames == ("files.example.com",)
    conversations = {row.application: row for row in list_conversations(any_lab.path).rows}
    for name in ("TLS", "SSH", "HTTP", "FTP", "SMTP", "POP3", "IMAP", "DNS", "NTP"):
        assert name in layers, name
    assert conversations["tls"].port_b == 8443  # named by its bytes, not its port
    assert layers["SSH"] == conversations["ssh"].frames

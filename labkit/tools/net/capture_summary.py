"""``labkit net summary``: what a capture is and what is in it, in one pass.

The container (format, version, byte order, interfaces and their link types, the
writing application), a SHA-256 of the file for the notes, the time span, frames and
bytes, frames per protocol, and every host seen with its MAC addresses, traffic and
the names DNS answers gave it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from labkit.hashing import hash_file
from labkit.tools.net.capture_pass import PassListener, PassReport, run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.conversation_tracking import Conversation
from labkit.tools.net.decoded_packet import Packet
from labkit.tools.net.dns_messages import parse_dns
from labkit.tools.net.packet_time import PacketTime, packet_time
from labkit.tools.net.protocol_detection import port_protocol, sniff_tcp, sniff_udp

LAYER_ORDER = ("ARP", "IPv4", "IPv6", "IP fragment", "TCP", "UDP", "ICMP", "ICMPv6")


@dataclass(frozen=True)
class InterfaceSummary:
    number: int
    link_type: int
    link_type_name: str
    snaplen: int
    timestamp_digits: int
    name: str
    description: str
    packets: int


@dataclass(frozen=True)
class ProtocolCount:
    """Frames of a layer, or of the conversations identified as an application protocol."""

    protocol: str
    packets: int
    bytes: int


@dataclass(frozen=True)
class HostSummary:
    ip: str
    macs: tuple[str, ...]
    packets: int
    bytes: int
    packets_sent: int
    bytes_sent: int
    hostnames: tuple[str, ...]


@dataclass(frozen=True)
class CaptureSummary:
    path: str
    file_format: str
    version: str
    byte_order: str
    file_size: int
    sha256: str
    application: str
    operating_system: str
    hardware: str
    comment: str
    interfaces: tuple[InterfaceSummary, ...]
    packets: int
    first_time: PacketTime | None
    last_time: PacketTime | None
    duration_ns: int | None
    bytes_on_wire: int
    bytes_captured: int
    frames_cut_by_snaplen: int
    records_not_packets: int  # pcapng custom/systemd/sysdig blocks: Wireshark numbers them as frames
    incomplete_ip_datagrams: int
    tcp_conversations: int
    udp_conversations: int
    protocols: tuple[ProtocolCount, ...]
    hosts: tuple[HostSummary, ...]
    truncation: Truncation | None


class _Host:
    __slots__ = ("bytes_received", "bytes_sent", "macs", "packets_received", "packets_sent")

    def __init__(self) -> None:
        self.macs: set[str] = set()
        self.packets_sent = self.packets_received = self.bytes_sent = self.bytes_received = 0


_PASV_REPLY = re.compile(r"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)")
_EPSV_REPLY = re.compile(r"\(\|\|\|(\d+)\|\)")


class SummaryListener(PassListener):
    """Counts layers, hosts and first payload bytes per conversation (for naming protocols)."""

    def __init__(self) -> None:
        self.layers: Counter[str] = Counter()
        self.layer_bytes: Counter[str] = Counter()
        self.hosts: dict[str, _Host] = {}
        self.hostnames: dict[str, set[str]] = {}
        self.heads: dict[tuple[str, int], dict[tuple[str, int], bytes]] = {}
        self.per_interface: Counter[int] = Counter()
        self.cut = 0
        #: (server address, port) an FTP server announced for a data connection (227/229 replies).
        self.ftp_data_endpoints: set[tuple[str, int]] = set()

    def packet(self, packet: Packet) -> None:
        self.per_interface[packet.interface.number] += 1
        if packet.captured_length < packet.frame_length:
            self.cut += 1
        size = packet.frame_length
        layers = []
        if packet.arp is not None:
            layers.append("ARP")
            if packet.arp[2] != "0.0.0.0":
                self._host(packet.arp[2], packet.arp[1])
        if packet.ip_version:
            layers.append("IPv4" if packet.ip_version == 4 else "IPv6")
            source = self._host(packet.src_ip or "", packet.src_mac)
            source.packets_sent += 1
            source.bytes_sent += size
            target = self._host(packet.dst_ip or "", packet.dst_mac)
            target.packets_received += 1
            target.bytes_received += size
        if packet.fragment:
            layers.append("IP fragment")
        if packet.protocol in ("tcp", "udp", "icmp", "icmpv6"):
            layers.append({"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "icmpv6": "ICMPv6"}[packet.protocol])
        for layer in layers:
            self.layers[layer] += 1
            self.layer_bytes[layer] += size
        if packet.stream is not None and packet.payload:
            heads = self.heads.setdefault((packet.protocol or "", packet.stream), {})
            heads.setdefault((packet.src_ip or "", packet.src_port), packet.payload[:64])
            if packet.protocol == "udp" and 53 in (packet.src_port, packet.dst_port):
                self._learn_names(packet.payload)
            if packet.protocol == "tcp" and packet.payload[:4] in (b"227 ", b"229 "):
                self._learn_data_port(packet.src_ip or "", packet.payload)

    def _host(self, ip: str, mac: str | None) -> _Host:
        host = self.hosts.get(ip)
        if host is None:
            host = self.hosts[ip] = _Host()
        if mac is not None:
            host.macs.add(mac)
        return host

    def _learn_data_port(self, server: str, reply: bytes) -> None:
        """Remember the port of a passive-mode reply, so its data connection is named FTP-DATA."""
        text = reply[:200].decode("latin-1")
        pasv = _PASV_REPLY.search(text)
        if pasv:
            numbers = [int(n) for n in pasv.groups()]
            if all(0 <= n <= 255 for n in numbers):
                address = ".".join(str(n) for n in numbers[:4])
                self.ftp_data_endpoints.add((address, numbers[4] * 256 + numbers[5]))
            return
        epsv = _EPSV_REPLY.search(text)
        if epsv:
            self.ftp_data_endpoints.add((server, int(epsv.group(1))))

    def _learn_names(self, payload: bytes) -> None:
        message = parse_dns(payload)
        if message is None or not message.is_response:
            return
        for record in message.answers:
            if record.type in ("A", "AAAA"):
                self.hostnames.setdefault(record.value, set()).add(record.name)

    def application(self, conversation: Conversation) -> str | None:
        """The protocol a conversation's first bytes (else its ports) show."""
        heads = self.heads.get((conversation.protocol, conversation.index), {})
        client = conversation.initiator or conversation.a
        server = conversation.b if client == conversation.a else conversation.a
        if client is None or server is None:
            return None
        if conversation.protocol == "udp":
            payload = heads.get(client) or heads.get(server) or b""
            return sniff_udp(payload, client[1], server[1])
        if (server[0], server[1]) in self.ftp_data_endpoints:
            return "ftp-data"
        label = sniff_tcp(heads.get(client, b""), heads.get(server, b""))
        return label or port_protocol("tcp", client[1], server[1])


def summarise_capture(path: str | Path) -> CaptureSummary:
    """Read ``path`` once (plus once more for its SHA-256) and describe it."""
    listener = SummaryListener()
    report = run_pass(path, [listener])
    return _build(report, listener, hash_file(Path(path), ("sha256",))["sha256"])


def _build(report: PassReport, listener: SummaryListener, sha256: str) -> CaptureSummary:
    digits = max((interface.timestamp_digits for interface in report.interfaces), default=6)
    applications: Counter[str] = Counter()
    application_bytes: Counter[str] = Counter()
    tracker = report.tracker
    for conversation in tracker.tcp_conversations + tracker.udp_conversations:
        label = listener.application(conversation) if conversation.counted else None
        if label:
            name = label.upper()
            applications[name] += conversation.frames_ab + conversation.frames_ba
            application_bytes[name] += conversation.bytes_ab + conversation.bytes_ba
    protocols = [
        ProtocolCount(layer, listener.layers[layer], listener.layer_bytes[layer])
        for layer in LAYER_ORDER
        if listener.layers[layer]
    ]
    protocols += [
        ProtocolCount(name, count, application_bytes[name])
        for name, count in sorted(applications.items(), key=lambda item: (-item[1], item[0]))
    ]
    hosts = sorted(
        listener.hosts.items(), key=lambda item: (-(item[1].bytes_sent + item[1].bytes_received), item[0])
    )
    return CaptureSummary(
        path=report.path,
        file_format=report.facts.file_format,
        version=report.facts.version,
        byte_order=report.facts.byte_order,
        file_size=report.size,
        sha256=sha256,
        application=report.facts.application,
        operating_system=report.facts.operating_system,
        hardware=report.facts.hardware,
        comment=report.facts.comment,
        interfaces=tuple(
            InterfaceSummary(
                i.number,
                i.link_type,
                i.link_type_name,
                i.snaplen,
                i.timestamp_digits,
                i.name,
                i.description,
                listener.per_interface[i.number],
            )
            for i in report.interfaces
        ),
        packets=report.frames,
        first_time=packet_time(report.first_ns, digits),
        last_time=packet_time(report.last_ns, digits),
        duration_ns=None
        if report.first_ns is None or report.last_ns is None
        else report.last_ns - report.first_ns,
        bytes_on_wire=report.wire_bytes,
        bytes_captured=report.captured_bytes,
        frames_cut_by_snaplen=listener.cut,
        records_not_packets=listener.per_interface[-1],
        incomplete_ip_datagrams=report.fragments_incomplete,
        tcp_conversations=sum(c.counted for c in tracker.tcp_conversations),
        udp_conversations=sum(c.counted for c in tracker.udp_conversations),
        protocols=tuple(protocols),
        hosts=tuple(
            HostSummary(
                ip,
                tuple(sorted(host.macs)),
                host.packets_sent + host.packets_received,
                host.bytes_sent + host.bytes_received,
                host.packets_sent,
                host.bytes_sent,
                tuple(sorted(listener.hostnames.get(ip, ()))),
            )
            for ip, host in hosts
        ),
        truncation=report.truncation,
    )

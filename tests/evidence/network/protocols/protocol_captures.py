"""Minimal, independent packet wrapping for protocol payloads: scapy frames, tshark reads.

The TCP here is deliberately simple (handshake, MSS-sized segments each ACKed,
FIN exchange): the point is to give tshark well-formed streams around the bytes
our builders produce, without using labkit's own wire layer.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw
from scapy.utils import wrpcap

from labkit.evidence.network.protocols.script import DataConnection, Say, Step

CLIENT = ("02:00:00:00:00:01", "192.168.56.10")
SERVER = ("02:00:00:00:00:02", "192.168.56.20")
START = 1_704_700_000.0
MSS = 1460


class _Connection:
    """One TCP connection between CLIENT and SERVER, appending frames with times to a shared list."""

    def __init__(self, frames: list[Packet], clock: list[float], client_port: int, server_port: int) -> None:
        self.frames, self.clock = frames, clock
        self.ports = {"client": (client_port, server_port), "server": (server_port, client_port)}
        self.seq = {"client": 1000, "server": 5000}

    def _emit(self, sender: str, flags: str, payload: bytes = b"", advance: float = 0.0002) -> None:
        self.clock[0] += advance
        receiver = "server" if sender == "client" else "client"
        (src_mac, src_ip), (dst_mac, dst_ip) = (CLIENT, SERVER) if sender == "client" else (SERVER, CLIENT)
        sport, dport = self.ports[sender]
        ack = self.seq[receiver] if "A" in flags else 0
        segment = TCP(sport=sport, dport=dport, seq=self.seq[sender], ack=ack, flags=flags, window=64240)
        packet = Ether(src=src_mac, dst=dst_mac) / IP(src=src_ip, dst=dst_ip, ttl=64) / segment
        if payload:
            packet = packet / Raw(payload)
        packet.time = self.clock[0]
        self.frames.append(packet)
        self.seq[sender] += len(payload) + (1 if ("S" in flags or "F" in flags) else 0)

    def open(self) -> None:
        self._emit("client", "S")
        self._emit("server", "SA")
        self._emit("client", "A")

    def send(self, sender: str, data: bytes, think_us: int = 0) -> None:
        self.clock[0] += think_us / 1e6
        receiver = "server" if sender == "client" else "client"
        for offset in range(0, len(data), MSS):
            self._emit(sender, "PA", data[offset : offset + MSS])
            self._emit(receiver, "A")

    def close(self, initiator: str = "client") -> None:
        other = "server" if initiator == "client" else "client"
        self._emit(initiator, "FA")
        self._emit(other, "FA")
        self._emit(initiator, "A")


def tcp_capture(path: Path, steps: Sequence[Step], *, server_port: int, client_port: int = 49731) -> Path:
    """A pcap of one control connection running ``steps``, with each DataConnection as its own stream."""
    frames: list[Packet] = []
    clock = [START]
    control = _Connection(frames, clock, client_port, server_port)
    control.open()
    data_port = client_port + 1
    for step in steps:
        if isinstance(step, Say):
            control.send(step.sender, step.data, step.think_us)
        elif isinstance(step, DataConnection):
            data = _Connection(frames, clock, data_port, step.server_port)
            data_port += 1
            data.open()
            if step.data:
                data.send(step.sender, step.data)
            data.close(step.sender)
    control.close()
    wrpcap(str(path), frames)
    return path


def udp_capture(
    path: Path, datagrams: Sequence[tuple[str, bytes]], *, server_port: int, client_port: int = 53211
) -> Path:
    """A pcap of UDP datagrams ("client"/"server", payload) between CLIENT and SERVER."""
    frames = []
    for index, (sender, payload) in enumerate(datagrams):
        (src_mac, src_ip), (dst_mac, dst_ip) = (CLIENT, SERVER) if sender == "client" else (SERVER, CLIENT)
        sport, dport = (client_port, server_port) if sender == "client" else (server_port, client_port)
        packet = (
            Ether(src=src_mac, dst=dst_mac)
            / IP(src=src_ip, dst=dst_ip)
            / UDP(sport=sport, dport=dport)
            / Raw(payload)
        )
        packet.time = START + index * 0.01
        frames.append(packet)
    wrpcap(str(path), frames)
    return path


def icmp_capture(path: Path, payload: bytes, *, at: float = START) -> Path:
    """One echo request and its reply carrying ``payload``."""
    request = (
        Ether(src=CLIENT[0], dst=SERVER[0])
        / IP(src=CLIENT[1], dst=SERVER[1])
        / ICMP(id=1, seq=1)
        / Raw(payload)
    )
    reply = (
        Ether(src=SERVER[0], dst=CLIENT[0])
        / IP(src=SERVER[1], dst=CLIENT[1])
        / ICMP(type=0, id=1, seq=1)
        / Raw(payload)
    )
    request.time, reply.time = at, at + 0.0005
    wrpcap(str(path), [request, reply])
    return path


def tshark(path: Path, *arguments: str) -> str:
    command = [
        "tshark",
        "-r",
        str(path),
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
        "-o",
        "ip.check_checksum:TRUE",
        *arguments,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def fields(
    path: Path, *names: str, display_filter: str | None = None, options: Sequence[str] = ()
) -> list[list[str]]:
    """Rows of tshark -T fields values (one per packet matching the filter, empty rows dropped)."""
    arguments = [*options, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for name in names:
        arguments += ["-e", name]
    if display_filter:
        arguments += ["-Y", display_filter]
    rows = [line.split("\t") for line in tshark(path, *arguments).splitlines()]
    return [row for row in rows if any(row)]


def column(path: Path, name: str, **options: object) -> list[str]:
    """All values of one field, flattened across packets and occurrences."""
    values: list[str] = []
    for row in fields(path, name, **options):  # type: ignore[arg-type]
        values += [value for value in row[0].split("|") if value]
    return values


def columns(path: Path, *names: str, display_filter: str | None = None) -> dict[str, list[str]]:
    """Several fields in one tshark run: each field's values flattened across packets and occurrences."""
    result: dict[str, list[str]] = {name: [] for name in names}
    for row in fields(path, *names, display_filter=display_filter):
        for name, cell in zip(names, row, strict=True):
            result[name] += [value for value in cell.split("|") if value]
    return result


def expert_problems(path: Path, *options: str) -> list[str]:
    """Lines of tshark's expert summary at Error or Warning severity, and any malformed packet."""
    text = tshark(path, *options, "-q", "-z", "expert,warn")
    return [
        line
        for line in text.splitlines()
        if "Malformed" in line or line.strip().startswith(("Error", "Warning"))
    ]

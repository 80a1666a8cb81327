"""Build test captures with scapy: TCP sessions with honest seq/ack, UDP datagrams, ICMP.

An independent builder: nothing here comes from labkit. Every packet gets checksums
from scapy and a timestamp that grows by ``step`` seconds, so tshark dissects the
result without complaint and frame numbers follow the order of calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Dot1Q, Ether
from scapy.packet import Packet, Raw
from scapy.utils import PcapNgWriter, wrpcap


@dataclass(frozen=True)
class Host:
    ip: str
    mac: str


@dataclass
class Recorder:
    """Packets in capture order, each stamped ``step`` seconds after the previous one."""

    start: Decimal = Decimal("1700000000.000000")
    step: Decimal = Decimal("0.001000")
    packets: list[Packet] = field(default_factory=list)

    def add(self, packet: Packet, *, gap: Decimal | None = None) -> int:
        """Append ``packet``; returns its 1-based frame number."""
        self.start += self.step if gap is None else gap
        packet.time = self.start
        self.packets.append(packet)
        return len(self.packets)

    def write_pcap(self, path: Path) -> Path:
        wrpcap(str(path), self.packets)
        return path

    def write_pcapng(self, path: Path) -> Path:
        with PcapNgWriter(str(path)) as writer:
            for packet in self.packets:
                writer.write(packet)
        return path


def frame(source: Host, target: Host, vlan: int | None = None) -> Packet:
    """The link and network layers from ``source`` to ``target`` (IPv6 when the address has ':')."""
    link = Ether(src=source.mac, dst=target.mac)
    if vlan is not None:
        link = link / Dot1Q(vlan=vlan)
    if ":" in source.ip:
        return link / IPv6(src=source.ip, dst=target.ip)
    return link / IP(src=source.ip, dst=target.ip)


class TcpSession:
    """One TCP connection; ``send`` splits data into MSS segments, each acknowledged."""

    def __init__(
        self,
        recorder: Recorder,
        client: Host,
        server: Host,
        client_port: int,
        server_port: int,
        *,
        client_isn: int = 1000,
        server_isn: int = 5000,
        mss: int = 1460,
        vlan: int | None = None,
    ) -> None:
        self.recorder = recorder
        self.hosts = {"client": client, "server": server}
        self.ports = {"client": client_port, "server": server_port}
        self.next_seq = {"client": client_isn, "server": server_isn}
        self.mss = mss
        self.vlan = vlan

    def _segment(self, sender: str, flags: str, payload: bytes = b"", *, seq: int | None = None) -> int:
        receiver = "server" if sender == "client" else "client"
        ack = self.next_seq[receiver] if "A" in flags else 0
        packet = frame(self.hosts[sender], self.hosts[receiver], self.vlan) / TCP(
            sport=self.ports[sender],
            dport=self.ports[receiver],
            flags=flags,
            seq=self.next_seq[sender] if seq is None else seq,
            ack=ack,
            window=64240,
        )
        if payload:
            packet = packet / Raw(payload)
        return self.recorder.add(packet)

    def connect(self) -> int:
        """SYN, SYN/ACK, ACK; returns the SYN's frame number."""
        syn = self._segment("client", "S")
        self.next_seq["client"] += 1
        self._segment("server", "SA")
        self.next_seq["server"] += 1
        self._segment("client", "A")
        return syn

    def send(self, sender: str, data: bytes, *, ack_each: bool = True) -> list[int]:
        """``data`` in MSS segments (PSH on the last); returns the frame numbers of the segments."""
        frames = []
        receiver = "server" if sender == "client" else "client"
        for start in range(0, len(data), self.mss):
            chunk = data[start : start + self.mss]
            last = start + self.mss >= len(data)
            frames.append(self._segment(sender, "PA" if last else "A", chunk))
            self.next_seq[sender] += len(chunk)
            if ack_each:
                self._segment(receiver, "A")
        return frames

    def send_raw(self, sender: str, data: bytes, seq_offset: int, *, advance: bool = False) -> int:
        """One segment at ``seq_offset`` from the current next sequence number (for reordering)."""
        frame_number = self._segment(sender, "PA", data, seq=self.next_seq[sender] + seq_offset)
        if advance:
            self.next_seq[sender] += seq_offset + len(data)
        return frame_number

    def advance(self, sender: str, count: int) -> None:
        self.next_seq[sender] += count

    def close(self) -> int:
        """FIN from the client, FIN/ACK from the server, last ACK; returns the first FIN's frame."""
        fin = self._segment("client", "FA")
        self.next_seq["client"] += 1
        self._segment("server", "FA")
        self.next_seq["server"] += 1
        self._segment("client", "A")
        return fin

    def reset(self, sender: str = "client") -> int:
        return self._segment(sender, "RA")


def udp(recorder: Recorder, source: Host, target: Host, sport: int, dport: int, payload: bytes) -> int:
    return recorder.add(frame(source, target) / UDP(sport=sport, dport=dport) / Raw(payload))


def icmp_echo(recorder: Recorder, source: Host, target: Host, reply: bool = False) -> int:
    return recorder.add(frame(source, target) / ICMP(type=0 if reply else 8, id=1, seq=1) / Raw(b"abcdefgh"))

"""The packet level of the benchmark's traffic plan: every header field of every frame, decided once.

:class:`PacketPlanner` turns conversations into packets with a deliberately
simple TCP model (handshake; each write cut into MSS segments, PSH on the last;
the receiver ACKs every second segment and the last; a 3-way FIN close), so
that both builders being compared, labkit's ``Route`` fast path and scapy, get
identical parameters and nothing to decide. Frame bytes then depend only on how
each builder packs headers and computes lengths and checksums.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from .network_plan import DnsLookup, Host, TcpConversation, Write

TCP, UDP = 6, 17
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
_MASK = 0xFFFFFFFF
_MSS = 1460
_LAN_NS_PER_BYTE = 8  # 1 Gbit/s from a workstation to the switch
_WAN_NS_PER_BYTE = 160  # 50 Mbit/s from the internet to the office
_ACK_DELAY_US = 40  # a workstation acknowledges data this soon after it arrives


class Link(NamedTuple):
    """One direction between two hosts: what a labkit ``Route`` is made from."""

    src_mac: str
    dst_mac: str
    src_ip: str
    dst_ip: str
    ttl: int


class SynOptions(NamedTuple):
    """The options of a SYN or SYN/ACK, laid out as ``order``'s stack does (see labkit's tcp_options)."""

    order: Literal["linux", "windows"]
    mss: int
    window_scale: int | None
    sack_permitted: bool
    timestamp: tuple[int, int] | None


class TimestampOptions(NamedTuple):
    """NOP, NOP, TS(tsval, tsecr): the only options after the handshake when both ends use timestamps."""

    tsval: int
    tsecr: int


class PacketParameters(NamedTuple):
    """One frame; its payload is ``payload_length`` bytes of the blob. UDP leaves the TCP fields at 0."""

    ts_us: int
    link: int  # index into TrafficPlan.links
    protocol: int  # TCP or UDP
    src_port: int
    dst_port: int
    payload_offset: int
    payload_length: int
    ip_id: int
    dont_fragment: bool
    seq: int = 0
    ack: int = 0
    flags: int = 0
    window: int = 0
    options: SynOptions | TimestampOptions | None = None


class _Side:
    """One end of a TCP conversation while the planner walks through it."""

    def __init__(self, host_index: int, host: Host, link: int, port: int, rng: Random) -> None:
        self.host_index = host_index
        self.host = host
        self.link = link
        self.port = port
        self.next_seq = rng.getrandbits(32)
        self.ts_base = rng.getrandbits(32)
        self.window_scale = 7 if host.system == "linux" else 8
        self.window = 502 if host.system == "linux" else 1026  # scaled: 64,256 and 262,656 bytes
        self.syn_window = 65160 if host.system == "linux" else 64240


class PacketPlanner:
    """Collects the packets of conversations added in any order; ``in_capture_order`` sorts them by time."""

    def __init__(self, hosts: list[Host], rng: Random) -> None:
        self.hosts = hosts
        self.rng = rng
        self.links: list[Link] = []
        self.packets: list[PacketParameters] = []
        self._link_numbers: dict[tuple[int, int], int] = {}
        self._ip_ids = {index: rng.getrandbits(16) for index in range(len(hosts))}

    def in_capture_order(self) -> list[PacketParameters]:
        """The packets sorted by time; ties keep the order they were planned in."""
        return sorted(self.packets, key=lambda packet: packet.ts_us)

    def _link(self, src: int, dst: int) -> int:
        number = self._link_numbers.get((src, dst))
        if number is None:
            a, b = self.hosts[src], self.hosts[dst]
            # Frames to or from a remote server go through the gateway, whose MAC the server's Host carries.
            number = self._link_numbers[src, dst] = len(self.links)
            self.links.append(Link(a.mac, b.mac, a.ip, b.ip, a.ttl))
        return number

    def ip_identification(self, host_index: int) -> tuple[int, bool]:
        """(Identification, DF): Linux sends 0 with DF; Windows counts per host and sets DF too (TCP)."""
        if self.hosts[host_index].system == "linux":
            return 0, True
        value = self._ip_ids[host_index]
        self._ip_ids[host_index] = (value + 1) & 0xFFFF
        return value, True

    def add_dns_lookup(self, lookup: DnsLookup) -> None:
        """The query from the workstation and the resolver's answer, each one UDP datagram."""
        for src, dst, at_us, (offset, length), ports in (
            (lookup.client, lookup.resolver, lookup.query_us, lookup.query, (lookup.client_port, 53)),
            (lookup.resolver, lookup.client, lookup.answer_us, lookup.answer, (53, lookup.client_port)),
        ):
            ip_id, dont_fragment = self.ip_identification(src)
            if self.hosts[src].system == "windows":
                dont_fragment = False  # Windows leaves DF clear on UDP
            link = self._link(src, dst)
            self.packets.append(
                PacketParameters(at_us, link, UDP, *ports, offset, length, ip_id, dont_fragment)
            )

    def add_tcp_conversation(self, conversation: TcpConversation) -> None:
        """Handshake, every write with its ACKs, and a FIN/ACK, FIN/ACK, ACK close by the client."""
        client_host, server_host = self.hosts[conversation.client], self.hosts[conversation.server]
        client = _Side(
            conversation.client,
            client_host,
            self._link(conversation.client, conversation.server),
            conversation.client_port,
            self.rng,
        )
        server = _Side(
            conversation.server,
            server_host,
            self._link(conversation.server, conversation.client),
            conversation.server_port,
            self.rng,
        )
        walk = _ConversationWalk(self, conversation, client, server)
        walk.handshake()
        for write in conversation.writes:
            walk.write(write)
        walk.close()


class _ConversationWalk:
    """Emits one conversation's packets; ``clock`` is the capture time of the latest packet so far."""

    def __init__(
        self, planner: PacketPlanner, conversation: TcpConversation, client: _Side, server: _Side
    ) -> None:
        self.planner = planner
        self.start = conversation.start_us
        self.rtt = conversation.rtt_us
        self.client, self.server = client, server
        self.timestamps = client.host.timestamps and server.host.timestamps
        self.mss = _MSS - (12 if self.timestamps else 0)
        self.clock = self.start

    def tsval(self, side: _Side, at_us: int) -> int:
        return (side.ts_base + max(0, at_us - self.start) // 1000) & _MASK

    def emit(
        self,
        side: _Side,
        at_us: int,
        flags: int,
        seq: int,
        ack: int,
        offset: int = 0,
        length: int = 0,
        syn_options: SynOptions | None = None,
    ) -> None:
        """One segment; after the handshake, with timestamps when both ends agreed on them."""
        peer = self.server if side is self.client else self.client
        options: SynOptions | TimestampOptions | None = syn_options
        if syn_options is None and self.timestamps:
            options = TimestampOptions(self.tsval(side, at_us), self.tsval(peer, at_us - self.rtt))
        window = side.syn_window if flags & SYN else side.window
        ip_id, dont_fragment = self.planner.ip_identification(side.host_index)
        self.planner.packets.append(
            PacketParameters(
                at_us, side.link, TCP, side.port, peer.port, offset, length, ip_id, dont_fragment,
                seq & _MASK, ack & _MASK, flags, window, options,
            )
        )  # fmt: skip
        self.clock = max(self.clock, at_us)

    def handshake(self) -> None:
        """SYN with the client's options, SYN/ACK with the server's answer to them, ACK."""
        client, server = self.client, self.server
        at = self.start
        syn_ts = (self.tsval(client, at), 0) if client.host.timestamps else None
        offer = SynOptions(_order(client), _MSS, client.window_scale, True, syn_ts)
        self.emit(client, at, SYN, client.next_seq, 0, syn_options=offer)
        client.next_seq += 1
        at += self.rtt
        reply_ts = (self.tsval(server, at), syn_ts[0]) if self.timestamps and syn_ts else None
        answer = SynOptions(_order(server), _MSS, server.window_scale, True, reply_ts)
        self.emit(server, at, SYN | ACK, server.next_seq, client.next_seq, syn_options=answer)
        server.next_seq += 1
        self.emit(client, at + _ACK_DELAY_US, ACK, client.next_seq, server.next_seq)

    def write(self, write: Write) -> None:
        """The write's segments back to back at the sender's link speed, then the receiver's ACKs."""
        sender = self.client if write.sender == "client" else self.server
        receiver = self.server if sender is self.client else self.client
        ns_per_byte, ack_delay = (
            (_LAN_NS_PER_BYTE, self.rtt) if sender is self.client else (_WAN_NS_PER_BYTE, _ACK_DELAY_US)
        )
        at = self.clock + write.think_us
        arrivals = []
        done = 0
        while done < write.length:
            length = min(self.mss, write.length - done)
            last = done + length == write.length
            self.emit(
                sender,
                at,
                ACK | (PSH if last else 0),
                sender.next_seq,
                receiver.next_seq,
                write.offset + done,
                length,
            )
            sender.next_seq += length
            done += length
            arrivals.append((at, sender.next_seq))
            at += max(1, (length + 54) * ns_per_byte // 1000)
        for number, (sent, acknowledged) in enumerate(arrivals, start=1):
            if number % 2 == 0 or number == len(arrivals):
                self.emit(receiver, sent + ack_delay, ACK, receiver.next_seq, acknowledged)

    def close(self) -> None:
        client, server = self.client, self.server
        at = self.clock + 200
        self.emit(client, at, FIN | ACK, client.next_seq, server.next_seq)
        client.next_seq += 1
        self.emit(server, at + self.rtt, FIN | ACK, server.next_seq, client.next_seq)
        server.next_seq += 1
        self.emit(client, at + self.rtt + _ACK_DELAY_US, ACK, client.next_seq, server.next_seq)


def _order(side: _Side) -> Literal["linux", "windows"]:
    return "linux" if side.host.system == "linux" else "windows"

"""One frame decoded down to its transport layer: the shape every analysis reads."""

from __future__ import annotations

from labkit.tools.net.capture_records import RawPacket

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10

#: ICMP types whose body quotes the packet that caused them (and Wireshark dissects it).
ICMP_ERRORS = frozenset({3, 4, 5, 11, 12})
ICMPV6_ERRORS = frozenset({1, 2, 3, 4})


class QuotedTransport:
    """The TCP or UDP header an ICMP error quotes: Wireshark looks its conversation up, or opens one."""

    __slots__ = ("dst_ip", "dst_port", "protocol", "src_ip", "src_port", "tcp_flags", "tcp_seq")

    def __init__(
        self,
        protocol: str,
        src_ip: str,
        dst_ip: str,
        src_port: int,
        dst_port: int,
        seq: int = 0,
        flags: int = 0,
    ) -> None:
        self.protocol = protocol
        self.src_ip = src_ip
        self.dst_ip = dst_ip
        self.src_port = src_port
        self.dst_port = dst_port
        self.tcp_seq = seq
        self.tcp_flags = flags


class Packet:
    """A frame with its link, network and transport fields (None where a layer is absent).

    ``payload`` is the transport payload as captured; ``payload_length`` is the length the
    IP header declares for it, larger when the capture kept only a snapshot of the frame.
    ``stream`` is the tcp.stream / udp.stream index, set by the conversation tracker.
    """

    __slots__ = (
        "arp",
        "captured_length",
        "dst_ip",
        "dst_mac",
        "dst_port",
        "fragment",
        "frame_length",
        "icmp_code",
        "icmp_type",
        "interface",
        "ip_version",
        "number",
        "payload",
        "payload_length",
        "problem",
        "protocol",
        "quoted",
        "src_ip",
        "src_mac",
        "src_port",
        "stream",
        "tcp_ack",
        "tcp_flags",
        "tcp_seq",
        "time_ns",
        "vlans",
    )

    def __init__(self, raw: RawPacket) -> None:
        self.number = raw.number
        self.time_ns = raw.time_ns
        self.frame_length = raw.original_length
        self.captured_length = raw.captured_length
        self.interface = raw.interface
        self.src_mac: str | None = None
        self.dst_mac: str | None = None
        self.vlans: tuple[int, ...] = ()
        self.arp: tuple[int, str, str, str, str] | None = None  # opcode, sender MAC/IP, target MAC/IP
        self.ip_version = 0
        self.src_ip: str | None = None
        self.dst_ip: str | None = None
        self.fragment = ""  # "", "fragment" (datagram not complete yet) or "reassembled"
        self.protocol: str | None = None  # "tcp", "udp", "icmp", "icmpv6", "ip-proto-N"
        self.src_port = 0
        self.dst_port = 0
        self.tcp_seq = 0
        self.tcp_ack = 0
        self.tcp_flags = 0
        self.icmp_type: int | None = None
        self.icmp_code: int | None = None
        self.quoted: QuotedTransport | None = None
        self.payload = b""
        self.payload_length = 0
        self.stream: int | None = None
        self.problem: str | None = None

    @property
    def syn(self) -> bool:
        return bool(self.tcp_flags & TCP_SYN)

    def endpoints(self) -> tuple[tuple[str, int], tuple[str, int]]:
        return (self.src_ip or "", self.src_port), (self.dst_ip or "", self.dst_port)

"""TCP and UDP conversations numbered exactly as Wireshark numbers tcp.stream and udp.stream.

Wireshark (4.0) gives a conversation its index when it first sees its address/port
pair, in frame order, in either direction. For TCP, a SYN (without ACK) whose
sequence number differs from the base sequence number already recorded for that
direction opens a NEW conversation on the same ports ("TCP Port numbers reused");
the base is the SYN's sequence number, or one less than the first segment's when
the connection was already open at the start of the capture. A SYN with the base
sequence number is a retransmission. A SYN/ACK never splits a conversation.

The header an ICMP error quotes is looked up too (and opens a conversation when it
is unknown), but it does not set a base sequence number and is not counted in the
conversation's frames and bytes: Wireshark's conversation table leaves it out.
"""

from __future__ import annotations

from labkit.tools.net.decoded_packet import TCP_ACK, TCP_SYN, Packet, QuotedTransport

Endpoint = tuple[str, int]
_MASK = 0xFFFFFFFF


class Conversation:
    """One tcp.stream or udp.stream: its endpoints as A/B (A sent its first counted frame) and totals."""

    __slots__ = (
        "a",
        "b",
        "base_high",
        "base_low",
        "bytes_ab",
        "bytes_ba",
        "first_frame",
        "first_ns",
        "frames_ab",
        "frames_ba",
        "index",
        "initiator",
        "last_frame",
        "last_ns",
        "protocol",
        "reassembled",
    )

    def __init__(self, protocol: str, index: int) -> None:
        self.protocol = protocol
        self.index = index
        self.a: Endpoint | None = None
        self.b: Endpoint | None = None
        self.initiator: Endpoint | None = None  # sender of the SYN, when the capture has it
        self.base_low: int | None = None  # base sequence number sent by the lower endpoint of the key
        self.base_high: int | None = None
        self.frames_ab = self.frames_ba = self.bytes_ab = self.bytes_ba = 0
        self.first_frame = self.last_frame = 0
        self.first_ns: int | None = None
        self.last_ns: int | None = None
        self.reassembled = False  # set by a pass once the connection's data has been delivered

    @property
    def counted(self) -> bool:
        """False for a conversation only an ICMP error quoted: Wireshark lists it nowhere."""
        return self.a is not None

    def count(self, packet: Packet, source: Endpoint, target: Endpoint) -> None:
        if self.a is None:
            self.a, self.b = source, target
            self.first_frame = packet.number
        if source == self.a:
            self.frames_ab += 1
            self.bytes_ab += packet.frame_length
        else:
            self.frames_ba += 1
            self.bytes_ba += packet.frame_length
        self.last_frame = packet.number
        time_ns = packet.time_ns
        if time_ns is not None:
            if self.first_ns is None or time_ns < self.first_ns:
                self.first_ns = time_ns
            if self.last_ns is None or time_ns > self.last_ns:
                self.last_ns = time_ns


class ConversationTracker:
    """Looks every TCP/UDP packet up in the conversation table; sets ``packet.stream``."""

    def __init__(self) -> None:
        self._tcp: dict[tuple[Endpoint, Endpoint], Conversation] = {}
        self._udp: dict[tuple[Endpoint, Endpoint], Conversation] = {}
        self.tcp_conversations: list[Conversation] = []
        self.udp_conversations: list[Conversation] = []

    def track(self, packet: Packet) -> tuple[Conversation | None, Conversation | None]:
        """(conversation of the packet, conversation it replaced by port reuse, if any)."""
        protocol = packet.protocol
        if protocol == "tcp":
            source, target = (packet.src_ip or "", packet.src_port), (packet.dst_ip or "", packet.dst_port)
            conversation, replaced = self._tcp_lookup(source, target, packet.tcp_seq, packet.tcp_flags, True)
        elif protocol == "udp":
            source, target = (packet.src_ip or "", packet.src_port), (packet.dst_ip or "", packet.dst_port)
            conversation, replaced = self._udp_lookup(source, target), None
        else:
            if packet.quoted is not None:
                self._track_quoted(packet.quoted)
            return None, None
        packet.stream = conversation.index
        conversation.count(packet, source, target)
        return conversation, replaced

    def _track_quoted(self, quoted: QuotedTransport) -> None:
        source, target = (quoted.src_ip, quoted.src_port), (quoted.dst_ip, quoted.dst_port)
        if quoted.protocol == "tcp":
            self._tcp_lookup(source, target, quoted.tcp_seq, quoted.tcp_flags, False)
        else:
            self._udp_lookup(source, target)

    def _tcp_lookup(
        self, source: Endpoint, target: Endpoint, seq: int, flags: int, sets_base: bool
    ) -> tuple[Conversation, Conversation | None]:
        key = (source, target) if source <= target else (target, source)
        conversation = self._tcp.get(key)
        replaced = None
        if conversation is None:
            conversation = self._new(self._tcp, self.tcp_conversations, "tcp", key)
        elif flags & (TCP_SYN | TCP_ACK) == TCP_SYN:
            base = conversation.base_low if source == key[0] else conversation.base_high
            if base is not None and base != seq:
                replaced = conversation
                conversation = self._new(self._tcp, self.tcp_conversations, "tcp", key)
        if sets_base:
            base = seq if flags & TCP_SYN else (seq - 1) & _MASK
            if source == key[0]:
                if conversation.base_low is None:
                    conversation.base_low = base
            elif conversation.base_high is None:
                conversation.base_high = base
            if flags & (TCP_SYN | TCP_ACK) == TCP_SYN and conversation.initiator is None:
                conversation.initiator = source
        return conversation, replaced

    def _udp_lookup(self, source: Endpoint, target: Endpoint) -> Conversation:
        key = (source, target) if source <= target else (target, source)
        conversation = self._udp.get(key)
        if conversation is None:
            conversation = self._new(self._udp, self.udp_conversations, "udp", key)
        return conversation

    @staticmethod
    def _new(
        table: dict[tuple[Endpoint, Endpoint], Conversation],
        ordered: list[Conversation],
        protocol: str,
        key: tuple[Endpoint, Endpoint],
    ) -> Conversation:
        conversation = Conversation(protocol, len(ordered))
        table[key] = conversation
        ordered.append(conversation)
        return conversation

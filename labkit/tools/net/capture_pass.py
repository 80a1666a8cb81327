"""One streaming pass over a capture: decode, number conversations, reassemble TCP, tell listeners.

Every analysis (summary, DNS, HTTP, extraction, credentials, search) is a set of
:class:`PassListener` objects over this single loop. Packets are read one at a time;
TCP data reaches listeners in sequence order, direction by direction, as pieces; a
connection ends (and its state is dropped) at its RST, when both FINs have been
reached, when a new SYN reuses its ports, or at the end of the capture, in that order
of events, so results are the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from labkit.tools.net.capture_file import open_capture
from labkit.tools.net.capture_records import FileFacts, Interface, Truncation
from labkit.tools.net.conversation_tracking import Conversation, ConversationTracker, Endpoint
from labkit.tools.net.decoded_packet import TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, Packet
from labkit.tools.net.ip_fragments import FragmentReassembler
from labkit.tools.net.packet_decoding import decode
from labkit.tools.net.tcp_reassembly import DirectionReassembler, Piece


class TcpStream:
    """A TCP connection being reassembled: ``client`` sent the SYN (or the first frame seen)."""

    __slots__ = (
        "client",
        "conversation",
        "digits",
        "directions",
        "ended",
        "first_frame",
        "first_ns",
        "index",
        "server",
    )

    def __init__(self, conversation: Conversation, packet: Packet) -> None:
        source, target = packet.endpoints()
        flags = packet.tcp_flags
        from_server = flags & (TCP_SYN | TCP_ACK) == TCP_SYN | TCP_ACK
        self.conversation = conversation
        self.index = conversation.index
        self.client: Endpoint = target if from_server else source
        self.server: Endpoint = source if from_server else target
        self.directions = (DirectionReassembler(), DirectionReassembler())  # client->server, server->client
        self.first_frame = packet.number
        self.first_ns = packet.time_ns
        self.digits = packet.interface.timestamp_digits  # time precision of the capturing interface
        self.ended = False


class PassListener:
    """Hooks one pass calls, in frame order; override those you need."""

    #: Set to True to receive reassembled TCP data (costs the reassembly work).
    wants_tcp_data = False

    def packet(self, packet: Packet) -> None:
        """Every frame, decoded, with ``packet.stream`` set for TCP and UDP."""

    def tcp_piece(self, stream: TcpStream, from_client: bool, piece: Piece) -> None:
        """The next in-order bytes (or gap) of one direction of ``stream``."""

    def tcp_end(self, stream: TcpStream) -> None:
        """``stream`` is over: no more pieces will come for it."""

    def finish(self) -> None:
        """The capture has been read to its end."""


@dataclass(frozen=True)
class PassReport:
    """What the pass saw of the file itself."""

    path: str
    size: int
    facts: FileFacts
    interfaces: tuple[Interface, ...]
    frames: int
    first_ns: int | None
    last_ns: int | None
    wire_bytes: int
    captured_bytes: int
    truncation: Truncation | None
    fragments_incomplete: int
    tracker: ConversationTracker


def run_pass(path: str | Path, listeners: Sequence[PassListener]) -> PassReport:
    """Read ``path`` once, feeding ``listeners``; see :class:`PassListener` for the order of calls."""
    tracker = ConversationTracker()
    fragments = FragmentReassembler()
    reassemble = any(listener.wants_tcp_data for listener in listeners)
    data_listeners = [listener for listener in listeners if listener.wants_tcp_data]
    streams: dict[int, TcpStream] = {}
    frames = wire_bytes = captured_bytes = 0
    first_ns = last_ns = None
    with open_capture(path) as capture:
        for raw in capture.packets():
            packet = decode(raw, fragments)
            frames += 1
            wire_bytes += raw.original_length
            captured_bytes += raw.captured_length
            if raw.time_ns is not None:
                first_ns = raw.time_ns if first_ns is None else min(first_ns, raw.time_ns)
                last_ns = raw.time_ns if last_ns is None else max(last_ns, raw.time_ns)
            conversation, replaced = tracker.track(packet)
            for listener in listeners:
                listener.packet(packet)
            if reassemble and packet.protocol == "tcp" and conversation is not None:
                if replaced is not None and replaced.index in streams:
                    _end(streams.pop(replaced.index), data_listeners)
                _reassemble(packet, conversation, streams, data_listeners)
        for index in sorted(streams):
            _end(streams[index], data_listeners)
        for listener in listeners:
            listener.finish()
        return PassReport(
            capture.path,
            capture.size,
            capture.facts,
            tuple(capture.interfaces),
            frames,
            first_ns,
            last_ns,
            wire_bytes,
            captured_bytes,
            capture.truncation,
            fragments.incomplete,
            tracker,
        )


def _reassemble(
    packet: Packet, conversation: Conversation, streams: dict[int, TcpStream], listeners: list[PassListener]
) -> None:
    stream = streams.get(conversation.index)
    if stream is None:
        if conversation.reassembled:
            return  # a late frame of a connection already closed
        stream = streams[conversation.index] = TcpStream(conversation, packet)
    from_client = (packet.src_ip, packet.src_port) == stream.client
    direction = stream.directions[0 if from_client else 1]
    flags = packet.tcp_flags
    if flags & TCP_SYN:
        direction.syn(packet.tcp_seq)
    if packet.payload_length or flags & TCP_FIN:
        for piece in direction.segment(
            packet.tcp_seq,
            packet.payload,
            packet.payload_length,
            bool(flags & TCP_FIN),
            packet.number,
            packet.time_ns,
        ):
            for listener in listeners:
                listener.tcp_piece(stream, from_client, piece)
    if flags & TCP_RST or (stream.directions[0].finished and stream.directions[1].finished):
        _end(streams.pop(stream.index), listeners)


def _end(stream: TcpStream, listeners: list[PassListener]) -> None:
    for from_client, direction in ((True, stream.directions[0]), (False, stream.directions[1])):
        for piece in direction.flush():
            for listener in listeners:
                listener.tcp_piece(stream, from_client, piece)
    stream.ended = True
    stream.conversation.reassembled = True
    for listener in listeners:
        listener.tcp_end(stream)

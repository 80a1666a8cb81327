"""One TCP connection rendered into a capture: handshake, writes, loss, close.

A :class:`TcpSession` is driven like a socket pair: ``connect()``, then
``send()`` per application write (in the order the story has them), then
``close()``. The state machine keeps sequence and acknowledgement numbers,
windows, timestamps and IP IDs honest; the event loop in :mod:`.tcp_engine`
decides when each frame is seen at the capture point (on the client's LAN).
ACKs still owed when the caller stops (a delayed ACK of the last write) are
rendered when the capture is finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Literal

from labkit.errors import EvidenceError

from .capture import Capture, FrameRef, StreamRef
from .endpoints import Endpoint, IpIdentification, same_family
from .frames import ACK, RST, SYN
from .routes import Route
from .tcp_engine import Segment, TcpEngine
from .tcp_options import syn_options
from .tcp_path import PathModel
from .tcp_side import LINUX_RECEIVE_BUFFER_MAX, PendingWrite, Role, TcpSide

_SYN_RETRY_US = 1_000_000  # first SYN retransmission after 1 s, then doubling (RFC 6298 5.7)


@dataclass(frozen=True)
class Handshake:
    """The three frames of an accepted connection and the initial sequence numbers."""

    syn: FrameRef
    syn_ack: FrameRef
    ack: FrameRef
    client_isn: int
    server_isn: int


@dataclass(frozen=True)
class Transfer:
    """One application write as it went over the wire.

    ``first``/``last`` are the data frames with the earliest and latest capture
    time (``last`` is a retransmission when the final segment was lost);
    ``offset`` is where the write starts in the sender's byte stream (Wireshark's
    relative sequence number is ``offset + 1``).
    """

    sender: Role
    first: FrameRef
    last: FrameRef
    start_us: int
    end_us: int
    segments: int
    retransmissions: tuple[FrameRef, ...]
    offset: int
    length: int
    #: The last segment as first sent: where Wireshark completes the reassembly and shows the message.
    last_original: FrameRef | None = None


class TcpSession:
    """One TCP connection, rendered incrementally; the state machine keeps seq/ack/window honest."""

    def __init__(
        self,
        capture: Capture,
        client: Endpoint,
        server: Endpoint,
        client_port: int,
        server_port: int,
        start_us: int,
        rtt_us: int,
        rng: Random,
        bandwidth_bps: int = 50_000_000,
        *,
        lan_bps: int = 1_000_000_000,
    ) -> None:
        same_family(client, server)
        for name, port in (("client_port", client_port), ("server_port", server_port)):
            if not 1 <= port <= 65535:
                raise EvidenceError(f"{name} must be 1..65535, got {port}")
        if rtt_us <= 0 or bandwidth_bps <= 0 or lan_bps <= 0 or start_us < 0:
            raise EvidenceError("a TCP session needs start_us >= 0 and a positive rtt_us and bandwidth")
        self.stream: StreamRef = capture.new_stream("tcp", (client.ip, client_port, server.ip, server_port))
        self.start_us = start_us
        self.syn: FrameRef | None = None
        self.syn_ack: FrameRef | None = None
        self._rng = rng
        self._state: Literal["new", "open", "closed"] = "new"
        key = f"{client.ip}:{client_port}-{server.ip}:{server_port}"
        sides = []
        for role, me, other, port in (
            ("client", client, server, client_port),
            ("server", server, client, server_port),
        ):
            sides.append(
                TcpSide(
                    role=role,
                    endpoint=me,
                    port=port,
                    route=Route(me.mac, other.mac, me.ip, other.ip, me.ttl),
                    ip_ids=IpIdentification(me.ip_id, rng, key),
                    isn=rng.getrandbits(32),
                    ts_base=rng.getrandbits(32),
                )
            )
        path = PathModel(rtt_us, bandwidth_bps, lan_bps, rng)
        self._engine = TcpEngine(capture, self.stream, sides[0], sides[1], path)
        capture.before_finish(self._engine.run)

    @property
    def now_us(self) -> int:
        """Capture time of the last frame rendered so far."""
        return self._engine.path.last_capture_us or self.start_us

    # -- opening ----------------------------------------------------------------------------------

    def connect(self) -> Handshake:
        """SYN, SYN/ACK, ACK: negotiate MSS, window scaling, SACK and timestamps like real stacks do."""
        self._expect("new", "connect")
        engine, client, server = self._engine, self._engine.client, self._engine.server
        syn_ack, segment, arrival = self._answer_syn(*self._send_syn())
        server.snd_una, server.snd_nxt = server.isn, server.isn + 1
        client.rcv_nxt = server.isn + 1
        client.snd_una = client.isn + 1
        client.send_limit = client.snd_una + segment.window
        client.ts_recent = segment.tsval if engine.timestamps else 0
        at = arrival + engine.path.reaction_us("client")
        ack, segment, arrival = engine.emit(client, at, ACK, client.snd_nxt)
        server.snd_una = server.isn + 1
        server.send_limit = server.snd_una + (segment.window << client.rcv_shift)
        server.ts_recent = segment.tsval if engine.timestamps else 0
        server.last_arrival_us = arrival  # accept() returns: a server-first protocol may talk now
        client.last_write_us = at
        engine.clock = max(engine.clock, arrival)
        self.syn_ack = syn_ack
        self._state = "open"
        return Handshake(self.syn, syn_ack, ack, client.isn, server.isn)  # type: ignore[arg-type]

    def refuse(self) -> FrameRef:
        """A SYN to a closed port, answered by RST/ACK; the session is done. Returns the RST."""
        self._expect("new", "refuse")
        engine, client, server = self._engine, self._engine.client, self._engine.server
        arrival, _ = self._send_syn()
        at = arrival + engine.path.reaction_us("server")
        rst, _, _ = engine.emit(server, at, RST | ACK, 0, options=b"", window=0, ack=client.isn + 1)
        self._state = "closed"
        return rst

    def half_open(self) -> FrameRef:
        """SYN, SYN/ACK, then a bare RST from the client (a SYN scan finds an open port). Returns the RST."""
        self._expect("new", "half_open")
        engine, client = self._engine, self._engine.client
        self.syn_ack, _, arrival = self._answer_syn(*self._send_syn())
        at = arrival + engine.path.reaction_us("client")
        rst, _, _ = engine.emit(client, at, RST, client.isn + 1, options=b"", window=0, ack=0)
        self._state = "closed"
        return rst

    def unanswered(self, retransmissions: int = 0) -> FrameRef:
        """A SYN nobody answers (a filtered port), resent ``retransmissions`` times. Returns the first SYN."""
        self._expect("new", "unanswered")
        self._send_syn()
        delay = _SYN_RETRY_US
        for _ in range(retransmissions):
            self._send_syn(self.now_us + delay)
            delay *= 2
        self._state = "closed"
        return self.syn  # type: ignore[return-value]

    def _answer_syn(self, syn_arrival: int, syn_tsval: int) -> tuple[FrameRef, Segment, int]:
        """Negotiate what both ends offered (RFC 7323, RFC 2018) and send the SYN/ACK."""
        engine, client, server = self._engine, self._engine.client, self._engine.server
        offered, accepting = client.endpoint, server.endpoint
        both_scale = offered.window_scale is not None and accepting.window_scale is not None
        engine.timestamps = offered.timestamps and accepting.timestamps
        engine.segment_size = min(offered.announced_mss, accepting.announced_mss) - (
            12 if engine.timestamps else 0
        )
        for side in (client, server):
            side.rcv_shift = side.endpoint.window_scale if both_scale else 0  # type: ignore[assignment]
            side.rcv_window = side.endpoint.window
            side.rcv_window_max = min(0xFFFF << side.rcv_shift, LINUX_RECEIVE_BUFFER_MAX)
        server.rcv_nxt = client.isn + 1
        server.ts_recent = syn_tsval if engine.timestamps else 0
        at = syn_arrival + engine.path.reaction_us("server")
        options = syn_options(
            accepting.option_order,
            mss=accepting.announced_mss,
            window_scale=accepting.window_scale if offered.window_scale is not None else None,
            sack_permitted=offered.sack_permitted and accepting.sack_permitted,
            timestamp=(engine.emit_tsval(server, at), server.ts_recent) if engine.timestamps else None,
        )
        return engine.emit(server, at, SYN | ACK, server.isn, options=options)

    def _send_syn(self, at_us: int | None = None) -> tuple[int, int]:
        """Send the client's SYN: (arrival time at the server, its TSval)."""
        engine, client = self._engine, self._engine.client
        at = self.start_us if at_us is None else at_us
        endpoint = client.endpoint
        options = syn_options(
            endpoint.option_order,
            mss=endpoint.announced_mss,
            window_scale=endpoint.window_scale,
            sack_permitted=endpoint.sack_permitted,
            timestamp=(engine.emit_tsval(client, at), 0) if endpoint.timestamps else None,
        )
        syn, segment, arrival = engine.emit(client, at, SYN, client.isn, options=options)
        client.snd_una, client.snd_nxt = client.isn, client.isn + 1
        if self.syn is None:
            self.syn = syn
        return arrival, segment.tsval

    # -- data and close ---------------------------------------------------------------------------

    def send(
        self, sender: Role, data: bytes, *, think_us: int = 0, lose_segment: int | None = None
    ) -> Transfer:
        """``sender`` waits ``think_us`` after its last write or the last data it received, then writes.

        ``lose_segment=k`` (1-based, within this write): segment k is captured but
        lost after the capture point; no ACK covers it, and it is retransmitted,
        identical, after the RTO (later segments of the write wait for it).
        """
        self._expect("open", "send")
        if not data:
            raise EvidenceError("a TCP write needs at least one byte")
        if think_us < 0:
            raise EvidenceError(f"think_us cannot be negative, got {think_us}")
        engine = self._engine
        side = self._side(sender)
        if side.fin_queued or side.reset:
            raise EvidenceError(f"the {sender} has already closed this connection")
        segments = -(-len(data) // engine.segment_size)
        if lose_segment is not None and not 1 <= lose_segment <= segments:
            raise EvidenceError(f"lose_segment must be 1..{segments} for this write, got {lose_segment}")
        if lose_segment is not None and len(data) - (lose_segment - 1) * engine.segment_size == 1:
            raise EvidenceError(
                "the lost segment would carry 1 byte, which Wireshark reads as a keep-alive when it is "
                "repeated, not as a retransmission: lose a longer segment"
            )
        write = PendingWrite(bytes(data), side.stream_bytes, lose_segment)
        side.stream_bytes += len(data)
        at = max(side.ready_us() + think_us + engine.path.application_us(), engine.clock)
        side.last_write_us = at
        engine.schedule(at, engine.write, side, write)
        engine.run(lambda: write.done and side.lost is None)
        frames = write.frames + write.retransmissions
        first = min(frames, key=lambda ref: ref.ts_us)
        last = max(frames, key=lambda ref: ref.ts_us)
        return Transfer(
            sender=sender,
            first=first,
            last=last,
            start_us=first.ts_us,
            end_us=last.ts_us,
            segments=write.segments,
            retransmissions=tuple(write.retransmissions),
            offset=write.offset,
            length=len(data),
            last_original=max(write.frames, key=lambda ref: ref.ts_us),
        )

    def close(
        self,
        initiator: Role = "client",
        how: Literal["fin", "rst"] = "fin",
        *,
        think_us: int = 0,
        three_way: bool = False,
        peer_close_us: int | None = None,
    ) -> FrameRef:
        """Close: FIN/ACK, the peer's ACK and FIN/ACK (or one FIN/ACK if ``three_way``), final ACK; or a RST.

        Returns the initiator's FIN (or RST). ``peer_close_us`` is how long the
        peer's application takes to close after reading end-of-file (4-way close).
        """
        self._expect("open", "close")
        engine = self._engine
        side = self._side(initiator)
        engine.close_style = "three_way" if three_way else "four_way"
        engine.peer_close_us = self._rng.randint(50, 400) if peer_close_us is None else peer_close_us
        at = max(side.ready_us() + think_us + engine.path.application_us(), engine.clock)
        engine.schedule(at, engine.close, side, how)
        engine.run()
        self._state = "closed"
        return side.close_frame  # type: ignore[return-value]

    def _side(self, role: Role) -> TcpSide:
        if role == "client":
            return self._engine.client
        if role == "server":
            return self._engine.server
        raise EvidenceError(f"a TCP sender is 'client' or 'server', not {role!r}")

    def _expect(self, state: str, action: str) -> None:
        if self._state != state:
            done = "has not been opened" if self._state == "new" else f"is {self._state}"
            raise EvidenceError(f"cannot {action}: the TCP session {self.stream.key} {done}")

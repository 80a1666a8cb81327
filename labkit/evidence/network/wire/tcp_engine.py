"""The event loop behind a TcpSession: segments in flight, ACK clocking, timers.

Both ends are simulated on the capture point's clock (see :mod:`.tcp_path`).
Events (a segment arriving, an application write, a delayed-ACK or
retransmission timer) are processed strictly in time order; frames are added
to the capture when they are sent, with the time the capture point sees them.
Because every reaction is computed from the times at which its cause was
captured or delivered, the file sorted by timestamp is causally consistent:
nothing is acknowledged before it was captured, no window is overrun.

Modelled: slow start from 10 segments (RFC 6928, byte counting per RFC 3465),
congestion avoidance after a loss, the peer's advertised window (never filled
to the last byte, so Wireshark's "window full" note stays quiet), delayed ACKs
(an ACK as soon as more than one full segment is unacknowledged, otherwise
after the receiver's delayed-ACK timer), piggybacked ACKs, receive-window
growth, RTO retransmission of a segment lost after the capture point.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .capture import Capture, FrameRef, StreamRef
from .frames import ACK, FIN, PSH, RST, SYN
from .tcp_options import timestamp_option
from .tcp_path import PathModel, tcp_timestamp
from .tcp_side import INITIAL_WINDOW_SEGMENTS, LostSegment, PendingWrite, TcpSide

CloseStyle = Literal["four_way", "three_way"]


@dataclass(frozen=True)
class Segment:
    """What the receiving end learns from a segment."""

    seq: int
    length: int
    flags: int
    ack: int
    window: int  # the field as sent (scaled)
    tsval: int


class TcpEngine:
    """Two :class:`TcpSide` objects, a :class:`PathModel` and a queue of timed events."""

    def __init__(
        self, capture: Capture, stream: StreamRef, client: TcpSide, server: TcpSide, path: PathModel
    ):
        self._capture = capture
        self._stream = stream
        self.client = client
        self.server = server
        self.path = path
        self._events: list[tuple[int, int, Callable[..., None], tuple]] = []
        self._order = 0
        self.clock = 0
        self.timestamps = False
        self.segment_size = 1460
        self.close_style: CloseStyle = "four_way"
        self.peer_close_us = 0

    def peer(self, side: TcpSide) -> TcpSide:
        return self.server if side is self.client else self.client

    # -- the loop ---------------------------------------------------------------------------------

    def schedule(self, at_us: int, handler: Callable[..., None], *args: object) -> None:
        self._order += 1
        heapq.heappush(self._events, (at_us, self._order, handler, args))

    def run(self, done: Callable[[], bool] | None = None) -> None:
        """Process events in time order until ``done()`` holds (or, without ``done``, until none is left)."""
        events = self._events
        while events and not (done is not None and done()):
            at_us, _, handler, args = heapq.heappop(events)
            self.clock = max(self.clock, at_us)
            handler(at_us, *args)
        if done is not None and not done():
            raise RuntimeError("TCP engine stalled with data left to send")  # a bug, not a user error

    # -- sending ----------------------------------------------------------------------------------

    def emit(
        self,
        side: TcpSide,
        at_us: int,
        flags: int,
        seq: int,
        payload: bytes = b"",
        *,
        options: bytes | None = None,
        window: int | None = None,
        ack: int | None = None,
    ) -> tuple[FrameRef, Segment, int]:
        """Send one segment from ``side`` at ``at_us``: (frame handle, what the peer learns, arrival time)."""
        peer = self.peer(side)
        tsval = self.emit_tsval(side, at_us)
        if options is None:
            options = timestamp_option(tsval, side.ts_recent) if self.timestamps else b""
        if ack is None:
            ack = side.rcv_nxt if flags & ACK else 0
        if window is None:
            window = min(side.endpoint.window, 0xFFFF) if flags & SYN else side.window_field()
        identification = 0 if side.route.ipv6 else side.ip_ids.next(side.endpoint.dont_fragment)
        frame = side.route.tcp_frame(
            side.port,
            peer.port,
            seq,
            ack,
            flags,
            window,
            payload,
            options,
            identification=identification,
            dont_fragment=side.endpoint.dont_fragment,
        )
        captured, arrival = self.path.sends(side.role, at_us, len(frame))
        ref = self._capture.add(captured, frame, self._stream)
        if flags & ACK:
            side.acked()
        side.last_send_us = at_us
        return ref, Segment(seq, len(payload), flags, ack, window, tsval), arrival

    def emit_tsval(self, side: TcpSide, at_us: int) -> int:
        """The TSval ``side`` puts on a segment it sends at ``at_us``."""
        return tcp_timestamp(side.ts_base, self.path.local_us(side.role, at_us))

    def deliver(self, sender: TcpSide, segment: Segment, arrival_us: int) -> None:
        """Schedule ``segment``'s arrival at the peer.

        When data will arrive is known as it is sent, so the receiving
        application's next write (an answer) is timed from it without first
        running the loop up to that arrival.
        """
        receiver = self.peer(sender)
        if segment.length or segment.flags & FIN:
            receiver.last_arrival_us = max(receiver.last_arrival_us, arrival_us)
        self.schedule(arrival_us, self._arrive, receiver, sender, segment)

    def write(self, at_us: int, side: TcpSide, write: PendingWrite) -> None:
        """The application of ``side`` hands ``write`` to TCP at ``at_us``."""
        if side.snd_nxt == side.snd_una and at_us - side.last_send_us > self.path.retransmission_timeout_us():
            side.cwnd = min(side.cwnd, INITIAL_WINDOW_SEGMENTS)  # slow start after idle (RFC 5681 4.1)
        side.writes.append(write)
        self._try_send(at_us, side)

    def close(self, at_us: int, side: TcpSide, how: Literal["fin", "rst"]) -> None:
        """The application of ``side`` closes (FIN after any queued data) or aborts (RST) at ``at_us``."""
        if side.reset or side.fin_queued:
            return
        if how == "rst":
            ref, segment, arrival = self.emit(side, at_us, RST | ACK, side.snd_nxt, window=0)
            side.reset = True
            side.close_frame = ref
            self.deliver(side, segment, arrival)
            return
        side.fin_queued = True
        self._try_send(at_us, side)

    def _try_send(self, at_us: int, side: TcpSide) -> None:
        if side.reset:
            return
        size = self.segment_size
        while side.writes and side.lost is None:
            write = side.writes[0]
            length = min(size, len(write.data) - write.sent)
            flight = side.snd_nxt - side.snd_una
            if flight and (flight + length > side.cwnd * size or side.snd_nxt + length >= side.send_limit):
                return
            payload = write.data[write.sent : write.sent + length]
            write.sent += length
            write.segments += 1
            flags = ACK | PSH if write.done else ACK
            seq = side.snd_nxt
            ref, segment, arrival = self.emit(side, at_us, flags, seq, payload)
            side.snd_nxt += length
            write.frames.append(ref)
            if write.lose_segment == write.segments:
                side.lost = LostSegment(seq, payload, flags, write)
                self._arm_retransmission(ref.ts_us, side)
            else:
                self.deliver(side, segment, arrival)
            if write.done:
                side.writes.popleft()
        if side.fin_queued and not side.fin_sent and not side.writes and side.lost is None:
            ref, segment, arrival = self.emit(side, at_us, FIN | ACK, side.snd_nxt)
            side.snd_nxt += 1
            side.fin_sent = True
            side.close_frame = ref
            self.deliver(side, segment, arrival)

    def _arm_retransmission(self, from_us: int, side: TcpSide) -> None:
        side.rto_generation += 1
        self.schedule(
            from_us + self.path.retransmission_timeout_us(), self._retransmit, side, side.rto_generation
        )

    def _retransmit(self, at_us: int, side: TcpSide, generation: int) -> None:
        lost = side.lost
        if generation != side.rto_generation or lost is None or side.reset:
            return
        side.lost = None
        in_flight = -(-(side.snd_nxt - side.snd_una) // self.segment_size)
        side.ssthresh = max(in_flight // 2, 2)  # RFC 5681 (7): after an RTO, one segment at a time
        side.cwnd, side.cwnd_count = 1, 0
        ref, segment, arrival = self.emit(side, at_us, lost.flags, lost.seq, lost.payload)
        lost.write.retransmissions.append(ref)
        self.deliver(side, segment, arrival)
        self._try_send(at_us, side)

    # -- receiving --------------------------------------------------------------------------------

    def _arrive(self, at_us: int, receiver: TcpSide, sender: TcpSide, segment: Segment) -> None:
        if receiver.reset:
            return
        if segment.flags & RST:
            receiver.reset = True
            return
        if self.timestamps and segment.seq <= receiver.rcv_nxt:
            receiver.ts_recent = segment.tsval  # RFC 7323 4.3: any segment at or left of the window
        if segment.flags & ACK:
            self._take_ack(at_us, receiver, sender, segment)
        if segment.length or segment.flags & FIN:
            self._take_data(at_us, receiver, segment)
        self._try_send(at_us, receiver)

    def _take_ack(self, at_us: int, side: TcpSide, sender: TcpSide, segment: Segment) -> None:
        shift = 0 if segment.flags & SYN else sender.rcv_shift
        side.send_limit = max(side.send_limit, segment.ack + (segment.window << shift))
        newly = segment.ack - side.snd_una
        if newly <= 0:
            return
        side.snd_una = segment.ack
        segments = -(-newly // self.segment_size)
        if side.cwnd < side.ssthresh:
            side.cwnd += segments
        else:
            side.cwnd_count += segments
            while side.cwnd_count >= side.cwnd:
                side.cwnd_count -= side.cwnd
                side.cwnd += 1
        if side.lost is not None:
            self._arm_retransmission(at_us, side)  # an ACK of new data restarts the timer (RFC 6298 5.3)

    def _take_data(self, at_us: int, receiver: TcpSide, segment: Segment) -> None:
        if segment.seq != receiver.rcv_nxt:  # a duplicate: acknowledge at once
            receiver.ack_owed = True
            self.schedule(at_us + self.path.reaction_us(receiver.role), self._ack_now, receiver)
            return
        if segment.length:
            receiver.rcv_nxt += segment.length
            receiver.received += segment.length
            receiver.unacked_bytes += segment.length
            receiver.grow_window()
        if segment.flags & FIN:
            receiver.rcv_nxt += 1
            receiver.fin_received = True
            self._answer_fin(at_us, receiver)
        elif receiver.unacked_bytes > self.segment_size:
            self.schedule(at_us + self.path.reaction_us(receiver.role), self._ack_now, receiver)
        elif not receiver.delack_armed:
            receiver.delack_armed = True
            self.schedule(
                at_us + receiver.endpoint.delayed_ack_us,
                self._delayed_ack,
                receiver,
                receiver.delack_generation,
            )

    def _answer_fin(self, at_us: int, receiver: TcpSide) -> None:
        receiver.ack_owed = True
        reaction = at_us + self.path.reaction_us(receiver.role)
        if receiver.fin_sent or receiver.fin_queued:
            self.schedule(reaction, self._ack_now, receiver)  # the last ACK of the close
        elif self.close_style == "three_way":
            self.schedule(reaction, self.close, receiver, "fin")  # FIN/ACK acknowledges the FIN
        else:
            self.schedule(reaction, self._ack_now, receiver)
            self.schedule(reaction + self.peer_close_us, self.close, receiver, "fin")

    def _ack_now(self, at_us: int, side: TcpSide) -> None:
        if side.owes_ack() and not side.reset:
            _, segment, arrival = self.emit(side, at_us, ACK, side.snd_nxt)
            self.deliver(side, segment, arrival)

    def _delayed_ack(self, at_us: int, side: TcpSide, generation: int) -> None:
        if generation == side.delack_generation and side.delack_armed:
            self._ack_now(at_us, side)

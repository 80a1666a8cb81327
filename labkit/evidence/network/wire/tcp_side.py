"""The state one end of a TCP connection keeps: sequence space, windows, congestion, timers."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from .capture import FrameRef
from .endpoints import Endpoint, IpIdentification
from .routes import Route

Role = Literal["client", "server"]
INITIAL_WINDOW_SEGMENTS = 10  # RFC 6928 (Linux since 2.6.39, Windows since 2016)
LINUX_RECEIVE_BUFFER_MAX = 6 * 1024 * 1024  # net.ipv4.tcp_rmem maximum


@dataclass(eq=False)
class PendingWrite:
    """One application write: its bytes, how far they are sent, and the frames that carried them."""

    data: bytes
    offset: int  # position of its first byte in the sender's byte stream (0-based)
    lose_segment: int | None
    sent: int = 0
    segments: int = 0
    frames: list[FrameRef] = field(default_factory=list)
    retransmissions: list[FrameRef] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.sent == len(self.data)


@dataclass(eq=False)
class LostSegment:
    """A data segment the capture saw but the receiver never got; resent after the RTO."""

    seq: int
    payload: bytes
    flags: int
    write: PendingWrite


@dataclass(eq=False)
class TcpSide:
    """One end. Sequence numbers are kept absolute and unbounded; frames carry them modulo 2^32."""

    role: Role
    endpoint: Endpoint
    port: int
    route: Route
    ip_ids: IpIdentification
    isn: int
    ts_base: int
    snd_una: int = 0
    snd_nxt: int = 0
    send_limit: int = 0  # right edge of the peer's advertised window
    rcv_nxt: int = 0
    rcv_window: int = 0  # bytes this end offers
    rcv_window_max: int = 65535
    rcv_shift: int = 0  # window scale this end applies to its window field (0: not negotiated)
    received: int = 0
    cwnd: int = INITIAL_WINDOW_SEGMENTS  # in segments
    ssthresh: int = 1 << 30
    cwnd_count: int = 0
    unacked_bytes: int = 0
    ack_owed: bool = False  # a FIN (or a duplicate) to acknowledge at once
    delack_generation: int = 0
    delack_armed: bool = False
    ts_recent: int = 0
    writes: deque[PendingWrite] = field(default_factory=deque)
    stream_bytes: int = 0  # bytes written by the application so far
    last_write_us: int = 0
    last_arrival_us: int = 0
    last_send_us: int = 0
    lost: LostSegment | None = None
    rto_generation: int = 0
    fin_queued: bool = False
    fin_sent: bool = False
    fin_received: bool = False
    reset: bool = False
    close_frame: FrameRef | None = None

    def window_field(self) -> int:
        """The window field of a non-SYN segment: the offered window, scaled and rounded up."""
        shift = self.rcv_shift
        return min(0xFFFF, (self.rcv_window + (1 << shift) - 1) >> shift)

    def grow_window(self) -> None:
        """Receive-buffer auto-tuning, simplified: the offer grows by what has been received."""
        self.rcv_window = min(self.rcv_window_max, max(self.rcv_window, self.endpoint.window + self.received))

    def ready_us(self) -> int:
        """When this end's application can write next: after its last write and the last data it got."""
        return max(self.last_write_us, self.last_arrival_us)

    def owes_ack(self) -> bool:
        return self.unacked_bytes > 0 or self.ack_owed

    def acked(self) -> None:
        """A segment carrying the current ACK left: nothing is owed, the delayed-ACK timer is void."""
        self.unacked_bytes = 0
        self.ack_owed = False
        self.delack_armed = False
        self.delack_generation += 1

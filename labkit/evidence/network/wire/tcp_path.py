"""When a TCP segment is captured and when it arrives, for a capture point on the CLIENT's LAN.

All times are in one frame of reference: the capture point's clock. A client
frame is captured when the client sends it and reaches the server one full RTT
later (there is no faster way to express "half an RTT out, and the server's
answer half an RTT back" from where the capture sits); a server frame reaches
the client when it is captured. The server's own clock therefore runs RTT/2
behind the capture point's, which matters only for its TCP timestamps.

Serialisation: the client's NIC sends at ``lan_bps`` (bursts are tight at the
capture point); the bottleneck of ``bandwidth_bps`` spaces an upload as it
arrives at the server and a download as it is captured. Each direction is
first in, first out: a little seeded jitter never reorders segments.
"""

from __future__ import annotations

from random import Random

from .tcp_side import Role


def serialisation_us(length: int, bits_per_second: int) -> int:
    """Microseconds to put ``length`` bytes on a link (rounded up)."""
    return (length * 8_000_000 + bits_per_second - 1) // bits_per_second


class PathModel:
    """Times of one connection's frames; also hands out unique capture times (one frame per µs)."""

    def __init__(self, rtt_us: int, bandwidth_bps: int, lan_bps: int, rng: Random) -> None:
        self.rtt_us = rtt_us
        self._bandwidth = bandwidth_bps
        self._lan = lan_bps
        self._rng = rng
        self._jitter = max(1, rtt_us // 50)  # up to 2 % of the RTT
        self._client_nic_free = 0
        self._upstream_last_arrival = 0
        self._downstream_last_capture = 0
        self._used: set[int] = set()
        self.last_capture_us = 0

    def _claim(self, ts_us: int) -> int:
        while ts_us in self._used:
            ts_us += 1
        self._used.add(ts_us)
        self.last_capture_us = max(self.last_capture_us, ts_us)
        return ts_us

    def client_sends(self, at_us: int, length: int) -> tuple[int, int]:
        """(captured, arrives at the server) for a client frame of ``length`` bytes sent at ``at_us``."""
        captured = self._claim(max(at_us, self._client_nic_free))
        self._client_nic_free = captured + serialisation_us(length, self._lan)
        earliest = captured + self.rtt_us + self._rng.randint(0, self._jitter)
        arrival = max(earliest, self._upstream_last_arrival + serialisation_us(length, self._bandwidth))
        self._upstream_last_arrival = arrival
        return captured, arrival

    def server_sends(self, at_us: int, length: int) -> tuple[int, int]:
        """(captured, arrives at the client) for a server frame sent at ``at_us`` (capture-point clock)."""
        earliest = at_us + self._rng.randint(0, self._jitter)
        captured = self._claim(
            max(earliest, self._downstream_last_capture + serialisation_us(length, self._bandwidth))
        )
        self._downstream_last_capture = captured
        return captured, captured

    def sends(self, role: Role, at_us: int, length: int) -> tuple[int, int]:
        return self.client_sends(at_us, length) if role == "client" else self.server_sends(at_us, length)

    def reaction_us(self, role: Role) -> int:
        """A kernel's delay from receiving a segment to answering it (client 0.1-0.3 ms, server less)."""
        return self._rng.randint(100, 300) if role == "client" else self._rng.randint(15, 80)

    def application_us(self) -> int:
        """An application's delay from being able to write to its write reaching TCP."""
        return self._rng.randint(30, 150)

    def local_us(self, role: Role, at_us: int) -> int:
        """The sender's own clock at capture-point time ``at_us`` (for TCP timestamps)."""
        return at_us if role == "client" else at_us - self.rtt_us // 2

    def retransmission_timeout_us(self) -> int:
        """Linux's RTO after a measured RTT: at least 200 ms, at least twice the RTT."""
        return max(200_000, 2 * self.rtt_us)


def tcp_timestamp(base: int, local_us: int) -> int:
    """A 1 kHz TCP timestamp clock (Linux and Windows both tick in milliseconds)."""
    return (base + local_us // 1000) & 0xFFFFFFFF

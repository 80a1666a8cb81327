"""The hosts at either end of a flow, as a capture point sees them, and how they number IPv4 packets."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from random import Random
from typing import Literal

from labkit.errors import EvidenceError

from .addresses import ip_bytes, mac_bytes

IpIdMode = Literal["counter", "zero", "random"]
OptionOrder = Literal["linux", "windows"]


@dataclass(frozen=True)
class Endpoint:
    """One side of a flow AS SEEN AT THE CAPTURE POINT.

    ``mac`` is the link-layer address on the captured segment: a remote host's
    frames carry the gateway's MAC, and the caller passes that. ``ttl`` is the
    TTL / hop limit as the packet shows it at the capture point (the sender's
    initial value minus the hops before the capture). The TCP fields describe
    the host's stack: what it offers in its SYN and how it acknowledges.
    """

    name: str
    mac: str
    ip: str
    ttl: int = 64
    window: int = 64240  # receive window advertised in SYN (never scaled there)
    mss: int = 1460  # announced over IPv4; over IPv6 at most 1440 (a 1500-byte MTU less 60 header bytes)
    window_scale: int | None = 8
    sack_permitted: bool = True
    timestamps: bool = False  # TCP timestamp option (Linux: True, Windows: False)
    ip_id: IpIdMode = "counter"  # Windows: a counter; Linux: zero with DF for TCP
    # Order of the SYN options: Linux "MSS,SACK_PERM,TS,NOP,WS", Windows "MSS,NOP,WS,NOP,NOP,SACK_PERM".
    # None: Linux's order when the host uses timestamps, Windows' otherwise.
    tcp_option_order: OptionOrder | None = None
    delayed_ack_us: int = 40_000  # delayed-ACK timer (Linux 40 ms; Windows 200 ms)
    dont_fragment: bool = True  # DF on TCP segments (every stack; nmap's raw SYN probes leave it clear)

    def __post_init__(self) -> None:
        mac_bytes(self.mac)
        ip_bytes(self.ip)
        checks = (
            (1 <= self.ttl <= 255, "ttl must be 1..255"),
            (1 <= self.window <= 65535, "window (the SYN's window field) must be 1..65535"),
            (88 <= self.mss <= 65495, "mss must be 88..65495"),
            (self.window_scale is None or 0 <= self.window_scale <= 14, "window_scale must be 0..14 or None"),
            (self.ip_id in ("counter", "zero", "random"), "ip_id must be counter, zero or random"),
            (
                self.tcp_option_order in (None, "linux", "windows"),
                "tcp_option_order must be linux or windows",
            ),
            (0 < self.delayed_ack_us <= 500_000, "delayed_ack_us must be 1..500000"),
        )
        for valid, message in checks:
            if not valid:
                raise EvidenceError(f"endpoint {self.name!r}: {message}")

    @property
    def is_ipv6(self) -> bool:
        return len(ip_bytes(self.ip)) == 16

    @property
    def announced_mss(self) -> int:
        """The MSS option this host puts in its SYN for its address family."""
        return min(self.mss, 1440) if self.is_ipv6 else self.mss

    @property
    def option_order(self) -> OptionOrder:
        """The SYN option layout this host uses."""
        if self.tcp_option_order is not None:
            return self.tcp_option_order
        return "linux" if self.timestamps else "windows"


def same_family(first: Endpoint, second: Endpoint) -> None:
    """Both ends of a flow speak IPv4 or both IPv6; anything else is a scenario mistake."""
    if first.is_ipv6 != second.is_ipv6:
        raise EvidenceError(
            f"{first.name} ({first.ip}) and {second.name} ({second.ip}) are not of the same IP family"
        )


class IpIdentification:
    """The IPv4 Identification values one host puts on the packets of one flow.

    "counter": consecutive values from a start drawn from ``rng`` (Windows keeps
    one counter per host; per flow, the values a capture shows are still
    consecutive); "zero": 0 on packets with DF set (Linux on TCP), a counter on
    the others; "random": a fresh value per packet. Without an rng the start and
    the random values derive from ``seed_text`` (a flow key), so they are
    reproducible and the same on every capture that renders the flow.
    """

    def __init__(self, mode: IpIdMode, rng: Random | None, seed_text: str) -> None:
        self._mode = mode
        self._rng = rng
        self._seed = zlib.crc32(seed_text.encode("utf-8"))
        self._next = (rng.getrandbits(16) if rng is not None else self._seed) & 0xFFFF

    def next(self, dont_fragment: bool) -> int:
        """The Identification of the next packet."""
        if self._mode == "zero" and dont_fragment:
            return 0
        if self._mode == "random":
            if self._rng is not None:
                return self._rng.getrandbits(16)
            self._seed = zlib.crc32(self._seed.to_bytes(4, "big"))
            return self._seed & 0xFFFF
        value = self._next
        self._next = (value + 1) & 0xFFFF
        return value

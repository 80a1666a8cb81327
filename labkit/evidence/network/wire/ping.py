"""ICMP echo (ping) exchanges: request, reply after the round trip, one per interval."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from labkit.errors import EvidenceError

from .capture import Capture, FrameRef
from .endpoints import Endpoint, IpIdentification, same_family
from .routes import Route

PayloadSource = bytes | Callable[[int, int], bytes]  # fixed, or built from (sequence, ts_us)


@dataclass(frozen=True)
class Echo:
    """One echo request and its reply (None when the target did not answer)."""

    sequence: int
    request: FrameRef
    reply: FrameRef | None


def ping(
    capture: Capture,
    source: Endpoint,
    target: Endpoint,
    *,
    start_us: int,
    rtt_us: int,
    rng: Random,
    payload: PayloadSource,
    count: int = 4,
    interval_us: int = 1_000_000,
    identifier: int | None = None,
    first_sequence: int = 1,
    answered: bool = True,
) -> list[Echo]:
    """``count`` echo requests from ``source`` to ``target`` (ICMP or ICMPv6 after the address family).

    ``payload`` is the request's data (Windows: "abcdefghijklmnopqrstuvwabcdefghi";
    Linux: a timeval then 0x10..0x37; the caller builds it, per request if it is a
    callable). The reply echoes it after ``rtt_us`` (plus up to 2 % of jitter).
    IPv4 DF follows the host's habit: set by "zero" hosts (Linux ping), clear otherwise.
    """
    same_family(source, target)
    if count < 1 or rtt_us <= 0 or interval_us <= 0:
        raise EvidenceError("ping needs count >= 1 and positive rtt_us and interval_us")
    ident = rng.getrandbits(16) if identifier is None else identifier
    outbound = Route(source.mac, target.mac, source.ip, target.ip, source.ttl)
    inbound = Route(target.mac, source.mac, target.ip, source.ip, target.ttl)
    key = f"icmp {source.ip}-{target.ip}"
    source_ids = IpIdentification(source.ip_id, rng, key)
    target_ids = IpIdentification(target.ip_id, rng, key + " reply")
    echoes = []
    for index in range(count):
        sequence = (first_sequence + index) & 0xFFFF
        at = start_us + index * interval_us
        data = payload(sequence, at) if callable(payload) else payload
        df = source.ip_id == "zero"
        request = outbound.icmp_echo_frame(
            "request", ident, sequence, data, identification=source_ids.next(df), dont_fragment=df
        )
        request_ref = capture.add(at, request)
        reply_ref = None
        if answered:
            df = target.ip_id == "zero"
            reply = inbound.icmp_echo_frame(
                "reply", ident, sequence, data, identification=target_ids.next(df), dont_fragment=df
            )
            reply_ref = capture.add(at + rtt_us + rng.randint(0, max(1, rtt_us // 50)), reply)
        echoes.append(Echo(sequence, request_ref, reply_ref))
    return echoes

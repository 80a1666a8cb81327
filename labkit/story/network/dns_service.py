"""The hosts' stub resolvers: what a lookup puts on the wire (or spares, when the answer is cached)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labkit.evidence.network.wire import FrameRef, StreamRef
from labkit.story.base import ActionFailed

if TYPE_CHECKING:
    import ipaddress

    from labkit.story.network.hosts import NetHost
    from labkit.story.network.runtime import NetworkRuntime


@dataclass(frozen=True)
class Resolution:
    """What a name resolves to, and the DNS records a resolver returns for it."""

    name: str
    address: ipaddress.IPv4Address
    cnames: tuple[str, ...]
    ttl: int
    address6: ipaddress.IPv6Address | None = None


@dataclass
class Lookup:
    name: str
    qtype: str
    answer: str | None
    query_frame: FrameRef | None
    response_frame: FrameRef | None
    stream: StreamRef | None
    end_us: int
    cached: bool


def lookup(
    runtime: NetworkRuntime,
    client: NetHost,
    name: str,
    at_us: int,
    label: str,
    *,
    qtype: str = "A",
    use_cache: bool = True,
    rcode: int = 0,
    answers: list[Any] | None = None,
    story: bool = True,
) -> Lookup:
    """A stub-resolver lookup: nothing on the wire if the answer is cached, else query and response."""
    from labkit.evidence.network.protocols import dns

    resolution = runtime.resolve_name(name)
    key = (client.id, f"{resolution.name}/{qtype}")
    if use_cache and rcode == 0 and answers is None and runtime.dns_cache.get(key, -1) > at_us:
        return Lookup(resolution.name, qtype, str(resolution.address), None, None, None, at_us, True)
    if client.resolver is None:
        raise ActionFailed(f"host {client.id!r} has no DNS resolver (network.dns or network.gateway)")
    rng = runtime.rng_for("dns", label)
    resolver = runtime.remote(client.resolver, "resolver") if client.resolver != client.gateway else None
    server = runtime.gateway_endpoint(client) if resolver is None else runtime.endpoint(resolver)
    points = [p for p in runtime.points if client.id in p.hosts]
    if not points:
        raise ActionFailed(f"no capture point sees host {client.id!r}: list it in network.captures[].hosts")
    at_us = runtime.arp(client, at_us, points)
    # Stub resolvers pick a random source port per query (no shared counter with TCP connections).
    low, high = client.stack.ephemeral
    port = runtime.rng_for("dns-port", client.id, label).randrange(low, high + 1)
    flow = runtime.udp(client, server, port, 53, at_us, points)
    txid = rng.randrange(65536)
    query = dns.dns_query(txid, resolution.name, qtype)
    query_frame = flow.send("client", query, at_us=at_us)
    if answers is None and rcode == 0:
        answers = _records_for(resolution, qtype)
    authority: list[Any] = []
    if rcode == 3 or (rcode == 0 and not answers):
        authority = [_soa_for(resolution.name)]
    delay = (resolver.rtt_us if resolver else 0) + (
        rng.randrange(8_000, 90_000) if rng.random() < 0.4 else rng.randrange(300, 2_500)
    )
    response = dns.dns_response(txid, resolution.name, qtype, answers or [], rcode=rcode, authority=authority)
    response_at = at_us + delay
    response_frame = flow.send("server", response, at_us=response_at)
    ttl = min((r.ttl for r in answers or []), default=60)
    runtime.dns_cache[key] = response_at + ttl * 1_000_000
    if story:
        for point in points:
            point.note_story(at_us, response_at)
    answer = None
    if rcode == 0 and answers and qtype in ("A", "AAAA"):
        answer = str(resolution.address if qtype == "A" else resolution.address6)
    return Lookup(
        resolution.name, qtype, answer, query_frame, response_frame, flow.stream, response_at, False
    )


# -- the end --------------------------------------------------------------------------------------


def _records_for(resolution: Resolution, qtype: str) -> list[Any]:
    from labkit.evidence.network.protocols.dns import DnsRecord

    if qtype not in ("A", "AAAA") or (qtype == "AAAA" and resolution.address6 is None):
        return []  # NOERROR without an answer ("no data"), with the zone's SOA
    chain = [resolution.name, *resolution.cnames]
    records = [DnsRecord(chain[i], "CNAME", resolution.ttl, chain[i + 1]) for i in range(len(chain) - 1)]
    address = resolution.address if qtype == "A" else resolution.address6
    records.append(DnsRecord(chain[-1], qtype, resolution.ttl, str(address)))
    return records


def _soa_for(name: str) -> Any:
    from labkit.evidence.network.protocols.dns import DnsRecord

    zone = ".".join(name.split(".")[-2:])
    return DnsRecord(zone, "SOA", 900, f"ns1.{zone} hostmaster.{zone} 2026010101 7200 3600 1209600 300")

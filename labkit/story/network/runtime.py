"""The network a story runs on: hosts, the gateway, capture points, DNS caches, ARP and connections.

Actions ask for connections between hosts (``tcp``, ``udp``) and name lookups (``lookup``); the runtime
decides what the wire shows on each capture point that sees them (a SPAN port mirrors the listed LAN
hosts' switch ports): MACs as seen on the segment, TTLs lowered by the hops from a remote host, the DNS
query a resolver cache would have spared, the ARP for the gateway after the cache entry expired. A flow
seen by several capture points is rendered into each with the same random streams, so all agree.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

from labkit.evidence.network.wire import Capture, Endpoint, FrameRef, StreamRef, TcpSession, UdpFlow, frames
from labkit.scenario.network_model import CaptureSpec
from labkit.story.base import ActionFailed
from labkit.story.network.connections import Connection, Datagrams
from labkit.story.network.dns_service import Lookup, Resolution
from labkit.story.network.dns_service import lookup as dns_lookup
from labkit.story.network.hosts import NetHost
from labkit.story.network.internet_sites import QUIET_SITES, SITES, address_in, hosting_address

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ARP_CACHE_US = 120_000_000  # a gateway entry older than this is refreshed before the next packet
LAN_RTT_US = 350


def to_us(when: datetime) -> int:
    return (when - EPOCH) // timedelta(microseconds=1)


def from_us(value: int, zone: Any = UTC) -> datetime:
    return (EPOCH + timedelta(microseconds=value)).astimezone(zone)


@dataclass
class CapturePoint:
    spec: CaptureSpec
    capture: Capture
    hosts: set[str]
    start_us: int
    end_us: int | None
    story_first_us: int | None = None
    story_last_us: int | None = None

    def sees(self, *hosts: NetHost) -> bool:
        return any(host.id in self.hosts for host in hosts)

    def note_story(self, start_us: int, end_us: int) -> None:
        self.story_first_us = start_us if self.story_first_us is None else min(self.story_first_us, start_us)
        self.story_last_us = end_us if self.story_last_us is None else max(self.story_last_us, end_us)


@dataclass
class NetworkRuntime:
    """State of the network while a variant's story is rendered."""

    hosts: dict[str, NetHost]
    gateway_mac: str
    points: list[CapturePoint]
    rng_for: Callable[..., Random]
    seed_label: str
    zone: Any = UTC
    dns_cache: dict[tuple[str, str], int] = field(default_factory=dict)
    arp_last: dict[str, int] = field(default_factory=dict)
    background: Any = None  # labkit.story.network.background.Background, set by the builder

    # -- who is who ---------------------------------------------------------------------------------
    def host(self, host_id: str) -> NetHost:
        try:
            return self.hosts[host_id]
        except KeyError:
            raise ActionFailed(f"host {host_id!r} has no 'network:' identity") from None

    def resolve_name(self, name: str) -> Resolution:
        """What the resolver answers for ``name``: a scenario host, a common site, or a hosting address."""
        wire_name = name.rstrip(".").encode("idna").decode("ascii").lower()
        for host in self.hosts.values():
            if wire_name in host.names:
                return Resolution(wire_name, host.ipv4, (), 300, host.ipv6)
        for site in (*SITES, *QUIET_SITES):
            if site.name == wire_name:
                return Resolution(
                    wire_name, address_in(site.block, self.seed_label, wire_name), site.cnames, site.ttl
                )
        return Resolution(wire_name, hosting_address(wire_name, self.seed_label), (), 300)

    def host_at(self, address: ipaddress.IPv4Address) -> NetHost | None:
        return next((h for h in self.hosts.values() if h.ipv4 == address), None)

    def remote(self, address: ipaddress.IPv4Address, name: str, *, hops: int = 14) -> NetHost:
        """A host of the Internet that the scenario does not declare (a web site, a resolver).

        Its stack is that of its operator's servers (Microsoft's front ends answer like Windows).
        """
        known = self.host_at(address)
        if known is not None:
            return known
        from labkit.story.network.hosts import stack_for

        wire_name = name.rstrip(".").lower()
        site = next((s for s in (*SITES, *QUIET_SITES) if s.name == wire_name), None)
        os_name = site.os if site is not None else "Linux"
        rng = self.rng_for("remote-host", str(address))
        return NetHost(
            id=name,
            hostname=name,
            os=os_name,
            mac=self.gateway_mac,
            ipv4=address,
            lan=None,
            gateway=None,
            resolver=None,
            names=[name],
            hops=hops,
            rtt_us=int((12 + rng.random() * 70) * 1000),
            stack=stack_for(os_name),
        )

    def endpoint(self, host: NetHost, *, ipv6: bool = False) -> Endpoint:
        """``host`` as it appears on the captured segment (over IPv6 with ``ipv6``)."""
        stack = host.stack
        if ipv6 and host.ipv6 is None:
            raise ActionFailed(f"host {host.id!r} has no IPv6 address (network.ipv6)")
        return Endpoint(
            name=host.id,
            mac=host.mac if host.on_lan else self.gateway_mac,
            ip=str(host.ipv6 if ipv6 else host.ipv4),
            ttl=stack.ttl if host.on_lan else max(1, stack.ttl - host.hops),
            window=stack.window,
            mss=stack.mss if host.on_lan else stack.mss - (0 if host.hops < 10 else 8),
            window_scale=stack.window_scale,
            sack_permitted=True,
            timestamps=stack.timestamps,
            ip_id=stack.ip_id,  # type: ignore[arg-type]
            delayed_ack_us=stack.delayed_ack_us,
        )

    def gateway_endpoint(self, host: NetHost) -> Endpoint:
        assert host.gateway is not None
        return Endpoint(name="gateway", mac=self.gateway_mac, ip=str(host.gateway), ttl=64)

    def observers(self, a: NetHost, b: NetHost) -> list[CapturePoint]:
        points = [p for p in self.points if p.sees(a, b)]
        if not points:
            raise ActionFailed(
                f"no capture point sees traffic between {a.id!r} and {b.id!r}: "
                "list one of them in network.captures[].hosts (LAN hosts with a gateway)"
            )
        return points

    def rtt_between(self, a: NetHost, b: NetHost) -> int:
        if a.on_lan and b.on_lan:
            return LAN_RTT_US
        return max(a.rtt_us if not a.on_lan else 0, b.rtt_us if not b.on_lan else 0, LAN_RTT_US)

    def points_for(self, host: NetHost) -> list[CapturePoint]:
        points = [p for p in self.points if host.id in p.hosts]
        if not points:
            raise ActionFailed(f"no capture point sees host {host.id!r}: list it in network.captures[].hosts")
        return points

    def advance(self, until_us: int) -> None:
        """Render the background traffic that happens before ``until_us``."""
        if self.background is not None:
            self.background.run_until(until_us)

    # -- rendering ----------------------------------------------------------------------------------
    def tcp(
        self,
        client: NetHost,
        server: NetHost,
        server_port: int,
        start_us: int,
        label: str,
        *,
        client_port: int | None = None,
        story: bool = True,
        arp: bool = True,
        client_endpoint: Endpoint | None = None,
        ipv6: bool = False,
    ) -> Connection:
        points = self.observers(client, server)
        if arp and not ipv6:  # IPv6 neighbours are found with NDP, which is not modelled
            start_us = self.arp(client, start_us, points)
        port = client_port or client.ephemeral_port(self.rng_for("port", client.id, label))
        sessions = [
            TcpSession(
                point.capture,
                client_endpoint or self.endpoint(client, ipv6=ipv6),
                self.endpoint(server, ipv6=ipv6),
                port,
                server_port,
                start_us,
                self.rtt_between(client, server),
                self.rng_for("tcp", label),
            )
            for point in points
        ]
        connection = Connection(sessions, points[0], port, server_port)
        connection.client_ip = str(client.ipv6 if ipv6 else client.ipv4)
        connection.server_ip = str(server.ipv6 if ipv6 else server.ipv4)
        if story:
            for point in points:
                point.note_story(start_us, start_us)
        return connection

    def udp(
        self,
        client: NetHost,
        server_endpoint: Endpoint,
        client_port: int,
        server_port: int,
        start_us: int,
        points: list[CapturePoint],
    ) -> Datagrams:
        return Datagrams(
            [
                UdpFlow(
                    point.capture, self.endpoint(client), server_endpoint, client_port, server_port, start_us
                )
                for point in points
            ]
        )

    def udp_between(
        self,
        source: Endpoint,
        destination: Endpoint,
        source_port: int,
        destination_port: int,
        start_us: int,
        points: list[CapturePoint],
    ) -> Datagrams:
        """A UDP flow between endpoints given as the wire sees them (multicast and broadcast included)."""
        return Datagrams(
            [
                UdpFlow(point.capture, source, destination, source_port, destination_port, start_us)
                for point in points
            ]
        )

    def finished(self, connection: Connection | None, points: list[CapturePoint] | None = None) -> None:
        """Record that story traffic ran until now (capture windows must contain it)."""
        if connection is not None:
            for point in [connection.point, *(points or [])]:
                point.note_story(connection.now_us, connection.now_us)

    def arp(self, host: NetHost, at_us: int, points: list[CapturePoint] | None = None) -> int:
        """Refresh the host's ARP entry for its gateway if stale; return when the host may send."""
        if not host.on_lan or host.gateway is None:
            return at_us
        last = self.arp_last.get(host.id)
        if last is not None and at_us - last < ARP_CACHE_US:
            self.arp_last[host.id] = max(last, at_us)
            return at_us
        self.arp_last[host.id] = at_us
        rng = self.rng_for("arp", host.id, str(at_us))
        request = frames.arp_request(host.mac, str(host.ipv4), str(host.gateway))
        reply_at = at_us + 150 + rng.randrange(400)
        reply = frames.arp_reply(self.gateway_mac, str(host.gateway), host.mac, str(host.ipv4))
        for point in points or [p for p in self.points if host.id in p.hosts]:
            point.capture.add(at_us, request)
            point.capture.add(reply_at, reply)
        return reply_at + 30 + rng.randrange(120)

    def lookup(self, client: NetHost, name: str, at_us: int, label: str, **options: Any) -> Lookup:
        """A stub-resolver lookup (see :func:`labkit.story.network.dns_service.lookup`)."""
        return dns_lookup(self, client, name, at_us, label, **options)

    def capture_window(self, point: CapturePoint) -> tuple[int, int]:
        last = point.story_last_us if point.story_last_us is not None else point.start_us
        end = point.end_us if point.end_us is not None else last + 300_000_000
        return point.start_us, end

    def finish(self, evidence_dir: Path) -> dict[str, dict[str, Any]]:
        """Write every capture file; return each capture's facts (file name, hashes, counts, times)."""
        from labkit.hashing import hash_file

        if self.background is not None:
            self.background.run_until(None)
        facts: dict[str, dict[str, Any]] = {}
        for point in self.points:
            path = evidence_dir / f"{point.spec.id}.{point.spec.format}"
            summary = point.capture.finish(path)
            hashes = hash_file(path)
            facts[point.spec.id] = {
                "file_name": path.name,
                "format": point.spec.format,
                "packets": summary.packets,
                "size": path.stat().st_size,
                "first_packet": from_us(summary.first_ts_us, self.zone).isoformat()
                if summary.packets
                else None,
                "last_packet": from_us(summary.last_ts_us, self.zone).isoformat()
                if summary.packets
                else None,
                "md5": hashes["md5"],
                "sha1": hashes["sha1"],
                "sha256": hashes["sha256"],
                "hosts": sorted(point.hosts),
            }
        return facts


@dataclass(frozen=True)
class StreamEnd:
    """The last frame of a stream (its final ACK or RST), known once the capture is numbered."""

    stream: StreamRef


def resolve_refs(value: Any) -> Any:
    """Replace frame and stream handles in facts by their numbers (once the captures are written)."""
    if isinstance(value, FrameRef):
        return value.number
    if isinstance(value, StreamEnd):
        return value.stream.last_number
    if isinstance(value, StreamRef):
        return value.index
    if isinstance(value, dict):
        return {k: resolve_refs(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [resolve_refs(v) for v in value]
    return value

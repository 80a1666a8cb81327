"""Background traffic: what an office LAN carries anyway, so the story's packets must be found, not listed.

Per mirrored LAN host, events arrive as a seeded Poisson process over the capture window: DNS lookups of
common sites, TLS sessions to them (SNI, opaque records), NTP synchronisation. They are rendered in time
order as the story advances (before each action, the background up to its time), so ephemeral ports and
DNS caches evolve as they would on a real host.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from labkit.story.network.internet_sites import NTP_SERVERS, SITES

if TYPE_CHECKING:
    from labkit.story.network.hosts import NetHost
    from labkit.story.network.runtime import CapturePoint, NetworkRuntime

HOUR_US = 3_600_000_000


@dataclass(order=True)
class _Event:
    at_us: int
    order: int
    kind: str = field(compare=False)
    host_id: str = field(compare=False)


class Background:
    """The pending background events of every mirrored host, rendered lazily in time order."""

    def __init__(self, runtime: NetworkRuntime) -> None:
        self.runtime = runtime
        self.queue: list[_Event] = []
        self.counter = 0
        self.streams: dict[tuple[str, str], object] = {}
        self.next_times: dict[tuple[str, str], int] = {}
        self.rates: dict[tuple[str, str], float] = {}
        self.window_end: dict[str, int | None] = {}
        self.once: set[tuple[str, str]] = set()
        for point in runtime.points:
            spec = point.spec.background
            for host_id in sorted(point.hosts):
                if any(host_id in p.hosts for p in runtime.points[: runtime.points.index(point)]):
                    continue  # planned by the first capture point that mirrors the host
                self.window_end[host_id] = point.end_us
                for kind, per_hour in (
                    ("dns", spec.dns_lookups),
                    ("https", spec.https_sessions),
                    ("ntp", 1.0 if spec.ntp else 0.0),
                ):
                    if per_hour > 0:
                        self._plan(point, host_id, kind, float(per_hour))
                if spec.arp:
                    self._plan(point, host_id, "arp", 12.0)
                if spec.lan_chatter and runtime.hosts[host_id].stack.family == "windows":
                    self._plan(point, host_id, "chatter", 10.0)
                if spec.dhcp and runtime.hosts[host_id].on_lan:
                    # Renewals come every half lease (12 h for a day's lease): one in a capture.
                    self._plan(point, host_id, "dhcp", 1.0, once=True)

    def _plan(
        self, point: CapturePoint, host_id: str, kind: str, per_hour: float, once: bool = False
    ) -> None:
        key = (host_id, kind)
        if once:
            self.once.add(key)
        self.rates[key] = per_hour
        rng = self.runtime.rng_for("background", host_id, kind)
        self.streams[key] = rng
        if once:  # early in the window, so every mirrored host shows it once
            first = point.start_us + rng.randrange(30_000_000, 600_000_000)
        else:
            first = point.start_us + int(rng.random() * HOUR_US / per_hour)
        self._push(first, kind, host_id)

    def _push(self, at_us: int, kind: str, host_id: str) -> None:
        self.counter += 1
        heapq.heappush(self.queue, _Event(at_us, self.counter, kind, host_id))

    def run_until(self, until_us: int | None) -> None:
        """Render every event before ``until_us`` (None: to the end of each capture window)."""
        while self.queue:
            event = self.queue[0]
            limit = until_us if until_us is not None else self._end(event.host_id)
            if limit is None or event.at_us >= limit:
                if until_us is None:
                    heapq.heappop(self.queue)
                    continue
                return
            heapq.heappop(self.queue)
            self._render(event)
            if (event.host_id, event.kind) in self.once:
                continue
            rng = self.streams[(event.host_id, event.kind)]
            gap = rng.expovariate(self.rates[(event.host_id, event.kind)] / HOUR_US)  # type: ignore[attr-defined]
            self._push(event.at_us + max(1_000_000, int(gap)), event.kind, event.host_id)

    def _end(self, host_id: str) -> int | None:
        end = self.window_end.get(host_id)
        if end is not None:
            return end
        points = [p for p in self.runtime.points if host_id in p.hosts]
        return max(self.runtime.capture_window(p)[1] for p in points)

    def _render(self, event: _Event) -> None:
        host = self.runtime.hosts[event.host_id]
        rng = self.streams[(event.host_id, event.kind)]
        label = f"bg:{event.host_id}:{event.kind}:{event.at_us}"
        if event.kind == "dns":
            site = SITES[rng.randrange(len(SITES))]  # type: ignore[attr-defined]
            self.runtime.lookup(host, site.name, event.at_us, label, story=False)
        elif event.kind == "https":
            site = SITES[rng.randrange(len(SITES))]  # type: ignore[attr-defined]
            from labkit.story.network.sessions import tls_session

            tls_session(self.runtime, host, site.name, event.at_us, label, story=False)
        elif event.kind == "ntp":
            self._ntp(host, event.at_us, label)
        elif event.kind == "arp":
            self.runtime.arp(host, event.at_us)
        elif event.kind == "dhcp":
            self._dhcp(host, event.at_us, label)
        elif event.kind == "chatter":
            self._chatter(host, event.at_us, label)

    def _ntp(self, host: NetHost, at_us: int, label: str) -> None:
        from labkit.evidence.network.protocols import ntp
        from labkit.story.network.runtime import from_us

        name, _ = NTP_SERVERS["windows" if host.stack.family == "windows" else "linux"]
        lookup = self.runtime.lookup(host, name, at_us, label, story=False)
        server = self.runtime.remote(self.runtime.resolve_name(name).address, name)
        points = [p for p in self.runtime.points if host.id in p.hosts]
        rng = self.runtime.rng_for("ntp", label)
        start = lookup.end_us + 200 + rng.randrange(2000)
        client_port = 123 if host.stack.family == "windows" else host.ephemeral_port(rng)
        flow = self.runtime.udp(host, self.runtime.endpoint(server), client_port, 123, start, points)
        sent = from_us(start)
        request = ntp.ntp_request(sent, rng=rng)
        flow.send("client", request, at_us=start)
        reply_at = start + server.rtt_us + rng.randrange(50, 400)
        response = ntp.ntp_response(
            request,
            receive=from_us(start + server.rtt_us // 2),
            transmit=from_us(reply_at - server.rtt_us // 2),
            reference=from_us(start - rng.randrange(60_000_000, 900_000_000)),
            rng=rng,
        )
        flow.send("server", response, at_us=reply_at)

    def _dhcp(self, host: NetHost, at_us: int, label: str) -> None:
        from labkit.evidence.network.protocols import dhcp

        assert host.gateway is not None and host.lan is not None
        rng = self.runtime.rng_for("dhcp", label)
        at_us = self.runtime.arp(host, at_us)
        lease = dhcp.Lease(
            address=str(host.ipv4),
            server=str(host.gateway),
            netmask=str(host.lan.netmask),
            router=str(host.gateway),
            dns_servers=(str(host.resolver or host.gateway),),
        )
        points = [p for p in self.runtime.points if host.id in p.hosts]
        flow = self.runtime.udp(host, self.runtime.gateway_endpoint(host), 68, 67, at_us, points)
        xid = rng.getrandbits(32)
        family = "windows" if host.stack.family == "windows" else "linux"
        flow.send(
            "client", dhcp.renewal_request(xid, host.mac, lease, host.hostname, client=family), at_us=at_us
        )
        flow.send("server", dhcp.renewal_ack(xid, host.mac, lease), at_us=at_us + 600 + rng.randrange(3_000))

    def _chatter(self, host: NetHost, at_us: int, label: str) -> None:
        """LLMNR + NetBIOS lookups of WPAD, or an SSDP M-SEARCH: a Windows PC talking to the whole LAN."""
        from dataclasses import replace

        from labkit.evidence.network.protocols import lan_chatter
        from labkit.evidence.network.wire import Endpoint

        assert host.lan is not None
        rng = self.runtime.rng_for("chatter", label)
        points = self.runtime.points  # broadcast and multicast frames leave through every switch port
        source = self.runtime.endpoint(host)
        if rng.random() < 0.6:
            llmnr = Endpoint(
                name="llmnr", mac=lan_chatter.LLMNR_GROUP[0], ip=lan_chatter.LLMNR_GROUP[1], ttl=1
            )
            flow = self.runtime.udp_between(
                replace(source, ttl=1), llmnr, host.ephemeral_port(rng), 5355, at_us, points
            )
            txid = rng.getrandbits(16)
            flow.send("client", lan_chatter.llmnr_query(txid, "wpad"), at_us=at_us)
            broadcast = Endpoint(
                name="broadcast", mac=lan_chatter.BROADCAST_MAC, ip=str(host.lan.broadcast_address)
            )
            nbns = self.runtime.udp_between(source, broadcast, 137, 137, at_us, points)
            nbns_txid = rng.getrandbits(16)
            for attempt in range(3):  # Windows repeats an unanswered NetBIOS query twice, 750 ms apart
                nbns.send(
                    "client",
                    lan_chatter.nbns_name_query(nbns_txid, "WPAD"),
                    at_us=at_us + 2_000 + attempt * 750_000,
                )
        else:
            ssdp = Endpoint(name="ssdp", mac=lan_chatter.SSDP_GROUP[0], ip=lan_chatter.SSDP_GROUP[1], ttl=1)
            flow = self.runtime.udp_between(
                replace(source, ttl=1), ssdp, host.ephemeral_port(rng), 1900, at_us, points
            )
            for attempt in range(4):  # M-SEARCH is sent several times, a second apart
                flow.send(
                    "client",
                    lan_chatter.ssdp_msearch(),
                    at_us=at_us + attempt * 1_000_000 + rng.randrange(5_000),
                )

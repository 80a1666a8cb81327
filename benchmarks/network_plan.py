"""A seeded office-LAN traffic mix for the capture benchmark: TLS sessions over TCP, DNS over UDP.

The harness makes the plan once and pickles it; every side (labkit's fast path,
labkit's session engine, scapy) loads the same file. The plan holds the traffic
at two levels: conversations (who talks to whom, each application write and its
bytes), which labkit's TcpSession renders with its own state machine, and
packets (every header field and a slice of the payload blob, see
:mod:`.network_packets`), which the fast path and scapy build frame for frame so
that their files can be compared byte for byte.
"""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Literal

from labkit.evidence.network.protocols import tls
from labkit.evidence.network.protocols.dns import DnsRecord, dns_query, dns_response

from .network_packets import Link, PacketParameters, PacketPlanner

Role = Literal["client", "server"]
System = Literal["windows", "linux"]

CAPTURE_START_US = 1_709_539_200_000_000  # 2024-03-04 08:00:00 UTC
GATEWAY_MAC = "02:1a:c0:a8:00:01"  # remote servers' frames carry the gateway's MAC on the LAN
WORKSTATIONS = 16
SERVERS = 120
SERVER_NETWORKS = ("203.0.113", "198.51.100", "192.0.2")  # documentation ranges (RFC 5737)
NAME_WORDS = ("cdn", "api", "static", "mail", "login", "files", "news", "update", "img", "sync")


@dataclass(frozen=True)
class Host:
    """One machine as the capture point (a SPAN port on the office LAN) sees it."""

    name: str
    mac: str
    ip: str
    ttl: int  # as seen at the capture point: the sender's initial TTL less the hops before it
    system: System

    @property
    def timestamps(self) -> bool:
        """Linux stacks use the TCP timestamp option, Windows ones do not by default."""
        return self.system == "linux"


@dataclass(frozen=True)
class Write:
    """One application write on a TCP connection: ``length`` bytes of the blob from ``offset``."""

    sender: Role
    offset: int
    length: int
    think_us: int


@dataclass(frozen=True)
class TcpConversation:
    """A TLS 1.3 session: handshake, request/response pairs, close_notify, FIN from the client."""

    client: int  # index into TrafficPlan.hosts
    server: int
    client_port: int
    server_port: int
    start_us: int
    rtt_us: int
    writes: tuple[Write, ...]


@dataclass(frozen=True)
class DnsLookup:
    """One UDP query and its answer between a workstation and the LAN resolver."""

    client: int
    resolver: int
    client_port: int
    query_us: int
    answer_us: int
    query: tuple[int, int]  # (offset, length) in the blob
    answer: tuple[int, int]


@dataclass(frozen=True)
class TrafficPlan:
    """Everything every side needs to render the same traffic; ``packets`` is in capture order."""

    seed: int
    hosts: tuple[Host, ...]
    conversations: tuple[TcpConversation, ...]
    lookups: tuple[DnsLookup, ...]
    links: tuple[Link, ...]
    packets: list[PacketParameters]
    blob: bytes

    def save(self, path: Path) -> None:
        """Pickle the plan: it is read back only by this package's own child processes."""
        with path.open("wb") as sink:
            pickle.dump(self, sink, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def load(path: Path) -> TrafficPlan:
        with path.open("rb") as source:
            plan = pickle.load(source)
        if not isinstance(plan, TrafficPlan):
            raise TypeError(f"{path} does not hold a traffic plan")
        return plan


class _Builder:
    """Draws hosts, conversations and lookups from one rng and keeps the payload blob."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.blob = bytearray()
        self.hosts = self._hosts()
        self.resolver = WORKSTATIONS
        self.used_ports: set[tuple[int, int]] = set()
        self.next_port = {index: 49152 + self.rng.randrange(4000) for index in range(WORKSTATIONS)}

    def keep(self, data: bytes) -> tuple[int, int]:
        offset = len(self.blob)
        self.blob += data
        return offset, len(data)

    def _hosts(self) -> list[Host]:
        rng = self.rng
        hosts = []
        for index in range(WORKSTATIONS):
            system: System = "linux" if index % 3 == 2 else "windows"
            mac = "02:1a:" + ":".join(f"{rng.randrange(256):02x}" for _ in range(4))
            ttl = 64 if system == "linux" else 128
            hosts.append(Host(f"ws-{index + 1:02d}", mac, f"10.20.0.{10 + index}", ttl, system))
        hosts.append(Host("dns-01", "02:1a:c0:a8:00:35", "10.20.0.53", 64, "linux"))
        for index in range(SERVERS):
            system = "windows" if index % 5 == 4 else "linux"
            hops = rng.randint(6, 20)
            word = NAME_WORDS[index % len(NAME_WORDS)]
            name = f"{word}{index // len(NAME_WORDS) + 1}.example.{('com', 'net', 'org')[index % 3]}"
            network = SERVER_NETWORKS[index % len(SERVER_NETWORKS)]
            ip = f"{network}.{10 + index // len(SERVER_NETWORKS)}"
            hosts.append(Host(name, GATEWAY_MAC, ip, (64 if system == "linux" else 128) - hops, system))
        return hosts

    def client_port(self, client: int) -> int:
        """Windows hands out ephemeral ports in turn, Linux at random; never twice per workstation."""
        while True:
            if self.hosts[client].system == "windows":
                port = self.next_port[client]
                self.next_port[client] = 49152 if port == 65535 else port + 1
            else:
                port = self.rng.randint(32768, 60999)
            if (client, port) not in self.used_ports:
                self.used_ports.add((client, port))
                return port

    def lookups(self, client: int, server: Host, at_us: int) -> list[DnsLookup]:
        """A and AAAA queries for the server's name (Windows asks both), answered by the resolver."""
        rng, lookups = self.rng, []
        for qtype in ("A", "AAAA") if self.hosts[client].system == "windows" else ("A",):
            txid = rng.randrange(65536)
            answers = [] if qtype == "AAAA" else [DnsRecord(server.name, "A", 300, server.ip)]
            latency = rng.randint(800, 40_000)
            query = self.keep(dns_query(txid, server.name, qtype))
            answer = self.keep(dns_response(txid, server.name, qtype, answers))
            lookups.append(
                DnsLookup(
                    client, self.resolver, self.client_port(client), at_us, at_us + latency, query, answer
                )
            )
            at_us += rng.randint(100, 400)
        return lookups

    def conversation(self, client: int, server_index: int, start_us: int, budget: int) -> TcpConversation:
        """A TLS session whose responses together stay within ``budget`` bytes (200 each at least)."""
        rng, server = self.rng, self.hosts[server_index]
        hello = tls.client_hello(server.name, rng)
        writes = [Write("client", *self.keep(hello), 0)]
        writes.append(Write("server", *self.keep(tls.server_flight(rng, hello)), rng.randint(300, 3000)))
        writes.append(Write("client", *self.keep(tls.client_finished(rng)), rng.randint(100, 900)))
        writes.append(Write("server", *self.keep(tls.new_session_tickets(rng)), rng.randint(100, 900)))
        for _ in range(rng.randint(1, 8)):
            request = tls.application_data(rng.randint(60, 900), rng)
            writes.append(Write("client", *self.keep(request), rng.randint(2_000, 300_000)))
            size = max(200, min(2_000_000, budget, int(math.exp(rng.gauss(math.log(6000), 1.6)))))
            budget -= size
            writes.append(
                Write("server", *self.keep(tls.application_data(size, rng)), rng.randint(500, 60_000))
            )
        writes.append(Write("client", *self.keep(tls.close_notify(rng)), rng.randint(50_000, 900_000)))
        rtt = rng.randint(8_000, 90_000)
        return TcpConversation(
            client, server_index, self.client_port(client), 443, start_us, rtt, tuple(writes)
        )


def plan_traffic(packets: int, seed: int = 2024) -> TrafficPlan:
    """Conversations until the packet plan holds at least ``packets`` frames (whole conversations only)."""
    builder = _Builder(seed)
    rng, hosts = builder.rng, builder.hosts
    planner = PacketPlanner(hosts, Random(seed + 1))
    conversations: list[TcpConversation] = []
    lookups: list[DnsLookup] = []
    at_us = CAPTURE_START_US
    while len(planner.packets) < packets:
        at_us += int(rng.expovariate(1 / 250_000)) + 1
        client = rng.randrange(WORKSTATIONS)
        server_index = WORKSTATIONS + 1 + rng.randrange(SERVERS)
        start_us = at_us
        if rng.random() < 0.6:  # otherwise the name is still in the client's cache
            found = builder.lookups(client, hosts[server_index], at_us)
            for lookup in found:
                planner.add_dns_lookup(lookup)
            lookups += found
            start_us = max(lookup.answer_us for lookup in found) + rng.randint(200, 2000)
        # The last conversations' responses shrink so that the plan ends near ``packets``.
        budget = (packets - len(planner.packets)) * 1000
        conversation = builder.conversation(client, server_index, start_us, budget)
        planner.add_tcp_conversation(conversation)
        conversations.append(conversation)
    return TrafficPlan(
        seed=seed,
        hosts=tuple(hosts),
        conversations=tuple(conversations),
        lookups=tuple(lookups),
        links=tuple(planner.links),
        packets=planner.in_capture_order(),
        blob=bytes(builder.blob),
    )

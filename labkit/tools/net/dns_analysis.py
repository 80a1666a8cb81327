"""``labkit net dns``: every DNS lookup (query, response, answers), and per-domain statistics.

DNS on port 53 over UDP and over TCP (length-prefixed messages in reassembled
streams). A response is paired with the earliest unanswered query from the same
client port with the same ID and question; retransmitted queries stay separate rows,
unanswered. ``domain_statistics`` groups query names by registered domain: a tunnel
shows as one domain with hundreds of unique, long, high-entropy names.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from labkit.tools.net.capture_pass import PassListener, TcpStream, run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.decoded_packet import Packet
from labkit.tools.net.dns_messages import DnsMessage, parse_dns
from labkit.tools.net.packet_time import PacketTime, packet_time
from labkit.tools.net.registered_domains import registered_domain, shannon_entropy, subdomain_part
from labkit.tools.net.stream_collection import CollectedStream, StreamCollector

DNS_PORT = 53


@dataclass(frozen=True)
class DnsLookup:
    """One query and its response (either may be missing)."""

    query_frame: int | None
    response_frame: int | None
    time: PacketTime | None  # the query's, or the response's when the query was not captured
    transport: str  # "udp" or "tcp"
    stream: int | None
    client: str
    client_port: int
    server: str
    id: int
    name: str
    type: str
    rcode: str | None  # None: no response captured
    answers: tuple[str, ...]  # "A 203.0.113.80", "CNAME cdn.example.net"...
    response_time_ns: int | None


@dataclass(frozen=True)
class DomainStatistics:
    domain: str
    queries: int
    unique_names: int
    mean_name_length: float
    max_name_length: int
    label_entropy: float  # bits per character of the labels left of the domain, over its unique names
    nxdomain: int
    query_types: tuple[str, ...]


@dataclass(frozen=True)
class DnsReport:
    path: str
    lookups: tuple[DnsLookup, ...]
    truncation: Truncation | None


class _Pending:
    __slots__ = ("frame", "message", "stream", "time")

    def __init__(self, frame: int, time: PacketTime | None, message: DnsMessage, stream: int | None) -> None:
        self.frame, self.time, self.message, self.stream = frame, time, message, stream


class DnsListener(PassListener):
    """Pairs DNS queries and responses from UDP packets and TCP streams on port 53."""

    def __init__(self) -> None:
        self.lookups: list[tuple[int, DnsLookup]] = []
        self._waiting: dict[tuple, list[_Pending]] = defaultdict(list)

    def packet(self, packet: Packet) -> None:
        if packet.protocol != "udp" or DNS_PORT not in (packet.src_port, packet.dst_port):
            return
        time = packet_time(packet.time_ns, packet.interface.timestamp_digits)
        self.message(
            packet.payload,
            packet.number,
            time,
            "udp",
            packet.stream,
            (packet.src_ip or "", packet.src_port),
            (packet.dst_ip or "", packet.dst_port),
        )

    def message(
        self,
        payload: bytes,
        frame: int,
        time: PacketTime | None,
        transport: str,
        stream: int | None,
        source: tuple[str, int],
        target: tuple[str, int],
    ) -> None:
        message = parse_dns(payload)
        if message is None or not message.questions:
            return
        question = message.questions[0]
        if not message.is_response:
            key = (transport, source, target[0], message.id, question.name.lower(), question.type)
            self._waiting[key].append(_Pending(frame, time, message, stream))
            return
        key = (transport, target, source[0], message.id, question.name.lower(), question.type)
        waiting = self._waiting.get(key)
        query = waiting.pop(0) if waiting else None
        if waiting == []:
            del self._waiting[key]
        client, server = target, source
        self.lookups.append(
            (
                query.frame if query else frame,
                DnsLookup(
                    query.frame if query else None,
                    frame,
                    query.time if query and query.time else time,
                    transport,
                    stream,
                    client[0],
                    client[1],
                    server[0],
                    message.id,
                    question.name,
                    question.type,
                    message.rcode,
                    tuple(str(record) for record in message.answers),
                    None if query is None or query.time is None or time is None else time.ns - query.time.ns,
                ),
            )
        )

    def finish(self) -> None:
        for (transport, client, server, ident, _name, qtype), pending in self._waiting.items():
            for query in pending:
                name = query.message.questions[0].name
                self.lookups.append(
                    (
                        query.frame,
                        DnsLookup(
                            query.frame,
                            None,
                            query.time,
                            transport,
                            query.stream,
                            client[0],
                            client[1],
                            server,
                            ident,
                            name,
                            qtype,
                            None,
                            (),
                            None,
                        ),
                    )
                )
        self._waiting.clear()

    def on_tcp_stream(self, collected: CollectedStream) -> None:
        stream = collected.stream
        for from_client in (True, False):
            direction = collected.direction(from_client)
            source, target = (stream.client, stream.server) if from_client else (stream.server, stream.client)
            position = 0
            while position + 2 <= direction.length:
                (size,) = struct.unpack("!H", direction.read(position, 2))
                if size == 0 or position + 2 + size > direction.length:
                    break
                frame, time_ns = direction.frame_at(position + 1 + size)
                time = packet_time(time_ns, stream.digits)
                self.message(
                    direction.read(position + 2, size), frame, time, "tcp", stream.index, source, target
                )
                position += 2 + size
        collected.release()


def _choose_dns(stream: TcpStream, client_head: bytes, server_head: bytes, final: bool) -> str:
    return "dns" if DNS_PORT in (stream.server[1], stream.client[1]) else ""


def list_dns(path: str | Path) -> DnsReport:
    """Every DNS lookup in ``path``, in frame order (of the query, else the response)."""
    listener = DnsListener()
    collector = StreamCollector(_choose_dns, listener.on_tcp_stream)
    report = run_pass(path, [listener, collector])
    lookups = sorted(listener.lookups, key=lambda item: (item[0], item[1].response_frame or 0))
    return DnsReport(report.path, tuple(lookup for _, lookup in lookups), report.truncation)


def domain_statistics(lookups: tuple[DnsLookup, ...]) -> tuple[DomainStatistics, ...]:
    """Per registered domain, most unique names first (a tunnel's domain rises to the top)."""
    groups: dict[str, list[DnsLookup]] = defaultdict(list)
    for lookup in lookups:
        groups[registered_domain(lookup.name)].append(lookup)
    statistics = []
    for domain, members in groups.items():
        names = sorted({member.name.lower().rstrip(".") for member in members})
        lengths = [len(name) for name in names]
        statistics.append(
            DomainStatistics(
                domain,
                len(members),
                len(names),
                round(sum(lengths) / len(lengths), 1),
                max(lengths),
                round(shannon_entropy("".join(subdomain_part(name) for name in names)), 2),
                sum(member.rcode == "NXDOMAIN" for member in members),
                tuple(sorted({member.type for member in members})),
            )
        )
    statistics.sort(key=lambda item: (-item.unique_names, -item.queries, item.domain))
    return tuple(statistics)

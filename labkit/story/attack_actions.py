"""Hostile traffic: an SSH password brute force, a TCP SYN port scan, and a DNS tunnel / beacon.

What a trainee must recognise by its shape: many short SSH sessions from one address, SYNs to many
ports answered by RST (closed) or SYN/ACK (open, then reset by the scanner), and many long, random-looking
query names under one domain at a steady rhythm.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from labkit.errors import EvidenceError
from labkit.scenario.time_expressions import TimeExpressionError, parse_duration
from labkit.story.base import ActionFailed
from labkit.story.context import StoryContext
from labkit.story.network.action_base import NetworkAction, PayloadSpec
from labkit.story.network.runtime import to_us


class SshBruteForce(NetworkAction):
    """Many short SSH sessions guessing passwords; optionally the last one gets in."""

    action_name: ClassVar[str] = "ssh.bruteforce"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        "attacker_ip",
        "target_ip",
        "target_port",
        "sessions",
        "first_frame",
        "last_frame",
        "first_stream",
        "last_stream",
        "success",
        "success_stream",
        "client_banner",
        "server_banner",
        "started",
        "finished",
        "capture",
    )
    target: str = Field(description="host id of the SSH server")
    sessions: int = Field(40, ge=1, le=5000)
    attempts_per_session: int = Field(3, ge=1, le=6)
    success: bool = False
    port: int = Field(22, ge=1, le=65535)
    rate: float = Field(2.0, gt=0, le=200, description="sessions started per second (roughly)")
    user: str = "root"
    client_banner: str = "SSH-2.0-libssh_0.9.6"
    server_banner: str = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10"

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols import ssh
        from labkit.evidence.network.protocols.ssh_implementations import HYDRA_LIBSSH, OPENSSH_UBUNTU_SERVER
        from labkit.story.network.runtime import from_us
        from labkit.story.network.sessions import run_script

        runtime = self.network(ctx)
        attacker, target = self.client(ctx), runtime.host(self.target)
        start = to_us(when)
        runtime.advance(start)
        rng = ctx.rng("ssh", self.label())
        at = start
        first_frame = last_frame = first_stream = last_stream = success_stream = None
        end = start
        for index in range(self.sessions):
            label = self.label(str(index))
            session_rng = ctx.rng("ssh-session", label)
            succeed = self.success and index == self.sessions - 1
            steps = ssh.ssh_login_attempt_session(
                session_rng,
                client=replace(HYDRA_LIBSSH, banner=self.client_banner),
                server=replace(OPENSSH_UBUNTU_SERVER, banner=self.server_banner),
                username=ctx.render(self.user),
                attempts=1 if succeed else self.attempts_per_session,
                success=succeed,
            )
            connection = runtime.tcp(attacker, target, self.port, at, label)
            handshake = connection.connect()
            run_script(runtime, connection, steps, attacker, target, label)
            last = connection.close("client" if succeed else "server")
            runtime.finished(connection)
            first_frame = first_frame or handshake.syn
            first_stream = first_stream or connection.stream
            last_frame, last_stream = last, connection.stream
            if succeed:
                success_stream = connection.stream
            end = max(end, connection.now_us)
            at += int(1_000_000 / self.rate * (0.6 + 0.8 * rng.random()))
        return {
            "attacker_ip": str(attacker.ipv4),
            "target_ip": str(target.ipv4),
            "target_port": self.port,
            "sessions": self.sessions,
            "first_frame": first_frame,
            "last_frame": last_frame,
            "first_stream": first_stream,
            "last_stream": last_stream,
            "success": self.success,
            "success_stream": success_stream,
            "client_banner": self.client_banner,
            "server_banner": self.server_banner,
            "started": when.isoformat(),
            "finished": from_us(end, ctx.zone).isoformat(),
            "capture": runtime.observers(attacker, target)[0].spec.id,
        }


def _ports(text: str) -> list[int]:
    ports: list[int] = []
    for part in str(text).replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if not 1 <= first <= last <= 65535:
            raise ValueError(f"port range {part!r} is not within 1-65535")
        ports.extend(range(first, last + 1))
    if not ports:
        raise ValueError("give at least one port, e.g. '1-1024' or '22,80,443'")
    return sorted(set(ports))


class SynScan(NetworkAction):
    """A TCP SYN ("half-open") scan: open ports answer SYN/ACK and get a RST, closed ones answer RST."""

    action_name: ClassVar[str] = "scan.syn"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        "scanner_ip",
        "target_ip",
        "ports_scanned",
        "open_ports",
        "first_frame",
        "last_frame",
        "started",
        "finished",
        "capture",
    )
    target: str
    ports: str = "1-1024"
    open: list[int] = Field(default_factory=list, description="ports that answer (a listening service)")
    rate: float = Field(800, gt=0, le=100000, description="probes per second")

    _ports = field_validator("ports")(lambda cls, v: (_ports(v), v)[1])

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.story.network.runtime import from_us

        runtime = self.network(ctx)
        scanner, target = self.client(ctx), runtime.host(self.target)
        start = to_us(when)
        runtime.advance(start)
        points = runtime.observers(scanner, target)
        start = runtime.arp(scanner, start, points)
        rng = ctx.rng("scan", self.label())
        ports = _ports(self.ports)
        rng.shuffle(ports)  # nmap randomises the port order
        source_port = rng.randrange(40000, 65000)
        # nmap's raw SYN: a small window and only an MSS option, whatever the scanner's own stack does.
        probe_endpoint = replace(
            runtime.endpoint(scanner), window=1024, window_scale=None, sack_permitted=False, timestamps=False
        )
        at = start
        first = last = None
        open_ports = set(self.open)
        for port in ports:
            probe = runtime.tcp(
                scanner,
                target,
                port,
                at,
                f"{self.label()}:{port}",
                client_port=source_port,
                arp=False,
                client_endpoint=probe_endpoint,
            )
            answer = probe.half_open() if port in open_ports else probe.refuse()
            first = first or probe.sessions[0].syn
            last = answer
            at += max(1, int(1_000_000 / self.rate * (0.5 + rng.random())))
        for point in points:
            point.note_story(start, at)
        return {
            "scanner_ip": str(scanner.ipv4),
            "target_ip": str(target.ipv4),
            "ports_scanned": len(ports),
            "open_ports": ", ".join(str(p) for p in sorted(open_ports & set(ports))),
            "first_frame": first,
            "last_frame": last,
            "started": when.isoformat(),
            "finished": from_us(at, ctx.zone).isoformat(),
            "capture": points[0].spec.id,
        }


class TunnelDataSpec(PayloadSpec):
    name: str = "data"


class DnsTunnel(NetworkAction):
    """Data leaves in DNS query names under a domain, one query per chunk, at a beacon's steady rhythm."""

    action_name: ClassVar[str] = "dns.tunnel"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        "domain",
        "queries",
        "heartbeats",
        "total_queries",
        "data_first_frame",
        "first_frame",
        "last_frame",
        "data_size",
        "data_sha256",
        "data_text",
        "encoding",
        "started",
        "finished",
        "resolver",
        "client_ip",
        "capture",
        "query_type",
    )
    domain: str
    data: TunnelDataSpec
    encoding: Literal["base32", "hex"] = "base32"
    query_type: Literal["TXT", "A"] = "TXT"
    interval: str = Field("5s", description="time between queries (a beacon's period)")
    interval_jitter: float = Field(0.2, ge=0, le=1, description="fraction of the interval, seeded")
    chunk: int = Field(30, ge=4, le=120, description="bytes of data per query")
    heartbeats: int = Field(
        0, ge=0, le=10000, description="check-in A queries at the interval before the data"
    )

    _interval = field_validator("interval")(lambda cls, v: (_duration(v), v)[1])

    @model_validator(mode="after")
    def _whole_base32_groups(self) -> DnsTunnel:
        if self.encoding == "base32" and self.chunk % 5:
            raise ValueError(
                f"chunk: base32 chunks are whole groups of 5 bytes (so they decode when concatenated); "
                f"use {self.chunk - self.chunk % 5 or 5} or {self.chunk + 5 - self.chunk % 5}"
            )
        return self

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols import dns_tunnel
        from labkit.evidence.network.protocols.dns import DnsRecord
        from labkit.story.network.runtime import from_us

        runtime = self.network(ctx)
        client = self.client(ctx)
        label = self.label()
        rng = ctx.rng("tunnel", label)
        _, data, _ = self.data.render(ctx, label + ":data", when)
        domain = ctx.render(self.domain).rstrip(".").lower()
        try:
            names = dns_tunnel.encode_tunnel_names(
                data,
                domain,
                session_id=rng.randrange(1, 0xFFFF),
                encoding=self.encoding,
                chunk_size=self.chunk,
            )
        except (ValueError, EvidenceError) as exc:
            raise ActionFailed(str(exc)) from None
        period = _duration(self.interval)
        at = to_us(when)
        first = last = None
        # Check-ins first: an implant asks "anything for me?" (an A query, answered with a parking
        # address) at its beacon interval before it starts to send; only TXT queries carry data.
        for beat in range(self.heartbeats):
            runtime.advance(at)
            qname = f"{rng.getrandbits(32):08x}.{domain}"
            lookup = runtime.lookup(
                client,
                qname,
                at,
                f"{label}:beat:{beat}",
                qtype="A",
                use_cache=False,
                answers=[DnsRecord(qname, "A", 0, "127.0.0.2")],
            )
            first = first or lookup.query_frame
            at = lookup.end_us + int(period * (1 + self.interval_jitter * (2 * rng.random() - 1)))
        data_first = None
        for index, qname in enumerate(names):
            runtime.advance(at)
            if self.query_type == "TXT":
                answer = [DnsRecord(qname, "TXT", 0, f"ok:{index:04x}:{rng.getrandbits(32):08x}")]
            else:
                answer = [
                    DnsRecord(
                        qname, "A", 0, f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                    )
                ]
            lookup = runtime.lookup(
                client, qname, at, f"{label}:{index}", qtype=self.query_type, use_cache=False, answers=answer
            )
            first = first or lookup.query_frame
            data_first = data_first or lookup.query_frame
            last = lookup.response_frame
            at = lookup.end_us + int(period * (1 + self.interval_jitter * (2 * rng.random() - 1)))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        return {
            "domain": domain,
            "queries": len(names),
            "heartbeats": self.heartbeats,
            "total_queries": len(names) + self.heartbeats,
            "data_first_frame": data_first,
            "first_frame": first,
            "last_frame": last,
            "data_size": len(data),
            "data_sha256": hashlib.sha256(data).hexdigest(),
            "data_text": text,
            "encoding": self.encoding,
            "started": when.isoformat(),
            "finished": from_us(at, ctx.zone).isoformat(),
            "resolver": str(client.resolver),
            "client_ip": str(client.ipv4),
            "capture": runtime.points_for(client)[0].spec.id,
            "query_type": self.query_type,
        }


def _duration(text: str) -> int:
    try:
        seconds = parse_duration(text).total_seconds()
    except TimeExpressionError as exc:
        raise ValueError(str(exc)) from None
    if seconds <= 0:
        raise ValueError("the interval must be positive")
    return int(seconds * 1_000_000)

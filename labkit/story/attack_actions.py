"""Probes and hostile traffic: an SSH password brute force, a TCP SYN port scan, ping.

What a trainee must recognise by its shape: many short SSH sessions from one address, SYNs to many
ports answered by RST (closed) or SYN/ACK (open, then reset by the scanner), and many long, random-looking
query names under one domain at a steady rhythm.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field, field_validator

from labkit.story.context import StoryContext
from labkit.story.network.action_base import NetworkAction
from labkit.story.network.runtime import StreamEnd, from_us, to_us


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
            connection.close("client" if succeed else "server")
            runtime.finished(connection)
            first_frame = first_frame or handshake.syn
            first_stream = first_stream or connection.stream
            last_frame, last_stream = StreamEnd(connection.stream), connection.stream
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
        # nmap's raw SYN: window 1024, only an MSS option, no DF, a random IP ID and a random TTL (37-59,
        # fixed for the run), whatever the scanner's own stack would send.
        probe_endpoint = replace(
            runtime.endpoint(scanner),
            window=1024,
            window_scale=None,
            sack_permitted=False,
            timestamps=False,
            dont_fragment=False,
            ip_id="random",
            ttl=rng.randrange(37, 60),
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


class Ping(NetworkAction):
    """ICMP echo requests and replies (Windows or Linux payloads, by the host's OS)."""

    action_name: ClassVar[str] = "icmp.ping"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        "target_ip",
        "requests",
        "replies",
        "first_frame",
        "started",
        "capture",
    )
    target: str = Field(description="host id or DNS name")
    count: int = Field(4, ge=1, le=1000)
    answered: bool = True

    def host_refs(self) -> list[tuple[str, str]]:
        return [("host", self.host)]  # the target may be a DNS name

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols import icmp_payloads
        from labkit.evidence.network.wire import ping

        runtime = self.network(ctx)
        client = self.client(ctx)
        start = to_us(when)
        runtime.advance(start)
        target_name = ctx.render(self.target)
        if target_name in runtime.hosts:
            target = runtime.hosts[target_name]
        else:
            lookup = runtime.lookup(client, target_name, start, self.label())
            start = lookup.end_us + 500
            target = runtime.remote(runtime.resolve_name(target_name).address, target_name)
        points = runtime.observers(client, target)
        start = runtime.arp(client, start, points)
        windows = client.stack.family == "windows"

        def payload(sequence: int, ts_us: int) -> bytes:
            return (
                icmp_payloads.windows_ping_payload()
                if windows
                else icmp_payloads.linux_ping_payload(from_us(ts_us))
            )

        per_point = [
            ping(
                point.capture,
                runtime.endpoint(client),
                runtime.endpoint(target),
                start_us=start,
                rtt_us=runtime.rtt_between(client, target),
                rng=ctx.rng("icmp", self.label()),
                payload=payload,
                count=self.count,
                answered=self.answered,
            )
            for point in points
        ]
        echoes = per_point[0]
        first = echoes[0].request
        last = echoes[-1].reply or echoes[-1].request
        at = last.ts_us
        for point in points:
            point.note_story(start, at)
        return {
            "target_ip": str(target.ipv4),
            "requests": self.count,
            "replies": self.count if self.answered else 0,
            "first_frame": first,
            "started": when.isoformat(),
            "capture": points[0].spec.id,
        }

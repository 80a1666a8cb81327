"""Name-service actions: a DNS lookup, and a DNS tunnel (an implant's check-ins, then data in query names).

What a trainee must recognise in a tunnel: many long, random-looking query names under one domain at a
steady rhythm, TXT answers, and a name scheme that decodes back into the data.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from labkit.errors import EvidenceError
from labkit.scenario.time_expressions import TimeExpressionError, parse_duration
from labkit.story.base import ActionFailed
from labkit.story.context import StoryContext
from labkit.story.network.action_base import NetworkAction, PayloadSpec
from labkit.story.network.runtime import to_us


class DnsLookup(NetworkAction):
    """A name lookup by the host's stub resolver (NXDOMAIN with ``nxdomain: true``)."""

    action_name: ClassVar[str] = "dns.lookup"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "type",
        "answer",
        "rcode",
        "client_ip",
        "resolver",
        "query_frame",
        "response_frame",
        "udp_stream",
        "time",
        "capture",
    )
    name: str
    type: Literal["A", "AAAA", "CNAME", "TXT", "MX"] = "A"
    nxdomain: bool = False
    answers: list[str] = Field(default_factory=list, description="values for TXT/CNAME/MX/AAAA answers")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols.dns import DnsRecord

        runtime = self.network(ctx)
        client = self.client(ctx)
        name = ctx.render(self.name)
        runtime.advance(to_us(when))
        records = None
        if self.answers:
            wire_name = runtime.resolve_name(name).name
            records = [DnsRecord(wire_name, self.type, 300, ctx.render(value)) for value in self.answers]
        lookup = runtime.lookup(
            client,
            name,
            to_us(when),
            self.label(),
            qtype=self.type,
            use_cache=False,
            rcode=3 if self.nxdomain else 0,
            answers=records,
        )
        answer = lookup.answer if not records else ", ".join(r.value for r in records)
        return {
            "name": lookup.name,
            "type": self.type,
            "answer": answer,
            "rcode": "NXDOMAIN" if self.nxdomain else "NOERROR",
            "client_ip": str(client.ipv4),
            "resolver": str(client.resolver),
            "query_frame": lookup.query_frame,
            "response_frame": lookup.response_frame,
            "udp_stream": lookup.stream,
            "time": when.isoformat(),
            "capture": runtime.points_for(client)[0].spec.id,
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
        finished = at
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
            finished = lookup.end_us
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
            "finished": from_us(finished, ctx.zone).isoformat(),
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

"""Reading the data a DNS tunnel carried out of its query names, as an examiner does by hand.

A tunnel client (iodine, dnscat2, many implants) can only talk to its server through
names under a domain that server is authoritative for, so it puts its data in the
labels left of that domain. The layout read here is the common one: a first label of
8 hex digits (a session and a sequence number, 4 each), then the payload in base32
(RFC 4648 alphabet, lower case, ``=`` padding dropped) or in hex. A name with a single
label left of the domain carries no payload: it is a check-in (beacon). The tunnel's
zone may be a subdomain (``t.example.com``): it is the suffix all names under the
registered domain share.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from labkit.tools.net import DnsLookup

_COUNTER_LABEL = re.compile(r"[0-9a-f]{8}")
_BASE32_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz234567")
_HEX_CHARACTERS = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class TunnelQuery:
    """One query name that carries payload: where it sits in its session, and the payload text."""

    name: str
    query_type: str
    frame: int | None
    session: str
    sequence: int
    payload: str


@dataclass(frozen=True)
class TunnelTraffic:
    """Every query under one zone, split into check-ins and payload-carrying queries."""

    zone: str
    check_ins: tuple[DnsLookup, ...]
    data_queries: tuple[TunnelQuery, ...]  # one per (session, sequence): a repeated query counts once
    other_names: tuple[str, ...]  # names under the domain that fit neither shape

    def sessions(self) -> dict[str, tuple[TunnelQuery, ...]]:
        """The data queries of each session, in sequence order."""
        grouped: dict[str, list[TunnelQuery]] = {}
        for query in self.data_queries:
            grouped.setdefault(query.session, []).append(query)
        return {
            session: tuple(sorted(queries, key=lambda query: query.sequence))
            for session, queries in sorted(grouped.items())
        }


def split_tunnel_traffic(lookups: Iterable[DnsLookup], domain: str) -> TunnelTraffic:
    """Sort the queries for names under ``domain`` into check-ins and payload-carrying queries."""
    domain = domain.lower().strip(".")
    under = [lookup for lookup in lookups if _normal(lookup.name).endswith("." + domain)]
    zone = tunnel_zone([_normal(lookup.name) for lookup in under], domain)
    suffix = "." + zone
    check_ins: list[DnsLookup] = []
    data: dict[tuple[str, int], TunnelQuery] = {}
    other: list[str] = []
    for lookup in under:
        name = _normal(lookup.name)
        labels = name[: -len(suffix)].split(".")
        if len(labels) == 1:
            check_ins.append(lookup)
        elif _COUNTER_LABEL.fullmatch(labels[0]):
            key = (labels[0][:4], int(labels[0][4:], 16))
            if key not in data:
                data[key] = TunnelQuery(name, lookup.type, lookup.query_frame, *key, "".join(labels[1:]))
        else:
            other.append(name)
    ordered = sorted(data.values(), key=lambda query: (query.frame or 0, query.session, query.sequence))
    return TunnelTraffic(zone, tuple(check_ins), tuple(ordered), tuple(sorted(set(other))))


def tunnel_zone(names: list[str], domain: str) -> str:
    """The longest label suffix every name shares (at least ``domain``), leaving each name a label."""
    reversed_labels = [name.split(".")[::-1] for name in sorted(set(names))]
    zone = domain.split(".")[::-1]
    if len(reversed_labels) < 2:
        return domain  # one name alone does not show where its payload ends
    shortest = min(len(labels) for labels in reversed_labels)
    while len(zone) < shortest - 1:
        label = reversed_labels[0][len(zone)]
        if any(labels[len(zone)] != label for labels in reversed_labels):
            break
        zone.append(label)
    return ".".join(reversed(zone))


def _normal(name: str) -> str:
    return name.lower().rstrip(".")


def decode_payload(payload: str) -> tuple[bytes, str]:
    """The bytes a payload text stands for, and the encoding that gave them ("base32" or "hex").

    Both alphabets share ``a``-``f`` and ``2``-``7``, so where both fit, the decoding that
    yields UTF-8 text wins (base32 first). Raises ValueError when neither decodes.
    """
    characters = set(payload.lower())
    attempts: list[tuple[bytes, str]] = []
    if characters <= _BASE32_CHARACTERS:
        padded = payload.upper() + "=" * (-len(payload) % 8)
        try:
            attempts.append((base64.b32decode(padded), "base32"))
        except binascii.Error:
            pass
    if characters <= _HEX_CHARACTERS and len(payload) % 2 == 0:
        attempts.append((bytes.fromhex(payload), "hex"))
    if not attempts:
        raise ValueError(f"{payload[:40]!r}... is neither base32 nor hex")
    for data, encoding in attempts:
        if _is_text(data):
            return data, encoding
    return attempts[0]


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(character.isprintable() or character in "\r\n\t" for character in text)

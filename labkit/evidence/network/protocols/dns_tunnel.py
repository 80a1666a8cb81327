"""Data smuggled out in DNS query names, the way dnscat2 and iodine do it, simplified for training.

The scheme (what a trainee reverses)::

    <header>.<data>[.<data>...].<domain>

    header  8 hex digits: session id (4) then sequence number (4), e.g. 1a2b0003
    data    the chunk, encoded as lower-case base32 (RFC 4648 alphabet a-z 2-7, no
            '=' padding) or as lower-case hex, cut into labels of at most 63 characters;
            base32 chunks are a multiple of 5 octets, so the chunks' texts concatenate
            into one base32 text (only the last chunk can be shorter)
    domain  the attacker's domain, whose authoritative server receives every query

Chunks are numbered from 0 in the order of the data; resolvers may repeat or reorder
queries (and some randomise letter case), so a decoder lower-cases, sorts by sequence
number and drops duplicates. Names stay within 253 characters. To decode a capture::

    tshark -r capture.pcapng -Y 'dns.flags.response == 0 && dns.qry.name contains "evil.example"' \\
        -T fields -e dns.qry.name | sort -u > names.txt

    import base64
    chunks = {}
    for name in open("names.txt").read().split():
        header, *data = name.lower().removesuffix(".evil.example").split(".")
        chunks[int(header[4:], 16)] = "".join(data)
    text = "".join(chunks[n] for n in sorted(chunks)).upper()
    data = base64.b32decode(text + "=" * (-len(text) % 8))       # hex: bytes.fromhex(...)
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Literal

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import (
    MAXIMUM_LABEL_LENGTH,
    MAXIMUM_NAME_LENGTH,
    to_ascii_name,
)

TunnelEncoding = Literal["base32", "hex"]
_HEADER_LENGTH = 8
_MAXIMUM_SEQUENCE = 0xFFFF
_BASE32_GROUP = 5  # octets per 8 base32 characters: whole groups need no padding


def encode_tunnel_names(
    data: bytes,
    domain: str,
    *,
    session_id: int,
    encoding: TunnelEncoding = "base32",
    chunk_size: int | None = None,
) -> list[str]:
    """The query names carrying ``data`` in order; ``chunk_size`` octets per name (default: as many as fit).

    Raises:
        PayloadValueError: a session id outside 0..65535, a domain too long to leave
            room for data, a chunk that does not fit in one name, or more than 65536 chunks.
    """
    if not 0 <= session_id <= 0xFFFF:
        raise PayloadValueError(f"tunnel session id must be 0..65535 (got {session_id})")
    if encoding not in ("base32", "hex"):
        raise PayloadValueError(f"tunnel encoding must be 'base32' or 'hex' (got {encoding!r})")
    suffix = to_ascii_name(domain).lower()
    largest = _largest_chunk(len(suffix), encoding)
    size = chunk_size or largest
    if not 1 <= size <= largest:
        raise PayloadValueError(f"tunnel chunks under {suffix!r} hold 1..{largest} octets (got {size})")
    if encoding == "base32" and size % _BASE32_GROUP:
        raise PayloadValueError(f"base32 tunnel chunks are a multiple of 5 octets (got {size})")
    pieces = [data[offset : offset + size] for offset in range(0, len(data), size)] or [b""]
    if len(pieces) > _MAXIMUM_SEQUENCE + 1:
        raise PayloadValueError(f"{len(pieces)} chunks exceed the 65536 sequence numbers of one session")
    names = []
    for sequence, piece in enumerate(pieces):
        text = _encode(piece, encoding)
        labels = [text[i : i + MAXIMUM_LABEL_LENGTH] for i in range(0, len(text), MAXIMUM_LABEL_LENGTH)]
        names.append(".".join([f"{session_id:04x}{sequence:04x}", *labels, suffix]))
    return names


def decode_tunnel_names(
    names: Iterable[str], domain: str, *, encoding: TunnelEncoding = "base32"
) -> dict[int, bytes]:
    """Reassemble tunnelled data per session id from query names (any order, duplicates, any case).

    Names not under ``domain`` are ignored.

    Raises:
        PayloadValueError: a malformed header or data label, a sequence number seen
            twice with different data, or a gap in a session's sequence.
    """
    suffix = "." + to_ascii_name(domain).lower()
    sessions: dict[int, dict[int, str]] = {}
    for name in names:
        lowered = name.lower().rstrip(".")
        if not lowered.endswith(suffix):
            continue
        header, *labels = lowered.removesuffix(suffix).split(".")
        if len(header) != _HEADER_LENGTH or any(c not in "0123456789abcdef" for c in header):
            raise PayloadValueError(f"tunnel name {name!r} does not start with an 8-hex-digit header")
        session, sequence = int(header[:4], 16), int(header[4:], 16)
        text = "".join(labels)
        seen = sessions.setdefault(session, {}).setdefault(sequence, text)
        if seen != text:
            raise PayloadValueError(
                f"tunnel session {session:04x} chunk {sequence} was sent with two contents"
            )
    result = {}
    for session, chunks in sorted(sessions.items()):
        if sorted(chunks) != list(range(len(chunks))):
            missing = sorted(set(range(max(chunks) + 1)) - set(chunks))
            raise PayloadValueError(f"tunnel session {session:04x} is missing chunks {missing[:10]}")
        result[session] = b"".join(_decode(chunks[sequence], encoding) for sequence in sorted(chunks))
    return result


def _encode(piece: bytes, encoding: TunnelEncoding) -> str:
    if encoding == "hex":
        return piece.hex()
    return base64.b32encode(piece).decode("ascii").rstrip("=").lower()


def _decode(text: str, encoding: TunnelEncoding) -> bytes:
    try:
        if encoding == "hex":
            return bytes.fromhex(text)
        return base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except ValueError as error:
        raise PayloadValueError(f"tunnel data {text[:20]!r}... is not {encoding}: {error}") from None


def _encoded_length(octets: int, encoding: TunnelEncoding) -> int:
    return 2 * octets if encoding == "hex" else -(-8 * octets // 5)


def _largest_chunk(suffix_length: int, encoding: TunnelEncoding) -> int:
    """Most octets per name (base32: whole 5-octet groups) with header, dots and domain in 253 characters."""
    budget = MAXIMUM_NAME_LENGTH - suffix_length - _HEADER_LENGTH - 2
    octets = 0
    while True:
        characters = _encoded_length(octets + 1, encoding)
        labels = -(-characters // MAXIMUM_LABEL_LENGTH)
        if characters + labels - 1 > budget:
            break
        octets += 1
    if encoding == "base32":
        octets -= octets % _BASE32_GROUP
    if octets == 0:
        raise PayloadValueError(
            "the tunnel domain is too long to leave room for data in a 253-character name"
        )
    return octets

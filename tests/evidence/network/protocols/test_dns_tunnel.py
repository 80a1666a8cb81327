"""DNS tunnel names: limits, round trip, and decoding from what tshark shows in a capture."""

from __future__ import annotations

import base64
from pathlib import Path
from random import Random

import pytest
from protocol_captures import column, expert_problems, udp_capture

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns import dns_query
from labkit.evidence.network.protocols.dns_tunnel import decode_tunnel_names, encode_tunnel_names

DOMAIN = "cdn-sync.example.org"
SECRET = "Пароли бухгалтерии: 1С admin / Qwerty2024!\n".encode() * 20


@pytest.mark.parametrize("encoding", ["base32", "hex"])
def test_names_respect_dns_limits_and_round_trip(encoding: str) -> None:
    names = encode_tunnel_names(SECRET, DOMAIN, session_id=0x1A2B, encoding=encoding)  # type: ignore[arg-type]
    assert len(names) > 3
    for sequence, name in enumerate(names):
        assert len(name) <= 253 and name.endswith("." + DOMAIN)
        labels = name.split(".")
        assert all(1 <= len(label) <= 63 for label in labels)
        assert labels[0] == f"1a2b{sequence:04x}"
    assert decode_tunnel_names(names, DOMAIN, encoding=encoding) == {0x1A2B: SECRET}  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["base32", "hex"])
def test_chunks_fill_the_name_to_the_limit(encoding: str) -> None:
    names = encode_tunnel_names(SECRET, DOMAIN, session_id=1, encoding=encoding)  # type: ignore[arg-type]
    assert 240 <= len(names[0]) <= 253


def test_the_documented_short_script_decodes_base32_by_hand() -> None:
    names = encode_tunnel_names(b"top secret", "evil.example", session_id=7, chunk_size=5)
    chunks = {}
    for name in names:
        header, *data = name.lower().removesuffix(".evil.example").split(".")
        chunks[int(header[4:], 16)] = "".join(data)
    text = "".join(chunks[n] for n in sorted(chunks)).upper()
    assert base64.b32decode(text + "=" * (-len(text) % 8)) == b"top secret"


def test_decoder_tolerates_reordering_duplicates_case_and_other_sessions() -> None:
    first = encode_tunnel_names(b"alpha" * 50, DOMAIN, session_id=1, chunk_size=20)
    second = encode_tunnel_names(b"beta" * 40, DOMAIN, session_id=2, chunk_size=30)
    mixed = [*reversed(first), first[0].upper(), *second, "www.example.com", *second[:2]]
    Random(4).shuffle(mixed)
    assert decode_tunnel_names(mixed, DOMAIN) == {1: b"alpha" * 50, 2: b"beta" * 40}


def test_missing_chunks_are_reported() -> None:
    names = encode_tunnel_names(bytes(300), DOMAIN, session_id=3, chunk_size=50)
    with pytest.raises(PayloadValueError, match="missing chunks"):
        decode_tunnel_names(names[:2] + names[3:], DOMAIN)


def test_tunnel_queries_in_a_capture_decode_from_tshark_output(tmp_path: Path) -> None:
    names = encode_tunnel_names(SECRET, DOMAIN, session_id=0xBEEF)
    datagrams = [("client", dns_query(0x4000 + index, name, "TXT")) for index, name in enumerate(names)]
    capture = udp_capture(tmp_path / "tunnel.pcap", datagrams, server_port=53)
    assert expert_problems(capture) == []
    shown = column(capture, "dns.qry.name")
    assert decode_tunnel_names(shown, DOMAIN) == {0xBEEF: SECRET}


def test_invalid_parameters_are_clear_errors() -> None:
    with pytest.raises(PayloadValueError, match="session id"):
        encode_tunnel_names(b"x", DOMAIN, session_id=70000)
    with pytest.raises(PayloadValueError, match="octets"):
        encode_tunnel_names(b"x", DOMAIN, session_id=1, chunk_size=500)
    with pytest.raises(PayloadValueError, match="multiple of 5"):
        encode_tunnel_names(b"x", DOMAIN, session_id=1, chunk_size=12)
    with pytest.raises(PayloadValueError, match="too long"):
        encode_tunnel_names(b"x", ".".join(["d" * 60] * 4), session_id=1)

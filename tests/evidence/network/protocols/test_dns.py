"""DNS messages, read back by tshark (fields, flags, expert info) and scapy (an independent decoder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from protocol_captures import column, expert_problems, fields, udp_capture
from scapy.layers.dns import DNS

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns import DnsRecord, dns_query, dns_response, reverse_pointer_name
from labkit.evidence.network.protocols.dns_names import encode_name, to_ascii_name

SOA = DnsRecord(
    "example.com", "SOA", 900, "ns1.example.com hostmaster.example.com 2024010801 7200 3600 1209600 300"
)
LONG_TEXT = "v=spf1 " + "include:_spf.example.com " * 12 + "~all"


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One capture with a CNAME chain (IDN), NXDOMAIN, TXT/MX, AAAA and PTR exchanges."""
    chain = [
        DnsRecord("www.пример.рф", "CNAME", 300, "cdn.example.net"),
        DnsRecord("cdn.example.net", "CNAME", 60, "edge.cdn.example.net"),
        DnsRecord("edge.cdn.example.net", "A", 20, "203.0.113.7"),
        DnsRecord("edge.cdn.example.net", "A", 20, "203.0.113.8"),
    ]
    txt = [
        DnsRecord("example.com", "TXT", 300, LONG_TEXT),
        DnsRecord("example.com", "MX", 300, "10 mail.example.com"),
    ]
    ptr_name = reverse_pointer_name("192.0.2.25")
    exchanges = [
        (0x1A2B, "www.пример.рф", "A", chain, 0, ()),
        (0x1A2C, "nothing.example.com", "A", [], 3, (SOA,)),
        (0x1A2D, "example.com", "TXT", txt, 0, ()),
        (
            0x1A2E,
            "ipv6.example.com",
            "AAAA",
            [DnsRecord("ipv6.example.com", "AAAA", 60, "2001:db8::1")],
            0,
            (),
        ),
        (0x1A2F, ptr_name, "PTR", [DnsRecord(ptr_name, "PTR", 3600, "host25.example.com")], 0, ()),
    ]
    datagrams = []
    for txid, name, qtype, answers, rcode, authority in exchanges:
        datagrams.append(("client", dns_query(txid, name, qtype)))
        datagrams.append(
            ("server", dns_response(txid, name, qtype, answers, rcode=rcode, authority=authority))
        )
    return udp_capture(tmp_path_factory.mktemp("dns") / "dns.pcap", datagrams, server_port=53)


def test_tshark_reads_every_message_without_warnings(capture: Path) -> None:
    assert expert_problems(capture) == []
    assert column(capture, "dns.id") == [
        f"0x{txid:04x}"
        for txid in (0x1A2B,) * 2 + (0x1A2C,) * 2 + (0x1A2D,) * 2 + (0x1A2E,) * 2 + (0x1A2F,) * 2
    ]


def test_idn_names_go_on_the_wire_as_a_labels(capture: Path) -> None:
    names = column(capture, "dns.qry.name", display_filter="dns.flags.response == 0")
    assert names[0] == "www.xn--e1afmkfd.xn--p1ai"
    assert names[4] == "25.2.0.192.in-addr.arpa"


def test_responses_carry_recursive_resolver_flags_and_rcodes(capture: Path) -> None:
    rows = fields(capture, "dns.flags", "dns.flags.rcode", display_filter="dns.flags.response == 1")
    assert [row[0] for row in rows] == ["0x8180", "0x8183", "0x8180", "0x8180", "0x8180"]
    assert [row[1] for row in rows] == ["0", "3", "0", "0", "0"]
    queries = fields(capture, "dns.flags", display_filter="dns.flags.response == 0")
    assert {row[0] for row in queries} == {"0x0100"}


def test_cname_chain_comes_before_the_addresses(capture: Path) -> None:
    (row,) = fields(
        capture,
        "dns.cname",
        "dns.a",
        "dns.resp.ttl",
        display_filter="dns.id == 0x1a2b && dns.flags.response == 1",
    )
    assert row[0].split("|") == ["cdn.example.net", "edge.cdn.example.net"]
    assert row[1].split("|") == ["203.0.113.7", "203.0.113.8"]
    assert row[2].split("|") == ["300", "60", "20", "20"]


def test_nxdomain_has_the_zone_soa_in_authority(capture: Path) -> None:
    (row,) = fields(
        capture,
        "dns.count.answers",
        "dns.count.auth_rr",
        "dns.soa.mname",
        "dns.soa.rname",
        "dns.soa.minimum_ttl",
        display_filter="dns.flags.rcode == 3",
    )
    assert row == ["0", "1", "ns1.example.com", "hostmaster.example.com", "300"]


def test_txt_is_split_into_strings_of_at_most_255_octets(capture: Path) -> None:
    (row,) = fields(
        capture,
        "dns.txt",
        "dns.txt.length",
        "dns.mx.mail_exchange",
        display_filter="dns.id == 0x1a2d && dns.flags.response == 1",
    )
    lengths = [int(value) for value in row[1].split("|")]
    assert lengths == [255, len(LONG_TEXT) - 255]
    assert "".join(row[0].split("|")) == LONG_TEXT
    assert row[2] == "mail.example.com"


def test_aaaa_and_ptr_answers(capture: Path) -> None:
    assert column(capture, "dns.aaaa") == ["2001:db8::1"]
    assert column(capture, "dns.ptr.domain_name") == ["host25.example.com"]


def test_names_are_compressed_against_the_question() -> None:
    response = dns_response(7, "www.example.com", "A", [DnsRecord("www.example.com", "A", 60, "192.0.2.1")])
    assert response.count(b"\x03www\x07example\x03com\x00") == 1
    assert b"\xc0\x0c" in response
    parsed = DNS(response)
    assert parsed.an[0].rrname == b"www.example.com." and parsed.an[0].rdata == "192.0.2.1"


def test_scapy_decodes_compressed_rdata_names() -> None:
    answers = [
        DnsRecord("a.example.org", "CNAME", 60, "b.example.org"),
        DnsRecord("b.example.org", "A", 60, "192.0.2.9"),
    ]
    parsed = DNS(dns_response(9, "a.example.org", "A", answers))
    assert parsed.an[0].rdata == b"b.example.org." and parsed.an[1].rrname == b"b.example.org."


def test_edns0_opt_record_is_optional() -> None:
    with_opt = DNS(dns_query(1, "example.com", "A", edns_payload_size=1232))
    assert with_opt.arcount == 1 and with_opt.ar[0].type == 41 and with_opt.ar[0].rclass == 1232
    assert DNS(dns_query(1, "example.com", "A")).arcount == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a" * 64 + ".example.com", "63"),
        (".".join(["abcdefghi"] * 26), "253"),
        ("www..example.com", "empty label"),
    ],
)
def test_name_limits_raise_a_clear_value_error(name: str, message: str) -> None:
    with pytest.raises(PayloadValueError, match=message):
        dns_query(1, name, "A")
    with pytest.raises(ValueError):  # also a ValueError, as pure builders promise
        encode_name(name)


def test_longest_legal_name_is_accepted() -> None:
    name = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
    assert len(to_ascii_name(name)) == 253
    assert len(encode_name(name)) == 255


@pytest.mark.parametrize(
    "record",
    [
        DnsRecord("x.example", "A", 1, "2001:db8::1"),
        DnsRecord("x.example", "MX", 1, "mail.example"),
        DnsRecord("x.example", "SOA", 1, "ns1 host 1 2 3"),
    ],
)
def test_malformed_record_values_are_rejected(record: DnsRecord) -> None:
    with pytest.raises(PayloadValueError, match=record.type):
        dns_response(1, "x.example", "A", [record])


def test_oversized_udp_response_without_edns_is_refused() -> None:
    many = [DnsRecord("big.example", "TXT", 60, "x" * 200) for _ in range(3)]
    with pytest.raises(PayloadValueError, match="512"):
        dns_response(1, "big.example", "TXT", many)
    assert len(dns_response(1, "big.example", "TXT", many, edns_payload_size=1232)) > 512

"""DNS lookups and HTTP requests, compared with what tshark dissects in the same capture."""

from __future__ import annotations

import pytest
from lab_capture import TUNNEL_LABELS, Lab
from tshark_reference import fields

from labkit.tools.net import domain_statistics, list_dns, list_http
from labkit.tools.net.dns_messages import parse_dns
from labkit.tools.net.registered_domains import registered_domain, shannon_entropy


def test_dns_lookups_match_tshark(any_lab: Lab) -> None:
    report = list_dns(any_lab.path)
    rows = fields(
        any_lab.path,
        "frame.number",
        "dns.flags.response",
        "dns.qry.name",
        "dns.flags.rcode",
        "dns.response_to",
        "tcp.stream",
        "udp.stream",
        display_filter="dns",
    )
    responses = {int(row[0]): row for row in rows if row[1] in ("1", "True")}
    queries = {int(row[0]): row for row in rows if row[1] not in ("1", "True")}
    ours = {lookup.query_frame: lookup for lookup in report.lookups}
    assert set(ours) == set(queries)
    for frame, row in responses.items():
        lookup = ours[int(row[4])]  # dns.response_to: the query frame Wireshark paired it with
        assert lookup.response_frame == frame and lookup.name == row[2]
        assert lookup.stream == int(row[5] or row[6])
        assert {"0": "NOERROR", "3": "NXDOMAIN"}[row[3]] == lookup.rcode
    unanswered = ours[any_lab.frames["dns_unanswered"]]
    assert unanswered.response_frame is None and unanswered.rcode is None
    tcp = next(lookup for lookup in report.lookups if lookup.transport == "tcp")
    assert tcp.response_frame == any_lab.frames["dns_tcp_response"]
    assert tcp.answers == ('TXT "v=lab1 key=Zm9vYmFy"',)
    chain = next(lookup for lookup in report.lookups if lookup.name == "www.example.kz")
    assert chain.answers == ("CNAME cdn.example.net", "AAAA 2001:db8::80")


def test_domain_statistics_make_the_tunnel_stand_out(lab: Lab) -> None:
    statistics = domain_statistics(list_dns(lab.path).lookups)
    top = statistics[0]
    assert top.domain == "evil.co.uk" and top.unique_names == len(TUNNEL_LABELS) == top.queries
    assert top.max_name_length == len(f"{TUNNEL_LABELS[0]}.t.evil.co.uk")
    others = [item for item in statistics if item.domain != "evil.co.uk"]
    assert all(item.label_entropy < top.label_entropy for item in others)
    assert next(item for item in statistics if item.domain == "example.com").nxdomain == 1


@pytest.mark.parametrize(
    ("name", "domain"),
    [
        ("a.b.evil.co.uk", "evil.co.uk"),
        ("x.example.com", "example.com"),
        ("mail.gov.kz", "mail.gov.kz"),
        ("egov.kz", "egov.kz"),
        ("WWW.Example.COM.", "example.com"),
        ("4.3.2.1.in-addr.arpa", "1.in-addr.arpa"),
    ],
)
def test_registered_domain(name: str, domain: str) -> None:
    assert registered_domain(name) == domain


def test_entropy_and_hostile_dns_names() -> None:
    assert shannon_entropy("aaaa") == 0 and round(shannon_entropy("abcd"), 3) == 2.0
    # a label with a dot and a control byte inside, and a compression pointer loop
    message = bytes.fromhex("1234 0100 0001 0000 0000 0000") + b"\x03a.b\x02\x1b[\x00\x00\x01\x00\x01"
    parsed = parse_dns(message)
    assert parsed is not None and parsed.questions[0].name == "a\\.b.\\027["
    looping = bytes.fromhex("1234 0100 0001 0000 0000 0000 c00c 0001 0001")
    assert parse_dns(looping) is None


def test_http_requests_match_tshark(any_lab: Lab) -> None:
    report = list_http(any_lab.path)
    requests = fields(
        any_lab.path,
        "frame.number",
        "tcp.stream",
        "http.request.method",
        "http.host",
        "http.request.uri",
        "http.user_agent",
        display_filter="http.request",
    )
    responses = fields(
        any_lab.path,
        "frame.number",
        "tcp.stream",
        "http.response.code",
        "http.request_in",
        display_filter="http.response",
    )
    assert [
        (row.request_frame, row.stream, row.method, row.host, row.uri, row.user_agent)
        for row in report.transactions
    ] == [
        (int(frame), int(stream), method, host, uri, agent)
        for frame, stream, method, host, uri, agent in requests
    ]
    answered = {int(request_in): (int(frame), int(code)) for frame, _, code, request_in in responses}
    for row in report.transactions:
        assert (row.response_frame, row.status) == answered[row.request_frame]
    report_row = next(row for row in report.transactions if row.uri == "/files/report.txt")
    assert (
        report_row.body_length == len(any_lab.objects["report.txt"])
        and report_row.content_type == "text/plain"
    )
    post = next(row for row in report.transactions if row.method == "POST")
    assert post.request_frame == any_lab.frames["http_post"] and post.request_body_length == 44

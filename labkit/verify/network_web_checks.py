"""Name lookups and web traffic read back with tshark: DNS lookups, HTTP exchanges, TLS sessions, pings.

HTTP bodies are the objects tshark exports (``--export-objects http``), hashed here; an upload's file
is decoded from the exported multipart body by Python's ``email`` package; Basic credentials are the
ones tshark decodes.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import ClassVar

from labkit.verify import exported_objects as objects
from labkit.verify.network_views import (
    DNS_RCODES,
    DNS_TYPES,
    ActionView,
    ConnectionView,
    NotShown,
    dns_response,
    is_dns_query,
    iso,
    need,
    seconds_us,
)
from labkit.verify.tshark_cli import Frame


class DnsLookupView(ActionView):
    """One lookup (anchor: its ``udp_stream``): the query for the recorded name and tshark's answer."""

    kind = "dns.lookup"
    signature = frozenset({"query_frame", "response_frame", "rcode"})

    def query(self) -> Frame:
        queries = [f for f in self.capture.udp_stream(self.record.get("udp_stream")) if is_dns_query(f)]
        wanted = [f for f in queries if f.get("dns.qry.name") == self.record.get("name")]
        return need((wanted or queries or [None])[0], "no DNS query in the udp.stream")

    def response(self) -> Frame:
        return dns_response(self.capture, self.query())

    def fact_name(self) -> str | None:
        return self.query().get("dns.qry.name")

    def fact_type(self) -> str | None:
        return DNS_TYPES.get(self.query().get("dns.qry.type") or "")

    def fact_rcode(self) -> str | None:
        return DNS_RCODES.get(self.response().get("dns.flags.rcode") or "")

    def fact_answer(self) -> str | None:
        response = self.response()
        field = {"A": "dns.a", "AAAA": "dns.aaaa", "CNAME": "dns.cname", "TXT": "dns.txt"}.get(
            self.fact_type() or "", ""
        )
        if self.fact_type() == "MX":
            pairs = zip(response.all("dns.mx.preference"), response.all("dns.mx.mail_exchange"), strict=False)
            return ", ".join(f"{preference} {host}" for preference, host in pairs) or None
        return ", ".join(response.all(field)) or None

    def fact_client_ip(self) -> str | None:
        return self.query().source

    def fact_resolver(self) -> str | None:
        return self.query().destination

    def fact_query_frame(self) -> int:
        return self.query().number

    def fact_response_frame(self) -> int:
        return self.response().number

    def fact_time(self) -> str:
        return iso(self.query().time_us)

    def fact_udp_stream(self) -> int | None:
        """The stream of the first query for the recorded name from the client, at or after its time."""
        since = (seconds_us(self.record.get("time")) or 0) - 1_000_000
        for frame in self.capture.frames:
            if (
                is_dns_query(frame)
                and frame.time_us >= since
                and frame.source == self.record.get("client_ip")
            ):
                if frame.get("dns.qry.name") == self.record.get("name"):
                    return frame.integer("udp.stream")
        raise NotShown("no query for the recorded name from the client")


class HttpView(ConnectionView):
    """One HTTP exchange (anchor: ``tcp_stream``); bodies from ``--export-objects http``."""

    kind = "http.request"
    signature = frozenset({"uri", "method", "object_sha256"})
    tools: ClassVar[dict[str, str]] = {
        **{
            f"object_{name}": "tshark --export-objects http"
            for name in ("name", "size", "md5", "sha1", "sha256")
        },
        **{
            f"upload_{name}": "tshark --export-objects http + email (multipart)"
            for name in ("name", "size", "sha256")
        },
    }

    def request(self) -> Frame:
        return self.first_with("http.request.method")

    def response(self) -> Frame:
        return self.first_with("http.response.code")

    def body(self) -> bytes:
        return need(
            objects.http_body(self.capture, self.response()), "tshark exported no object for the response"
        )

    def upload(self) -> tuple[str, bytes]:
        request = self.request()
        data = need(objects.http_body(self.capture, request), "tshark exported no request body")
        files = objects.form_files(request.get("http.content_type") or "", data)
        return need(files, "the request body holds no file")[0]

    def fact_request_frame(self) -> int:
        """Where Wireshark shows the request: its last segment, once reassembled."""
        return self.request().number

    def fact_response_frame(self) -> int:
        """Where Wireshark shows "HTTP/1.1 200 OK": the response's last segment, once reassembled."""
        return self.response().number

    def fact_method(self) -> str | None:
        return self.request().get("http.request.method")

    def fact_host_header(self) -> str | None:
        return self.request().get("http.host")

    def fact_uri(self) -> str | None:
        return self.request().get("http.request.uri")

    def fact_url(self) -> str | None:
        return self.request().get("http.request.full_uri")

    def fact_user_agent(self) -> str | None:
        return self.request().get("http.user_agent")

    def fact_status(self) -> int | None:
        return self.response().integer("http.response.code")

    def fact_content_type(self) -> str | None:
        return self.response().get("http.content_type")

    def fact_basic_user(self) -> str:
        return need(self.request().get("http.authbasic"), "no Basic credentials").partition(":")[0]

    def fact_basic_password(self) -> str:
        return need(self.request().get("http.authbasic"), "no Basic credentials").partition(":")[2]

    def fact_object_name(self) -> str:
        name = objects.base_name(self.request().get("http.request.uri") or "")
        return need(name if name not in ("/", ".") else None, "the URI names no file")

    def fact_object_size(self) -> int:
        return len(self.body())

    def fact_object_md5(self) -> str:
        return hashlib.md5(self.body()).hexdigest()

    def fact_object_sha1(self) -> str:
        return hashlib.sha1(self.body()).hexdigest()

    def fact_object_sha256(self) -> str:
        return hashlib.sha256(self.body()).hexdigest()

    def fact_upload_name(self) -> str:
        return self.upload()[0]

    def fact_upload_size(self) -> int:
        return len(self.upload()[1])

    def fact_upload_sha256(self) -> str:
        return hashlib.sha256(self.upload()[1]).hexdigest()

    def fact_dns_query_frame(self) -> int:
        """The client's last query for the Host header's name before it connected (from the same network
        card: a connection over IPv6 may follow a query sent over IPv4)."""
        host = (self.request().get("http.host") or "").rsplit(":", 1)[0]
        syn, card = self.syn(), self.syn().get("eth.src")
        found = [f for f in self.capture.frames[: syn.number] if is_dns_query(f) and f.get("eth.src") == card]
        return need([f for f in found if f.get("dns.qry.name") == host], f"no query for {host}")[-1].number


class TlsView(ConnectionView):
    """A TLS session (anchor: ``tcp_stream``): the ClientHello and its SNI; the rest is encrypted."""

    kind = "tls.connect"
    signature = frozenset({"sni", "client_hello_frame"})
    unread: ClassVar[dict[str, str]] = {
        "bytes_up": "TLS 1.3 records hide how much of each is application data",
        "bytes_down": "TLS 1.3 records hide how much of each is application data",
    }

    def hello(self) -> Frame:
        return self.first_with("tls.handshake.type", "1")

    def fact_sni(self) -> str | None:
        return self.hello().get("tls.handshake.extensions_server_name")

    def fact_client_hello_frame(self) -> int:
        return self.hello().first_segment


class PingView(ActionView):
    """The echo requests of one ping (anchor: ``first_frame``) and the replies to them."""

    kind = "icmp.ping"
    signature = frozenset({"requests", "replies", "target_ip"})

    @cached_property
    def requests(self) -> list[Frame]:
        first = self.frame(self.record.get("first_frame"), "no first frame")
        if first.get("icmp.type") != "8":
            raise NotShown(f"frame {first.number} is not an echo request")
        same = (first.source, first.destination, first.get("icmp.ident"))
        return [
            f
            for f in self.capture.frames
            if f.get("icmp.type") == "8" and (f.source, f.destination, f.get("icmp.ident")) == same
        ]

    def fact_first_frame(self) -> int:
        return self.requests[0].number

    def fact_target_ip(self) -> str | None:
        return self.requests[0].destination

    def fact_requests(self) -> int:
        return len(self.requests)

    def fact_replies(self) -> int:
        first = self.requests[0]
        same = (first.destination, first.source, first.get("icmp.ident"))
        return sum(
            1
            for f in self.capture.frames
            if f.get("icmp.type") == "0" and (f.source, f.destination, f.get("icmp.ident")) == same
        )

    def fact_started(self) -> str:
        return iso(self.requests[0].time_us)

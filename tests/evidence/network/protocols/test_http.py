"""HTTP requests and responses: tshark's fields and exported objects against what the builders report."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from random import Random

import pytest
from protocol_captures import column, expert_problems, fields, tcp_capture, tshark

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.http import HttpMessage, http_date, http_request, http_response
from labkit.evidence.network.protocols.http_clients import (
    CURL,
    FIREFOX_WINDOWS,
    POWERSHELL,
    PYTHON_REQUESTS,
    WGET,
)
from labkit.evidence.network.protocols.http_forms import (
    FormFile,
    basic_auth_header,
    form_urlencoded,
    multipart_form_data,
    webkit_boundary,
)
from labkit.evidence.network.protocols.script import Say

SERVED = datetime(2024, 1, 8, 4, 15, 42, tzinfo=UTC)
MODIFIED = datetime(2023, 12, 1, 9, 30, 0, 250_000, tzinfo=UTC)
PAYLOAD = Random(3).randbytes(30_000) + b"ABCD" * 10_000  # half random (incompressible), half repetitive
UPLOAD = "Конфиденциально\n".encode() * 200


def _exported(capture: Path, directory: Path) -> dict[str, str]:
    tshark(capture, "-q", "--export-objects", f"http,{directory}")
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in directory.iterdir()}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[HttpMessage]]:
    """A download (gzip + chunked), a multipart upload, a form login with Basic auth, each answered."""
    content_type, form = multipart_form_data(
        [("comment", "квартальный отчёт")],
        [FormFile("file", "отчёт.txt", UPLOAD, "text/plain")],
        webkit_boundary(Random(2)),
    )
    messages = [
        http_request("GET", "files.пример.рф", "/dl/archive.bin?id=7"),
        http_response(
            200,
            date=SERVED,
            body=PAYLOAD,
            content_type="application/octet-stream",
            gzip=True,
            chunked=True,
            rng=Random(1),
            last_modified=MODIFIED,
        ),
        http_request(
            "POST",
            "files.пример.рф",
            "/upload",
            body=form,
            content_type=content_type,
            cookies=[("sessionid", "4f9a1c")],
        ),
        http_response(
            200,
            date=SERVED,
            body=b"<html><body>OK</body></html>",
            content_type="text/html; charset=utf-8",
            set_cookies=["sessionid=4f9a1c; Path=/; HttpOnly"],
        ),
        http_request(
            "POST",
            "intranet.example.kz",
            "/login",
            client=CURL,
            body=form_urlencoded([("user", "aibek")]),
            content_type="application/x-www-form-urlencoded",
            authorization=basic_auth_header("aibek", "Қ1w!"),
        ),
        http_response(
            302,
            date=SERVED + timedelta(seconds=1),
            server="Apache/2.4.57 (Debian)",
            content_type=None,
            headers=[("Location", "/home")],
            keep_alive=False,
        ),
    ]
    steps = [
        Say("client" if index % 2 == 0 else "server", message.data) for index, message in enumerate(messages)
    ]
    capture = tcp_capture(tmp_path_factory.mktemp("http") / "http.pcap", steps, server_port=80)
    return capture, messages


def test_tshark_dissects_the_session_cleanly(session: tuple[Path, list[HttpMessage]]) -> None:
    capture, _ = session
    assert expert_problems(capture) == []
    assert column(capture, "http.request.method") == ["GET", "POST", "POST"]
    assert column(capture, "http.request.uri") == ["/dl/archive.bin?id=7", "/upload", "/login"]
    assert column(capture, "http.host") == ["files.xn--e1afmkfd.xn--p1ai"] * 2 + ["intranet.example.kz"]
    assert column(capture, "http.response.code") == ["200", "200", "302"]


def test_exported_objects_hash_like_the_reported_entities(
    session: tuple[Path, list[HttpMessage]], tmp_path: Path
) -> None:
    """tshark 4.0 exports the decoded entity: de-chunked and gunzipped for the download, the raw
    multipart body for the upload (so an answer key hashes ``HttpMessage.entity``)."""
    capture, messages = session
    exported = _exported(capture, tmp_path)
    assert exported["archive.bin%3fid=7"] == hashlib.sha256(messages[1].entity).hexdigest()
    assert messages[1].entity == PAYLOAD
    assert exported["upload"] == hashlib.sha256(messages[2].entity).hexdigest()
    assert exported["upload(1)"] == hashlib.sha256(b"<html><body>OK</body></html>").hexdigest()


def test_download_headers_are_nginx_static_gzip(session: tuple[Path, list[HttpMessage]]) -> None:
    capture, messages = session
    (row,) = fields(
        capture,
        "http.server",
        "http.date",
        "http.last_modified",
        "http.transfer_encoding",
        "http.content_encoding",
        display_filter="http.content_encoding",
    )
    assert row == [
        "nginx/1.24.0",
        "Mon, 08 Jan 2024 04:15:42 GMT",
        "Fri, 01 Dec 2023 09:30:00 GMT",
        "chunked",
        "gzip",
    ]
    head = messages[1].data.split(b"\r\n\r\n")[0].decode()
    assert f'ETag: W/"{int(MODIFIED.timestamp()):x}-{len(PAYLOAD):x}"' in head
    assert "Accept-Ranges" not in head and "Content-Length" not in head


def test_cookies_basic_auth_and_form_fields_are_visible(session: tuple[Path, list[HttpMessage]]) -> None:
    capture, _ = session
    assert column(capture, "http.cookie") == ["sessionid=4f9a1c"]
    assert column(capture, "http.set_cookie") == ["sessionid=4f9a1c; Path=/; HttpOnly"]
    assert column(capture, "http.authbasic") == ["aibek:Қ1w!"]
    assert column(capture, "urlencoded-form.value") == ["aibek"]
    dispositions = column(capture, "mime_multipart.header.content-disposition")
    assert dispositions[0] == 'form-data;name="comment"'
    assert dispositions[1].startswith('form-data;name="file";filename="')  # raw UTF-8, shown escaped


def test_multipart_parts_are_what_browsers_send() -> None:
    content_type, body = multipart_form_data(
        [("a", 'x"y')], [FormFile("f", "a\nb.txt", b"data")], "----B0undary"
    )
    assert content_type == "multipart/form-data; boundary=----B0undary"
    assert body == (
        b'------B0undary\r\nContent-Disposition: form-data; name="a"\r\n\r\nx"y\r\n'
        b'------B0undary\r\nContent-Disposition: form-data; name="f"; filename="a%0Ab.txt"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\ndata\r\n------B0undary--\r\n"
    )
    with pytest.raises(PayloadValueError, match="occurs inside"):
        multipart_form_data([], [FormFile("f", "x", b"--B0undary")], "B0undary")


def test_urlencoding_follows_the_whatwg_serializer() -> None:
    assert form_urlencoded([("q", "a b*~é"), ("x", "1&2")]) == b"q=a+b*%7E%C3%A9&x=1%262"


def test_client_header_orders() -> None:
    curl = http_request("GET", "example.com", "/a", client=CURL).data
    assert curl == b"GET /a HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
    wget = http_request("GET", "example.com", "/a", client=WGET).data.decode()
    assert wget.split("\r\n")[1:6] == [
        "User-Agent: Wget/1.21.3",
        "Accept: */*",
        "Accept-Encoding: identity",
        "Host: example.com",
        "Connection: Keep-Alive",
    ]
    requests = http_request(
        "POST", "api.example.com", "/v1", client=PYTHON_REQUESTS, body=b"{}", content_type="application/json"
    ).data.decode()
    assert requests.index("Content-Length: 2") < requests.index("Content-Type: application/json")
    firefox = http_request(
        "GET", "example.com", "/", client=FIREFOX_WINDOWS, accept_language="ru-RU,ru;q=0.8"
    ).data
    assert b"\r\nAccept-Language: ru-RU,ru;q=0.8\r\n" in firefox and b"Origin" not in firefox
    replaced = http_request(
        "GET", "example.com", "/", headers=[("accept", "*/*"), ("DNT", "1")]
    ).data.decode()
    assert replaced.count("Accept: ") == 1 and replaced.endswith("DNT: 1\r\n\r\n")
    assert replaced.index("Accept: */*") < replaced.index("Accept-Encoding")  # replaced in place
    with pytest.raises(PayloadValueError, match="powershell"):
        http_request("POST", "example.com", "/", client=POWERSHELL, body=b"x")


def test_browser_post_gets_an_origin_and_non_ascii_targets_are_percent_encoded() -> None:
    data = http_request("POST", "example.com:8080", "/файл 1", body=b"a=1").data.decode()
    assert data.startswith("POST /%D1%84%D0%B0%D0%B9%D0%BB%201 HTTP/1.1\r\nHost: example.com:8080\r\n")
    assert "Origin: http://example.com:8080\r\n" in data


def test_gzip_is_deterministic_and_decodes() -> None:
    first = http_response(200, date=SERVED, body=PAYLOAD, gzip=True)
    second = http_response(200, date=SERVED, body=PAYLOAD, gzip=True)
    assert first.data == second.data
    encoded = first.data.split(b"\r\n\r\n", 1)[1]
    assert encoded[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # mtime 0, OS Unix
    assert gzip.decompress(encoded) == PAYLOAD and len(encoded) < len(PAYLOAD)


def test_chunk_sizes_from_the_caller_last_one_repeating() -> None:
    body = bytes(range(256)) * 4
    data = http_response(200, date=SERVED, body=body, chunked=True, chunk_sizes=[100, 300]).data
    chunked = data.split(b"\r\n\r\n", 1)[1]
    sizes, offset, decoded = [], 0, b""
    while True:
        line_end = chunked.index(b"\r\n", offset)
        size = int(chunked[offset:line_end], 16)
        sizes.append(size)
        decoded += chunked[line_end + 2 : line_end + 2 + size]
        offset = line_end + 2 + size + 2
        if size == 0:
            break
    assert sizes == [100, 300, 300, 300, 24, 0] and decoded == body
    with pytest.raises(PayloadValueError, match="chunk_sizes or an rng"):
        http_response(200, date=SERVED, body=body, chunked=True)


def test_server_families_and_dates() -> None:
    apache = http_response(
        200, date=SERVED, body=b"x", server="Apache/2.4.57 (Debian)", last_modified=MODIFIED, gzip=True
    ).data.decode("latin-1")
    lines = apache.split("\r\n")
    assert lines[1:3] == ["Date: Mon, 08 Jan 2024 04:15:42 GMT", "Server: Apache/2.4.57 (Debian)"]
    microseconds = int(MODIFIED.timestamp()) * 1_000_000 + 250_000
    assert f'ETag: "1-{microseconds:x}-gzip"' in lines and "Vary: Accept-Encoding" in lines
    almaty = SERVED.astimezone(timezone(timedelta(hours=5)))
    assert http_date(almaty) == "Mon, 08 Jan 2024 04:15:42 GMT"
    with pytest.raises(PayloadValueError, match="aware"):
        http_date(datetime(2024, 1, 1))
    not_modified = http_response(304, date=SERVED).data
    assert b"Content-Length" not in not_modified and not_modified.endswith(b"\r\n\r\n")


def test_header_injection_is_refused() -> None:
    with pytest.raises(PayloadValueError, match="header"):
        http_request("GET", "example.com", "/", headers=[("X-Test", "a\r\nEvil: 1")])

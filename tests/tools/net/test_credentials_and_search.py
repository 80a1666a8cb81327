"""Cleartext credentials and pattern search, compared with tshark's fields and display filters."""

from __future__ import annotations

import base64

import pytest
from lab_capture import Lab, mail_message
from tshark_reference import credentials_tap, fields

from labkit.errors import UsageError
from labkit.tools.net import find_credentials, search_capture


def test_credentials_match_tshark(any_lab: Lab) -> None:
    found = {(item.protocol, item.mechanism): item for item in find_credentials(any_lab.path).credentials}
    tap = {(frame, protocol): username for frame, protocol, username in credentials_tap(any_lab.path)}
    ftp = found["ftp", "USER/PASS"]
    ((frame, password),) = fields(
        any_lab.path, "frame.number", "ftp.request.arg", display_filter="ftp.request.command == PASS"
    )
    assert (ftp.frame, ftp.password, ftp.user) == (int(frame), password, tap[ftp.frame, "FTP"])
    assert (ftp.result, ftp.accepted) == ("230 Login successful.", True)
    basic = found["http", "Basic"]
    ((frame, decoded),) = fields(
        any_lab.path, "frame.number", "http.authbasic", display_filter="http.authbasic"
    )
    assert (basic.frame, f"{basic.user}:{basic.password}") == (int(frame), decoded)
    assert tap[basic.frame, "HTTP basic auth"] == basic.user
    login = found["smtp", "AUTH LOGIN"]
    ((frame, encoded),) = fields(
        any_lab.path, "frame.number", "smtp.auth.password", display_filter="smtp.auth.password"
    )
    assert (login.frame, login.password) == (int(frame), base64.b64decode(encoded).decode())
    assert base64.b64decode(tap[login.frame, "SMTP"]).decode() == login.user == "mallory@example.org"
    assert login.accepted is True
    plain = found["smtp", "AUTH PLAIN"]
    ((frame, token),) = fields(
        any_lab.path,
        "frame.number",
        "smtp.auth.username_password",
        display_filter="smtp.auth.username_password",
    )
    assert plain.frame == int(frame) == any_lab.frames["smtp_plain"]
    assert base64.b64decode(token).split(b"\0")[1:] == [plain.user.encode(), plain.password.encode()]
    assert plain.accepted is False and plain.result.startswith("535")
    pop = found["pop3", "USER/PASS"]
    ((frame, password),) = fields(
        any_lab.path, "frame.number", "pop.request.parameter", display_filter='pop.request.command == "PASS"'
    )
    assert (pop.frame, pop.password, pop.accepted) == (int(frame), password, False)
    imap = found["imap", "LOGIN"]
    assert tap[imap.frame, "IMAP"] == imap.user == "boss"
    assert imap.password == "pass word" and imap.accepted is True  # tshark 4.0 cuts a quoted password
    form = found["http", "form"]
    assert (form.frame, form.user, form.password) == (any_lab.frames["http_post"], "jdoe", "hunter2!")


def test_search_finds_what_tshark_filters_find(lab: Lab) -> None:
    report = search_capture(lab.path, "PASS")
    frames = [int(row[0]) for row in fields(lab.path, "frame.number", display_filter='frame contains "PASS"')]
    assert [hit.frame for hit in report.hits] == frames
    hit = next(hit for hit in report.hits if hit.frame == lab.frames["ftp_pass"])
    assert (hit.direction, hit.after[:11], hit.offset) == (
        "client->server",
        b" Tr0ub4dor&",
        len(b"USER mallory\r\n"),
    )
    insensitive = search_capture(lab.path, "pass", ignore_case=True)
    matching = fields(lab.path, "frame.number", display_filter='frame matches "(?i)pass"')
    assert {hit.frame for hit in insensitive.hits} == {int(row[0]) for row in matching}
    regex = search_capture(lab.path, r"password=[^&]+", regex=True)
    assert [(hit.match, hit.frame) for hit in regex.hits] == [
        (b"password=hunter2%21", lab.frames["http_post"])
    ]
    dns = search_capture(lab.path, "evil")
    assert {hit.protocol for hit in dns.hits} == {"udp"} and all(hit.stream is not None for hit in dns.hits)


def test_search_spans_segments_and_reports_the_first_frame(lab: Lab) -> None:
    stuffed = mail_message().replace(b"\r\n.", b"\r\n..")
    across = stuffed[1450:1470]  # the message is sent in 1460-byte segments: this crosses the first border
    assert not fields(lab.path, "frame.number", display_filter=f"frame contains {across.hex(':')}")
    report = search_capture(lab.path, across.decode("ascii"))
    (hit,) = report.hits
    rows = fields(
        lab.path, "frame.number", "tcp.seq", "tcp.len", display_filter=f"tcp.stream == {hit.stream}"
    )
    carrying = [int(n) for n, seq, length in rows if int(seq) - 1 <= hit.offset < int(seq) - 1 + int(length)]
    assert carrying == [hit.frame]
    assert hit.match == across and hit.direction == "client->server"


def test_bad_patterns_are_usage_errors(lab: Lab) -> None:
    with pytest.raises(UsageError, match="invalid regular expression"):
        search_capture(lab.path, "(unclosed", regex=True)
    with pytest.raises(UsageError, match="empty"):
        search_capture(lab.path, "")

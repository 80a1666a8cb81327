"""``labkit net creds``: credentials sent in cleartext, with the frame and the server's verdict.

FTP USER/PASS (frame of PASS; 230 accepted, 530 refused), HTTP Basic (decoded) and
login forms (POST bodies and query strings with a password-like field), SMTP AUTH
LOGIN/PLAIN (decoded; 235 or 535), POP3 USER/PASS and AUTH PLAIN, IMAP LOGIN and
AUTHENTICATE PLAIN. The frame is the one carrying the password, as in
``tshark -z credentials``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from labkit.tools.net.capture_pass import TcpStream, run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.ftp_sessions import parse_ftp
from labkit.tools.net.http_bodies import BodyNotes, entity_pieces
from labkit.tools.net.http_exchanges import HttpExchange, http_exchanges
from labkit.tools.net.mailbox_logins import imap_logins, pop3_logins
from labkit.tools.net.packet_time import PacketTime
from labkit.tools.net.protocol_detection import sniff_tcp
from labkit.tools.net.smtp_sessions import parse_smtp
from labkit.tools.net.stream_collection import CollectedStream, StreamCollector

MAX_FORM = 1024 * 1024
_USER_FIELD = re.compile(r"user|login|e-?mail|account|^log$|^uname$|^usr$|^name$|^id$", re.IGNORECASE)
_PASSWORD_FIELD = re.compile(r"pass|pwd|^pw$|secret|^pin$", re.IGNORECASE)


@dataclass(frozen=True)
class Credential:
    protocol: str  # "ftp", "http", "smtp", "pop3", "imap"
    mechanism: str  # "USER/PASS", "Basic", "form", "AUTH LOGIN", "AUTH PLAIN", "LOGIN"...
    frame: int
    time: PacketTime | None
    stream: int
    client: str
    client_port: int
    server: str
    server_port: int
    user: str
    password: str
    result: str  # the server's answer ("230 Login successful.", "HTTP 401 Unauthorized", ...)
    accepted: bool | None  # None when the answer does not say (or none was captured)


@dataclass(frozen=True)
class CredentialReport:
    path: str
    credentials: tuple[Credential, ...]
    truncation: Truncation | None


def _credential(
    stream: TcpStream,
    protocol: str,
    mechanism: str,
    frame: int,
    time: PacketTime | None,
    user: str,
    password: str,
    result: str,
    accepted: bool | None,
) -> Credential:
    return Credential(
        protocol,
        mechanism,
        frame,
        time,
        stream.index,
        stream.client[0],
        stream.client[1],
        stream.server[0],
        stream.server[1],
        user,
        password,
        result,
        accepted,
    )


def _ftp(collected: CollectedStream) -> list[Credential]:
    found = []
    for login in parse_ftp(collected).logins:
        if login.password is None or login.pass_frame is None:
            continue
        code = login.result_code
        result = f"{code} {login.result_text}".strip() if code else ""
        accepted = True if code in (202, 230) else False if code is not None and code >= 400 else None
        found.append(
            _credential(
                collected.stream,
                "ftp",
                "USER/PASS",
                login.pass_frame,
                login.time,
                login.user,
                login.password,
                result,
                accepted,
            )
        )
    return found


def _smtp(collected: CollectedStream) -> list[Credential]:
    return [
        _credential(
            collected.stream,
            "smtp",
            f"AUTH {auth.mechanism}",
            auth.frame,
            auth.time,
            auth.user,
            auth.password,
            auth.result,
            None if auth.result_code is None else auth.result_code == 235,
        )
        for auth in parse_smtp(collected).auths
    ]


def _mailbox(collected: CollectedStream) -> list[Credential]:
    logins = pop3_logins(collected) if collected.label == "pop3" else imap_logins(collected)
    return [
        _credential(
            collected.stream,
            collected.label or "",
            login.mechanism,
            login.frame,
            login.time,
            login.user,
            login.password,
            login.result,
            login.accepted,
        )
        for login in logins
    ]


def _http(collected: CollectedStream) -> list[Credential]:
    found = []
    for exchange in http_exchanges(collected):
        result, accepted = _http_verdict(exchange)
        stream = collected.stream
        basic = _basic(exchange.request.header("Authorization") or "")
        if basic is not None:
            found.append(
                _credential(
                    stream,
                    "http",
                    "Basic",
                    exchange.request_frame,
                    exchange.request_time,
                    *basic,
                    result,
                    accepted,
                )
            )
        for mechanism, fields in _forms(exchange):
            user = next((value for name, value in fields if _USER_FIELD.search(name)), "")
            passwords = [value for name, value in fields if _PASSWORD_FIELD.search(name)]
            if passwords:
                found.append(
                    _credential(
                        stream,
                        "http",
                        mechanism,
                        exchange.request_frame,
                        exchange.request_time,
                        user,
                        passwords[0],
                        result,
                        accepted,
                    )
                )
    return found


def _http_verdict(exchange: HttpExchange) -> tuple[str, bool | None]:
    response = exchange.response
    if response is None:
        return "", None
    accepted = False if response.status in (401, 403, 407) else None
    return f"HTTP {response.status} {response.reason}".strip(), accepted


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    user, _, password = decoded.partition(":")
    return user, password


def _forms(exchange: HttpExchange) -> list[tuple[str, list[tuple[str, str]]]]:
    request = exchange.request
    forms = []
    query = urlsplit(request.uri).query
    if query:
        forms.append(("query string", parse_qsl(query, keep_blank_values=True)))
    content_type = (request.header("Content-Type") or "").lower()
    if request.extents and request.body_length <= MAX_FORM and "x-www-form-urlencoded" in content_type:
        body = b"".join(entity_pieces(exchange.request_side, request, BodyNotes()))
        forms.append(("form", parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    return forms


_PARSERS = {"ftp": _ftp, "smtp": _smtp, "pop3": _mailbox, "imap": _mailbox, "http": _http}


def _choose(stream: TcpStream, client_head: bytes, server_head: bytes, final: bool) -> str | None:
    label = sniff_tcp(client_head, server_head)
    if label is None and stream.server[1] == 21 and server_head.startswith(b"220"):
        label = "ftp"
    if label in _PARSERS:
        return label
    return "" if label or final else None


def find_credentials(path: str | Path) -> CredentialReport:
    """Every cleartext credential in ``path``, in frame order."""
    found: list[Credential] = []

    def on_stream(collected: CollectedStream) -> None:
        found.extend(_PARSERS[collected.label or ""](collected))
        collected.release()

    report = run_pass(path, [StreamCollector(_choose, on_stream)])
    found.sort(key=lambda item: (item.frame, item.stream, item.mechanism))
    return CredentialReport(report.path, tuple(found), report.truncation)

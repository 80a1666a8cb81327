"""A mail submission over plain SMTP (RFC 5321) with AUTH, as Postfix answers it.

The server is Postfix as Debian configures it with SASL and without TLS (no
STARTTLS in the EHLO reply, so credentials cross in base64 a trainee can decode).
The client is Thunderbird (upper-case verbs, ``EHLO [ip]``, BODY=8BITMIME and SIZE
on MAIL FROM) or Python's smtplib (lower-case verbs, initial responses on AUTH).
The message is dot-stuffed (RFC 5321 4.5.2) and ends with ``CRLF.CRLF``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Literal

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import to_ascii_name
from labkit.evidence.network.protocols.mime import (
    THUNDERBIRD_USER_AGENT,
    Attachment,
    mime_message,
    thunderbird_boundary,
    thunderbird_message_id,
)
from labkit.evidence.network.protocols.mime_headers import Mailbox
from labkit.evidence.network.protocols.script import Say

__all__ = [
    "SMTPLIB",
    "THUNDERBIRD",
    "THUNDERBIRD_USER_AGENT",
    "Attachment",
    "Mailbox",
    "SmtpClient",
    "dot_stuff",
    "mime_message",
    "postfix_queue_id",
    "smtp_session",
    "thunderbird_boundary",
    "thunderbird_message_id",
]

AuthMechanism = Literal["login", "plain"]
_USERNAME_PROMPT = "334 VXNlcm5hbWU6"  # base64 "Username:"
_PASSWORD_PROMPT = "334 UGFzc3dvcmQ6"  # base64 "Password:"


@dataclass(frozen=True)
class SmtpClient:
    """How a mail client words its commands and how fast it reacts to a reply, in us."""

    name: str
    upper_case: bool
    mail_parameters: bool  # BODY=8BITMIME SIZE=n on MAIL FROM
    initial_response: bool  # AUTH LOGIN <user> in one line (smtplib) or after a 334 prompt (Thunderbird)
    reply_think_us: tuple[int, int]


THUNDERBIRD = SmtpClient(
    name="thunderbird",
    upper_case=True,
    mail_parameters=True,
    initial_response=False,
    reply_think_us=(500, 4_000),
)
SMTPLIB = SmtpClient(
    name="smtplib", upper_case=False, mail_parameters=False, initial_response=True, reply_think_us=(100, 900)
)
_SERVER_THINK_US = (150, 1_200)
_AUTH_FAILURE_DELAY_US = (1_000_000, 1_010_000)  # Postfix smtpd_error_sleep_time


def smtp_session(
    rng: Random,
    *,
    server_name: str,
    helo_name: str,
    mail_from: str,
    recipients: Sequence[str],
    message: bytes,
    auth: AuthMechanism | None = "login",
    username: str = "",
    password: str = "",
    wrong_passwords: Sequence[str] = (),
    client: SmtpClient = THUNDERBIRD,
    queue_id: str | None = None,
    banner_os: str = "Debian/GNU",
) -> list[Say]:
    """Banner to ``221``: EHLO, AUTH (wrong passwords first, each answered 535), MAIL, RCPT..., DATA, QUIT.

    ``helo_name`` is sent as given (Thunderbird sends its address literal ``[192.0.2.5]``).
    Marks: ``auth`` on the Say carrying the accepted password, ``auth_failed`` on
    rejected ones, ``message`` on the DATA content.
    """
    if not recipients:
        raise PayloadValueError("an SMTP transaction needs at least one recipient")
    if auth is not None and not username:
        raise PayloadValueError("SMTP AUTH needs a username")
    server_name = to_ascii_name(server_name)
    talk = _Conversation(rng, client)
    talk.says.append(Say("server", f"220 {server_name} ESMTP Postfix ({banner_os})\r\n".encode("ascii")))
    talk.client(f"{talk.verb('EHLO')} {helo_name}")
    talk.server(_ehlo_reply(server_name, auth is not None))
    if auth is not None:
        for attempt in (*wrong_passwords, password):
            accepted = attempt == password
            _authenticate(talk, auth, username, attempt, "auth" if accepted else "auth_failed")
            if accepted:
                talk.server("235 2.7.0 Authentication successful")
            else:
                talk.server(
                    "535 5.7.8 Error: authentication failed: authentication failure", _AUTH_FAILURE_DELAY_US
                )
    parameters = f" BODY=8BITMIME SIZE={len(message)}" if client.mail_parameters else ""
    talk.client(f"{talk.verb('MAIL')} FROM:<{mail_from}>{parameters}")
    talk.server("250 2.1.0 Ok")
    for recipient in recipients:
        talk.client(f"{talk.verb('RCPT')} TO:<{recipient}>")
        talk.server("250 2.1.5 Ok")
    talk.client(talk.verb("DATA"))
    talk.server("354 End data with <CR><LF>.<CR><LF>")
    talk.says.append(
        Say("client", dot_stuff(message) + b".\r\n", rng.randint(*client.reply_think_us), "message")
    )
    talk.server(f"250 2.0.0 Ok: queued as {queue_id or postfix_queue_id(rng)}", (2_000, 30_000))
    talk.client(talk.verb("QUIT"))
    talk.server("221 2.0.0 Bye")
    return talk.says


class _Conversation:
    """Accumulates Says with think times drawn from one rng."""

    def __init__(self, rng: Random, client: SmtpClient) -> None:
        self.rng = rng
        self.profile = client
        self.says: list[Say] = []

    def verb(self, word: str) -> str:
        return word.upper() if self.profile.upper_case else word.lower()

    def client(self, line: str, mark: str | None = None) -> None:
        if any(character in line for character in "\r\n"):
            raise PayloadValueError(f"an SMTP command cannot contain CR or LF (got {line!r})")
        think = self.rng.randint(*self.profile.reply_think_us)
        self.says.append(Say("client", line.encode("utf-8") + b"\r\n", think, mark))

    def server(self, text: str, think: tuple[int, int] = _SERVER_THINK_US) -> None:
        self.says.append(Say("server", text.encode("ascii") + b"\r\n", self.rng.randint(*think)))


def dot_stuff(message: bytes) -> bytes:
    """The DATA content: a '.' doubled at each line start, CRLF-terminated (the final '.' line not included).

    Raises:
        PayloadValueError: a bare LF or CR, which SMTP servers reject (RFC 5321 2.3.8).
    """
    if message.replace(b"\r\n", b"").count(b"\n") or message.replace(b"\r\n", b"").count(b"\r"):
        raise PayloadValueError("a mail message must use CRLF line endings only (found a bare CR or LF)")
    if message and not message.endswith(b"\r\n"):
        message += b"\r\n"
    lines = message.split(b"\r\n")
    return b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)


def postfix_queue_id(rng: Random) -> str:
    """A Postfix short queue id: microseconds (5 hex digits) then the queue file's inode, upper-case hex."""
    return f"{rng.getrandbits(20):05X}{rng.randint(0x10000, 0xFFFFFF):X}"


def _ehlo_reply(server_name: str, with_auth: bool) -> str:
    capabilities = ["PIPELINING", "SIZE 10240000", "VRFY", "ETRN"]
    if with_auth:
        capabilities.append("AUTH PLAIN LOGIN")
    capabilities += ["ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"]
    lines = [server_name, *capabilities]
    return "\r\n".join(
        f"250{' ' if index == len(lines) - 1 else '-'}{line}" for index, line in enumerate(lines)
    )


def _authenticate(talk: _Conversation, mechanism: str, username: str, password: str, mark: str) -> None:
    """One AUTH exchange up to (not including) the server's verdict."""
    if mechanism == "plain":
        talk.client(f"AUTH PLAIN {_b64(chr(0) + username + chr(0) + password)}", mark)
        return
    if mechanism != "login":
        raise PayloadValueError(f"SMTP AUTH mechanism must be 'login' or 'plain' (got {mechanism!r})")
    if talk.profile.initial_response:
        talk.client(f"AUTH LOGIN {_b64(username)}")
    else:
        talk.client("AUTH LOGIN")
        talk.server(_USERNAME_PROMPT)
        talk.client(_b64(username))
    talk.server(_PASSWORD_PROMPT)
    talk.client(_b64(password), mark)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")

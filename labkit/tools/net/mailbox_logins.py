"""POP3 (USER/PASS, AUTH PLAIN) and IMAP (LOGIN, AUTHENTICATE PLAIN) logins in cleartext.

Client lines and server lines are merged in frame order; the answer to a POP3 command
is the next ``+OK``/``-ERR`` line, the answer to an IMAP command the next line tagged
with its tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labkit.tools.net.packet_time import PacketTime
from labkit.tools.net.protocol_lines import Line, read_lines
from labkit.tools.net.smtp_sessions import decode_base64
from labkit.tools.net.stream_collection import CollectedStream

_IMAP_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


@dataclass(frozen=True)
class MailboxLogin:
    mechanism: str
    user: str
    password: str
    frame: int
    time: PacketTime | None
    result: str  # the server's answer line ("" when none was captured)
    accepted: bool | None


def _imap_tokens(text: str) -> list[str]:
    """Atoms and quoted strings (backslash escapes removed) of an IMAP command line."""
    return [
        re.sub(r"\\(.)", r"\1", match.group(1)) if match.group(1) is not None else match.group(2)
        for match in _IMAP_TOKEN.finditer(text)
    ]


def _merged(collected: CollectedStream) -> list[tuple[bool, Line]]:
    digits = collected.stream.digits
    lines = [(True, line) for line in read_lines(collected.to_server, digits)]
    lines += [(False, line) for line in read_lines(collected.to_client, digits)]
    return sorted(lines, key=lambda item: (item[1].frame, not item[0], item[1].start))


def pop3_logins(collected: CollectedStream) -> list[MailboxLogin]:
    logins: list[MailboxLogin] = []
    user = ""
    waiting: tuple[str, str, str, int, PacketTime | None] | None = None
    expect_plain = False
    for from_client, line in _merged(collected):
        text = line.text.decode("utf-8", "replace")
        if from_client:
            verb, _, argument = text.partition(" ")
            verb = verb.upper()
            if expect_plain:
                parts = decode_base64(text).split("\0")
                if len(parts) == 3:
                    waiting = ("AUTH PLAIN", parts[1] or parts[0], parts[2], line.frame, line.time)
                expect_plain = False
            elif verb == "USER":
                user = argument
            elif verb == "PASS":
                waiting = ("USER/PASS", user, argument, line.frame, line.time)
            elif verb == "AUTH" and argument.upper().startswith("PLAIN"):
                initial = argument[5:].strip()
                if initial:
                    parts = decode_base64(initial).split("\0")
                    if len(parts) == 3:
                        waiting = ("AUTH PLAIN", parts[1] or parts[0], parts[2], line.frame, line.time)
                else:
                    expect_plain = True
        elif waiting is not None and text[:3] in ("+OK", "-ER"):
            logins.append(MailboxLogin(*waiting, text, text.startswith("+OK")))
            waiting = None
    if waiting is not None:
        logins.append(MailboxLogin(*waiting, "", None))
    return logins


def imap_logins(collected: CollectedStream) -> list[MailboxLogin]:
    logins: list[MailboxLogin] = []
    waiting: dict[str, tuple[str, str, str, int, PacketTime | None]] = {}
    plain_tag: str | None = None
    for from_client, line in _merged(collected):
        text = line.text.decode("utf-8", "replace")
        if from_client:
            if plain_tag is not None:
                parts = decode_base64(text).split("\0")
                if len(parts) == 3:
                    waiting[plain_tag] = (
                        "AUTHENTICATE PLAIN",
                        parts[1] or parts[0],
                        parts[2],
                        line.frame,
                        line.time,
                    )
                plain_tag = None
                continue
            tokens = _imap_tokens(text)
            if len(tokens) >= 4 and tokens[1].upper() == "LOGIN":
                waiting[tokens[0]] = ("LOGIN", tokens[2], tokens[3], line.frame, line.time)
            elif len(tokens) >= 3 and tokens[1].upper() == "AUTHENTICATE" and tokens[2].upper() == "PLAIN":
                if len(tokens) >= 4:
                    parts = decode_base64(tokens[3]).split("\0")
                    if len(parts) == 3:
                        waiting[tokens[0]] = (
                            "AUTHENTICATE PLAIN",
                            parts[1] or parts[0],
                            parts[2],
                            line.frame,
                            line.time,
                        )
                else:
                    plain_tag = tokens[0]
            continue
        tag, _, rest = text.partition(" ")
        if tag in waiting:
            logins.append(MailboxLogin(*waiting.pop(tag), text, rest.upper().startswith("OK")))
    logins += [MailboxLogin(*pending, "", None) for pending in waiting.values()]
    return logins

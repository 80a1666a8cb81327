"""SMTP sessions: AUTH credentials and the messages sent with DATA.

Every client line outside a message gets exactly one reply, in order (PIPELINING
keeps the order too), so the n-th client line is answered by the n-th reply: that is
how ``AUTH LOGIN``'s two base64 lines, and the 354 that lets a message follow
``DATA``, are recognised. A message is located, not copied: its dot-stuffed bytes
stay in the stored stream until :func:`message_pieces` reads them out unstuffed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass, field

from labkit.tools.net.packet_time import PacketTime
from labkit.tools.net.protocol_lines import Line, Reply, numbered_replies, read_lines
from labkit.tools.net.stream_collection import CollectedStream
from labkit.tools.net.stream_store import StoredDirection


@dataclass
class SmtpAuth:
    mechanism: str
    user: str
    password: str
    frame: int  # the frame carrying the password
    time: PacketTime | None
    result_code: int | None
    result: str  # the server's reply to the credentials ("235 2.7.0 Authentication successful")


@dataclass
class SmtpMessage:
    start: int  # stream position of the first byte of the message (after DATA's 354)
    end: int  # position of the terminating "." line (or of the end of the data, if cut short)
    frame: int  # frame carrying the terminating "."
    time: PacketTime | None
    mail_from: str
    recipients: list[str]
    complete: bool


@dataclass
class SmtpSession:
    stream: int
    client: tuple[str, int]
    server: tuple[str, int]
    auths: list[SmtpAuth] = field(default_factory=list)
    messages: list[SmtpMessage] = field(default_factory=list)


def decode_base64(text: str) -> str:
    try:
        return base64.b64decode(text.strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return text


def parse_smtp(collected: CollectedStream) -> SmtpSession:
    stream = collected.stream
    session = SmtpSession(stream.index, stream.client, stream.server)
    replies = numbered_replies(collected.to_client, stream.digits)
    if replies and replies[0].code == 220:
        replies = replies[1:]  # the greeting answers no command
    answered = 0
    lines = read_lines(collected.to_server, stream.digits)
    mail_from, recipients = "", []
    for line in lines:
        reply = replies[answered] if answered < len(replies) else None
        answered += 1
        text = line.text.decode("utf-8", "replace")
        verb = text.split(" ", 1)[0].upper()
        if verb == "AUTH":
            answered = _auth(session, text, line.frame, line.time, lines, replies, answered - 1)
        elif verb == "MAIL":
            mail_from, recipients = _address(text), []
        elif verb == "RCPT":
            recipients.append(_address(text))
        elif verb == "DATA" and reply is not None and reply.code == 354:
            message = _message(collected.to_server, line.end, lines, mail_from, recipients)
            session.messages.append(message)
    return session


def _auth(
    session: SmtpSession,
    text: str,
    frame: int,
    time: PacketTime | None,
    lines: Iterator[Line],
    replies: list[Reply],
    index: int,
) -> int:
    """Read an AUTH exchange; returns the index of the next unanswered reply."""
    words = text.split()
    mechanism = words[1].upper() if len(words) > 1 else ""
    answers: list[str] = words[2:3]
    while True:
        reply = replies[index] if index < len(replies) else None
        index += 1
        if reply is None or reply.code != 334:
            break
        line = next(lines, None)
        if line is None:
            break
        answers.append(line.text.decode("utf-8", "replace"))
        frame, time = line.frame, line.time
    code = reply.code if reply is not None else None
    result = f"{reply.code} {reply.text}".strip() if reply is not None else ""
    if mechanism == "LOGIN" and len(answers) >= 2:
        session.auths.append(
            SmtpAuth("LOGIN", decode_base64(answers[0]), decode_base64(answers[1]), frame, time, code, result)
        )
    elif mechanism == "PLAIN" and answers:
        parts = decode_base64(answers[-1]).split("\0")
        if len(parts) == 3:
            session.auths.append(SmtpAuth("PLAIN", parts[1] or parts[0], parts[2], frame, time, code, result))
    return index


def _address(text: str) -> str:
    start, end = text.find("<"), text.find(">")
    return text[start + 1 : end] if 0 <= start < end else text.partition(":")[2].strip()


def _message(
    direction: StoredDirection, start: int, lines: Iterator[Line], mail_from: str, recipients: list[str]
) -> SmtpMessage:
    for line in lines:
        if line.text == b".":
            return SmtpMessage(start, line.start, line.frame, line.time, mail_from, list(recipients), True)
    frame, _ = direction.frame_at(max(direction.length - 1, 0))
    return SmtpMessage(start, direction.length, frame, None, mail_from, list(recipients), False)


def raw_pieces(direction: StoredDirection, message: SmtpMessage, size: int = 1024 * 1024) -> Iterator[bytes]:
    """The message as sent, dot-stuffing included (what Wireshark's Export Objects > IMF saves)."""
    position = message.start
    while position < message.end:
        piece = direction.read(position, min(size, message.end - position))
        if not piece:
            return
        position += len(piece)
        yield piece


def message_pieces(direction: StoredDirection, message: SmtpMessage) -> Iterator[bytes]:
    """The message as delivered: a leading dot removed from every line that has one (RFC 5321 4.5.2)."""
    reader = direction.reader(message.start)
    position = message.start
    at_line_start = True
    while position < message.end:
        line = reader.readline(min(64 * 1024, message.end - position))
        if not line:
            return
        position += len(line)
        yield line[1:] if at_line_start and line.startswith(b".") else line
        at_line_start = line.endswith(b"\n")

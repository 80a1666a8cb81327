"""Lines of a text protocol (FTP, SMTP, POP3, IMAP) from one stored direction, with their frames.

Each line carries the frame and time of the frame holding its last byte, as Wireshark
attributes a command to the frame that completes it. Replies spanning several lines
(``250-...`` then ``250 ...``) are joined into one :class:`Reply`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from labkit.tools.net.packet_time import PacketTime, packet_time
from labkit.tools.net.stream_store import StoredDirection

MAX_LINE = 64 * 1024
_REPLY = re.compile(rb"^(\d{3})([ -]?)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # position after the line terminator
    text: bytes  # without CR LF
    frame: int
    time: PacketTime | None

    @property
    def words(self) -> list[str]:
        return self.text.decode("utf-8", "replace").split(" ")


@dataclass(frozen=True)
class Reply:
    code: int
    text: str
    frame: int
    time: PacketTime | None


def read_lines(direction: StoredDirection, digits: int, start: int = 0) -> Iterator[Line]:
    """Every complete line from ``start`` (a last line without terminator is left out)."""
    reader = direction.reader(start)
    position = start
    while True:
        raw = reader.readline(MAX_LINE)
        if not raw or not raw.endswith(b"\n"):
            return
        end = position + len(raw)
        frame, time_ns = direction.frame_at(end - 1)
        yield Line(position, end, raw.rstrip(b"\r\n"), frame, packet_time(time_ns, digits))
        position = end


def numbered_replies(direction: StoredDirection, digits: int) -> list[Reply]:
    """FTP/SMTP replies, multi-line ones joined; lines without a code are ignored."""
    replies: list[Reply] = []
    pending: list[str] = []
    for line in read_lines(direction, digits):
        match = _REPLY.match(line.text)
        if match is None:
            if pending:
                pending.append(line.text.decode("utf-8", "replace"))
            continue
        pending.append(match.group(3).decode("utf-8", "replace"))
        if match.group(2) == b"-":
            continue
        replies.append(Reply(int(match.group(1)), " | ".join(pending), line.frame, line.time))
        pending = []
    return replies

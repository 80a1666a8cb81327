"""Echo-request data as ping programs fill it: the payload tells Windows from Linux.

Windows ``ping.exe`` sends 32 octets of the repeating alphabet ``a``..``w``. Linux
iputils ``ping`` sends 56 octets: the send time as a ``struct timeval`` in host
order (16 octets on 64-bit systems) followed by the octet values 0x10, 0x11, ...
(each octet holds its own offset); Wireshark decodes that timeval as
"Timestamp from icmp data". Echo replies carry the request's data unchanged.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from typing import Literal

from labkit.errors import PayloadValueError

WINDOWS_PING_PAYLOAD = b"abcdefghijklmnopqrstuvwabcdefghi"
_WINDOWS_ALPHABET = b"abcdefghijklmnopqrstuvw"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def windows_ping_payload(size: int = 32) -> bytes:
    """``ping -l size``: the alphabet a..w repeated to ``size`` octets (default 32)."""
    if not 0 <= size <= 65500:
        raise PayloadValueError(f"Windows ping sizes are 0..65500 octets (got {size})")
    repeats = size // len(_WINDOWS_ALPHABET) + 1
    return (_WINDOWS_ALPHABET * repeats)[:size]


def linux_ping_payload(sent: datetime, *, size: int = 56, timeval_size: Literal[8, 16] = 16) -> bytes:
    """iputils ``ping -s size``: little-endian timeval of ``sent`` then octets equal to their offsets.

    ``timeval_size`` is 16 on 64-bit hosts (two 64-bit fields) and 8 on 32-bit ones.
    """
    if sent.tzinfo is None:
        raise PayloadValueError(f"the ping timestamp needs an aware datetime (got naive {sent.isoformat()})")
    if timeval_size not in (8, 16) or size < timeval_size:
        raise PayloadValueError(
            f"a Linux ping payload of {size} octets cannot hold a {timeval_size}-octet timeval"
        )
    elapsed = sent - _EPOCH
    seconds = elapsed.days * 86_400 + elapsed.seconds
    layout = "<qq" if timeval_size == 16 else "<ii"
    timeval = struct.pack(layout, seconds, elapsed.microseconds)
    return timeval + bytes(offset & 0xFF for offset in range(timeval_size, size))

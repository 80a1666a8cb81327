"""TCP options as Linux and Windows lay them out (RFC 9293 3.2, RFC 7323, RFC 2018).

The order and NOP padding of SYN options is an operating-system fingerprint
(p0f, nmap and examiners read it), so both common layouts are reproduced:

- Linux (``tcp_options_write``): ``MSS, SACK_PERM, TS, NOP, WS`` with timestamps,
  ``MSS, NOP, NOP, SACK_PERM, NOP, WS`` without;
- Windows: ``MSS, NOP, WS, NOP, NOP, SACK_PERM`` (``MSS, NOP, WS, SACK_PERM, TS``
  when timestamps are enabled).

Segments after the handshake carry only ``NOP, NOP, TS`` when both ends agreed
on timestamps.
"""

from __future__ import annotations

import struct

from .endpoints import OptionOrder

NOP = b"\x01"
SACK_PERMITTED = b"\x04\x02"
_MSS = struct.Struct("!BBH")
_TIMESTAMP = struct.Struct("!BBII")
_TIMESTAMP_ALONE = struct.Struct("!BBBBII")
TIMESTAMP_OPTION_LENGTH = 12  # NOP, NOP, kind 8, length 10, TSval, TSecr


def _window_scale(shift: int) -> bytes:
    return bytes((3, 3, shift))


def _timestamp(values: tuple[int, int]) -> bytes:
    return _TIMESTAMP.pack(8, 10, values[0] & 0xFFFFFFFF, values[1] & 0xFFFFFFFF)


def syn_options(
    order: OptionOrder,
    *,
    mss: int,
    window_scale: int | None,
    sack_permitted: bool,
    timestamp: tuple[int, int] | None,
) -> bytes:
    """The options of a SYN or SYN/ACK, 4-byte aligned; ``timestamp`` is (TSval, TSecr) or None."""
    parts = [_MSS.pack(2, 4, mss)]
    if order == "linux":
        if timestamp is not None:
            parts.append((SACK_PERMITTED if sack_permitted else NOP + NOP) + _timestamp(timestamp))
        elif sack_permitted:
            parts.append(NOP + NOP + SACK_PERMITTED)
        if window_scale is not None:
            parts.append(NOP + _window_scale(window_scale))
    else:
        if window_scale is not None:
            parts.append(NOP + _window_scale(window_scale))
        if timestamp is not None:
            parts.append((SACK_PERMITTED if sack_permitted else NOP + NOP) + _timestamp(timestamp))
        elif sack_permitted:
            parts.append(NOP + NOP + SACK_PERMITTED)
    options = b"".join(parts)
    if len(options) % 4:  # cannot happen with the layouts above; a guard for future edits
        raise AssertionError(f"unaligned SYN options {options.hex()}")
    return options


def timestamp_option(tsval: int, tsecr: int) -> bytes:
    """``NOP, NOP, TS`` (12 bytes): the only option on segments after the handshake."""
    return _TIMESTAMP_ALONE.pack(1, 1, 8, 10, tsval & 0xFFFFFFFF, tsecr & 0xFFFFFFFF)

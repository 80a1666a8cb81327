"""Reads capture files record by record, without labkit, and compares the frames of two of them.

The reader is a few lines of ``struct`` straight from the format specifications
(classic pcap: tcpdump.org's pcap-savefile; pcapng: RFC draft
draft-ietf-opsawg-pcapng, EPB and IDB only), so that a bug in labkit's writers
cannot hide behind the same bug in a shared parser. It streams: two 200,000
frame files are compared holding two frames at a time.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .measure import BenchmarkError

_PCAP_MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", 1_000), b"\xa1\xb2\xc3\xd4": (">", 1_000)}
_PCAP_NANO_MAGICS = {b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}
_SECTION_HEADER = 0x0A0D0D0A
_INTERFACE_DESCRIPTION = 1
_ENHANCED_PACKET = 6
_IF_TSRESOL = 9


class Record(NamedTuple):
    """One captured frame: timestamp in nanoseconds since the epoch, original length, bytes."""

    ts_ns: int
    original_length: int
    frame: bytes


@dataclass(frozen=True)
class FrameComparison:
    """How two captures' frames compare: how many were compared and the first difference, if any."""

    first: str
    second: str
    compared: int
    difference: str | None

    @property
    def identical(self) -> bool:
        return self.difference is None


def read_records(path: Path) -> Iterator[Record]:
    """Every frame of a classic pcap or pcapng file, in file order."""
    with path.open("rb") as source:
        magic = source.read(4)
        if magic in _PCAP_MAGICS or magic in _PCAP_NANO_MAGICS:
            yield from _pcap_records(source, magic)
        elif len(magic) == 4 and struct.unpack("<I", magic)[0] == _SECTION_HEADER:
            yield from _pcapng_records(source, magic)
        else:
            raise BenchmarkError(f"{path} is neither a pcap nor a pcapng file")


def _pcap_records(source: BinaryIO, magic: bytes) -> Iterator[Record]:
    order, scale = _PCAP_MAGICS.get(magic) or (_PCAP_NANO_MAGICS[magic], 1)
    source.read(20)  # version, thiszone, sigfigs, snaplen, linktype
    header = struct.Struct(order + "IIII")
    while head := source.read(16):
        if len(head) < 16:
            raise BenchmarkError("a pcap record header is cut short")
        seconds, fraction, captured, original = header.unpack(head)
        frame = source.read(captured)
        if len(frame) < captured:
            raise BenchmarkError("a pcap record is cut short")
        yield Record(seconds * 1_000_000_000 + fraction * scale, original, frame)


def _pcapng_records(source: BinaryIO, magic: bytes) -> Iterator[Record]:
    """EPBs of every interface; a section's byte order comes from its byte-order magic."""
    order = "<"
    units_per_second: list[int] = []
    block_type = _SECTION_HEADER
    head = magic + source.read(4)
    while len(head) == 8:
        if block_type == _SECTION_HEADER:
            order = "<" if source.read(4) == b"\x4d\x3c\x2b\x1a" else ">"
            length = struct.unpack(order + "I", head[4:])[0]
            body = source.read(length - 12)
            units_per_second = []
        else:
            length = struct.unpack(order + "I", head[4:])[0]
            body = source.read(length - 8)
        if block_type == _INTERFACE_DESCRIPTION:
            units_per_second.append(_resolution(body[8:-4], order))
        elif block_type == _ENHANCED_PACKET:
            interface, high, low, captured, original = struct.unpack(order + "IIIII", body[:20])
            if interface >= len(units_per_second):
                raise BenchmarkError(f"a pcapng packet names interface {interface}, which is not described")
            units = units_per_second[interface]
            ticks = (high << 32) | low
            yield Record(ticks * 1_000_000_000 // units, original, body[20 : 20 + captured])
        head = source.read(8)
        block_type = struct.unpack(order + "I", head[:4])[0] if len(head) == 8 else 0


def _resolution(options: bytes, order: str) -> int:
    """Ticks per second of an interface: if_tsresol, default 10^6."""
    position = 0
    while position + 4 <= len(options):
        code, length = struct.unpack(order + "HH", options[position : position + 4])
        if code == 0:
            break
        if code == _IF_TSRESOL:
            value = options[position + 4]
            return 2 ** (value & 0x7F) if value & 0x80 else 10**value
        position += 4 + length + (-length & 3)
    return 1_000_000


def compare_frames(first: Path, second: Path, limit: int | None = None) -> FrameComparison:
    """Compare timestamps, original lengths and bytes of the first ``limit`` frames (all by default)."""
    compared = 0
    difference = None
    pairs = zip_longest(read_records(first), read_records(second))
    for number, (a, b) in enumerate(pairs, start=1):
        if limit is not None and number > limit:
            break
        if a is None or b is None:
            shorter = first if a is None else second
            difference = f"{shorter.name} ends after {number - 1} frames"
            break
        if a != b:
            difference = f"frame {number}: {_describe(a, b)}"
            break
        compared += 1
    return FrameComparison(first.name, second.name, compared, difference)


def _describe(a: Record, b: Record) -> str:
    if a.ts_ns != b.ts_ns:
        return f"timestamps {a.ts_ns} and {b.ts_ns} ns"
    if a.original_length != b.original_length or len(a.frame) != len(b.frame):
        return f"lengths {len(a.frame)}/{a.original_length} and {len(b.frame)}/{b.original_length}"
    offset = next(i for i, (x, y) in enumerate(zip(a.frame, b.frame, strict=True)) if x != y)
    return (
        f"bytes differ from offset {offset}: {a.frame[offset : offset + 8].hex()} "
        f"and {b.frame[offset : offset + 8].hex()}"
    )


def tshark_conversations(output: str) -> dict[str, int]:
    """Rows of each ``-z conv,PROTO`` table in tshark's output, by protocol: ``{"TCP": 1515, ...}``."""
    counts: dict[str, int] = {}
    section = None
    for line in output.splitlines():
        title = re.fullmatch(r"(\w+) Conversations", line.strip())
        if title:
            section = title.group(1)
            counts[section] = 0
        elif line.startswith("="):
            section = None
        elif section is not None and "<->" in line:
            counts[section] += 1
    return counts


def summary_conversations(output: str) -> tuple[int, int] | None:
    """(TCP, UDP) from the ``Conversations`` line of ``labkit net summary``'s plain output."""
    found = re.search(r"^Conversations\s+([\d,]+) TCP, ([\d,]+) UDP\s*$", output, re.MULTILINE)
    if found is None:
        return None
    return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))

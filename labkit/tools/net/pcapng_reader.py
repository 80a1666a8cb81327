"""pcapng files: sections in either byte order, several interfaces, EPB/SPB/obsolete PB.

Each block is ``type, total length, body, total length``. A Section Header Block sets
the byte order and starts a new list of interfaces; each Interface Description Block
adds one (link type, snapshot length, ``if_tsresol``, ``if_tsoffset``); Enhanced,
Simple and obsolete Packet Blocks are frames, numbered in file order as Wireshark
does. Custom, systemd-journal and sysdig blocks are frames too in Wireshark (records
that are not packets): they are counted, with no interface, so later frame numbers
agree. Every other block (statistics, name resolution, secrets) is skipped.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from labkit.tools.net.capture_damage import damaged
from labkit.tools.net.capture_records import (
    ABSOLUTE_MAX_PACKET,
    NOT_A_PACKET,
    FileFacts,
    Interface,
    RawPacket,
    Truncation,
)

SECTION_HEADER = 0x0A0D0D0A
BYTE_ORDER_MAGIC = 0x1A2B3C4D
INTERFACE_DESCRIPTION = 1
OBSOLETE_PACKET = 2
SIMPLE_PACKET = 3
ENHANCED_PACKET = 6
_PACKET_BLOCKS = (ENHANCED_PACKET, SIMPLE_PACKET, OBSOLETE_PACKET)
#: Blocks Wireshark 4.0 also turns into frames (custom, systemd journal, sysdig event): they take a
#: frame number, so they must be counted for the packets after them to be numbered as Wireshark does.
OTHER_RECORD_BLOCKS = (0x00000BAD, 0x40000BAD, 0x00000009, 0x00000204, 0x00000216, 0x00000221)
_FRAME_BLOCKS = _PACKET_BLOCKS + OTHER_RECORD_BLOCKS
MAX_BLOCK = ABSOLUTE_MAX_PACKET + 4096


class PcapngReader:
    """Packets of a pcapng file, in file order, numbered from 1 as Wireshark numbers frames."""

    def __init__(self, stream: BinaryIO, path: str) -> None:
        self._stream = stream
        self._path = path
        self._order = "<"
        self._section: list[tuple[Interface, int, int]] = []  # (interface, tsresol byte, offset seconds)
        self.interfaces: list[Interface] = []
        self.truncation: Truncation | None = None
        self._offset = 0
        self._number = 0
        self.facts = self._read_first_section()

    def packets(self) -> Iterator[RawPacket]:
        while True:
            block = self._next_block()
            if block is None:
                return
            block_type, body, offset = block
            if block_type in _PACKET_BLOCKS:
                yield self._packet(block_type, body, offset)
            elif block_type in OTHER_RECORD_BLOCKS:
                self._number += 1
                yield RawPacket(self._number, offset, NOT_A_PACKET, None, len(body), body)
            elif block_type == INTERFACE_DESCRIPTION:
                self._add_interface(body, offset)
            elif block_type == SECTION_HEADER:
                self._start_section(body, offset)

    def _read_first_section(self) -> FileFacts:
        block = self._next_block()
        if block is None or block[0] != SECTION_HEADER:
            raise damaged(self._path, 0, None, "the pcapng file does not start with a section header")
        return self._start_section(block[1], 0)

    def _start_section(self, body: bytes, offset: int) -> FileFacts:
        major, minor = struct.unpack_from(self._order + "HH", body, 4)
        if major != 1:
            raise damaged(self._path, offset, None, f"pcapng section version {major}.{minor} is not 1.x")
        self._section = []
        options = _options(body, 16, self._order)
        return FileFacts(
            "pcapng",
            f"{major}.{minor}",
            "little-endian" if self._order == "<" else "big-endian",
            hardware=_text(options.get(2)),
            operating_system=_text(options.get(3)),
            application=_text(options.get(4)),
            comment=_text(options.get(1)),
        )

    def _add_interface(self, body: bytes, offset: int) -> None:
        if len(body) < 8:
            raise damaged(self._path, offset, None, "an interface description block is too short")
        link_type, _reserved, snaplen = struct.unpack_from(self._order + "HHI", body)
        options = _options(body, 8, self._order)
        raw_resolution = options.get(9, b"\x06")
        if not raw_resolution:
            raise damaged(
                self._path, offset, None, "an interface description block has an empty if_tsresol option"
            )
        resolution = raw_resolution[0]
        offset_seconds = (
            struct.unpack(self._order + "q", options[14][:8])[0] if len(options.get(14, b"")) >= 8 else 0
        )
        if abs(offset_seconds) > 1 << 40:  # tens of thousands of years: no clock was ever that far off
            raise damaged(
                self._path, offset, None, f"an interface's if_tsoffset ({offset_seconds} s) is impossible"
            )
        interface = Interface(
            len(self.interfaces),
            link_type,
            snaplen,
            _digits(resolution),
            _text(options.get(2)),
            _text(options.get(3)),
        )
        self.interfaces.append(interface)
        self._section.append((interface, resolution, offset_seconds))

    def _packet(self, block_type: int, body: bytes, offset: int) -> RawPacket:
        self._number += 1
        number = self._number
        if block_type == SIMPLE_PACKET:
            (original,) = struct.unpack_from(self._order + "I", body)
            interface, _, _ = self._interface(0, offset, number)
            captured = min(original, len(body) - 4, interface.snaplen or original)
            return RawPacket(number, offset, interface, None, original, body[4 : 4 + captured])
        if block_type == ENHANCED_PACKET:
            fields = struct.unpack_from(self._order + "IIIII", body) if len(body) >= 20 else None
            start = 20
        else:
            fields = struct.unpack_from(self._order + "HHIIII", body) if len(body) >= 20 else None
            fields = fields and (fields[0], *fields[2:])
            start = 20
        if fields is None:
            raise damaged(self._path, offset, number, "a packet block is too short for its fields")
        interface_id, high, low, captured, original = fields
        if captured > len(body) - start:
            raise damaged(
                self._path,
                offset,
                number,
                f"the packet block claims {captured} captured bytes but holds only {len(body) - start}",
            )
        interface, resolution, offset_seconds = self._interface(interface_id, offset, number)
        time_ns = _to_ns((high << 32) | low, resolution) + offset_seconds * 1_000_000_000
        return RawPacket(number, offset, interface, time_ns, original, body[start : start + captured])

    def _interface(self, interface_id: int, offset: int, number: int) -> tuple[Interface, int, int]:
        if interface_id >= len(self._section):
            raise damaged(
                self._path,
                offset,
                number,
                f"the packet refers to interface {interface_id}, but its section describes "
                f"{len(self._section)} interface(s) before it",
            )
        return self._section[interface_id]

    def _next_block(self) -> tuple[int, bytes, int] | None:
        """(type, body without the two lengths, file offset), or None at the end of the file."""
        offset = self._offset
        header = self._stream.read(8)
        if not header:
            return None
        if len(header) < 8:
            return self._cut_short(offset, None, 8 - len(header))
        block_type = struct.unpack_from(self._order + "I", header)[0]
        if block_type == SECTION_HEADER:
            magic = self._stream.read(4)
            if len(magic) < 4:
                return self._cut_short(offset, None, 4 - len(magic))
            if magic == b"\x4d\x3c\x2b\x1a":
                self._order = "<"
            elif magic == b"\x1a\x2b\x3c\x4d":
                self._order = ">"
            else:
                raise damaged(self._path, offset, None, "a section header has no valid byte-order magic")
            header += magic
        (length,) = struct.unpack_from(self._order + "I", header, 4)
        frame = self._number + 1 if block_type in _FRAME_BLOCKS else None
        if length < 12 or length % 4 or length > MAX_BLOCK:
            raise damaged(self._path, offset, frame, f"a block claims an impossible length of {length} bytes")
        rest = self._stream.read(length - len(header))
        if len(rest) < length - len(header):
            return self._cut_short(offset, frame, length - len(header) - len(rest))
        data = header[8:] + rest
        if struct.unpack_from(self._order + "I", data, len(data) - 4)[0] != length:
            raise damaged(
                self._path,
                offset,
                frame,
                "a block's trailing length does not match its leading length (the block structure is broken)",
            )
        self._offset = offset + length
        return block_type, data[:-4], offset

    def _cut_short(self, offset: int, frame: int | None, missing: int) -> None:
        self.truncation = Truncation(self._path, frame, offset, missing)
        return None


def _options(body: bytes, start: int, order: str) -> dict[int, bytes]:
    """Option code -> value (the first of each code); a malformed list just ends early."""
    options: dict[int, bytes] = {}
    position = start
    while position + 4 <= len(body):
        code, length = struct.unpack_from(order + "HH", body, position)
        if code == 0 or position + 4 + length > len(body):
            break
        options.setdefault(code, body[position + 4 : position + 4 + length])
        position += 4 + length + (-length % 4)
    return options


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", "replace").rstrip("\0") if value else ""


def _digits(resolution: int) -> int:
    """Decimal digits needed to show a time of this resolution (at most 9: nanoseconds)."""
    if resolution & 0x80:
        return min(9, ((resolution & 0x7F) * 30103 + 99_999) // 100_000)
    return min(9, resolution)


def _to_ns(units: int, resolution: int) -> int:
    if resolution & 0x80:
        return (units * 1_000_000_000) >> (resolution & 0x7F)
    if resolution <= 9:
        return units * 10 ** (9 - resolution)
    return units // 10 ** (resolution - 9)

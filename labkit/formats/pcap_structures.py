"""Capture-file structures (classic pcap and pcapng), declared once with ``construct``.

Sources: the pcap format as libpcap writes it (``pcap-savefile(5)``) and the IETF
draft "PCAP Next Generation (pcapng) Capture File Format" (draft-ietf-opsawg-pcapng),
sections 4.1 (Section Header Block), 4.2 (Interface Description Block) and 4.3
(Enhanced Packet Block). Everything is little-endian: the byte-order magic of
each section says so, and every reader swaps as needed.

The writers in :mod:`labkit.evidence.network.wire.capture_file` build the header
blocks (once per file) with these declarations. The per-packet headers, written
hundreds of thousands of times, use :func:`flat_struct`: a precompiled
:class:`struct.Struct` derived from the same declaration (about 50 times faster
than ``construct``'s ``build``). Tests parse the writers' output with these
declarations as well as with independent readers (tshark, capinfos, scapy).
"""

from __future__ import annotations

import struct

from construct import (
    Bytes,
    Const,
    Construct,
    FixedSized,
    FormatField,
    GreedyRange,
    Int16ul,
    Int32ul,
    Int64sl,
    Padding,
    Rebuild,
    Renamed,
    Struct,
    this,
)

PCAP_MAGIC_MICROSECONDS = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1

BLOCK_SECTION_HEADER = 0x0A0D0D0A
BLOCK_INTERFACE_DESCRIPTION = 0x00000001
BLOCK_ENHANCED_PACKET = 0x00000006
BYTE_ORDER_MAGIC = 0x1A2B3C4D

# Option codes (pcapng draft, sections 3.5, 4.1, 4.2).
OPTION_END = 0
OPTION_COMMENT = 1
SHB_HARDWARE = 2
SHB_OS = 3
SHB_USER_APPLICATION = 4
IF_NAME = 2
IF_DESCRIPTION = 3
IF_TIMESTAMP_RESOLUTION = 9  # one byte: 6 means 10^-6 s units (microseconds)

PcapGlobalHeader = Struct(
    "magic" / Const(PCAP_MAGIC_MICROSECONDS, Int32ul),
    "version_major" / Const(2, Int16ul),
    "version_minor" / Const(4, Int16ul),
    "this_zone" / Const(0, Int32ul),  # GMT to local correction: always 0 (timestamps are UTC)
    "significant_figures" / Const(0, Int32ul),
    "snaplen" / Int32ul,
    "linktype" / Int32ul,
)
"""The 24-byte header of a classic pcap file (microsecond timestamps)."""

PcapRecordHeader = Struct(
    "timestamp_seconds" / Int32ul,
    "timestamp_microseconds" / Int32ul,
    "captured_length" / Int32ul,
    "original_length" / Int32ul,
)
"""The 16-byte header before each packet of a classic pcap file."""

Option = Struct(
    "code" / Int16ul,
    "length" / Rebuild(Int16ul, lambda this: len(this.value)),
    "value" / Bytes(this.length),
    Padding(lambda this: -this.length % 4),
)
"""One pcapng option: code, length, value padded to 32 bits. A list ends with code 0 (opt_endofopt)."""


def _options_size(options: list) -> int:
    return sum(4 + len(option["value"]) + (-len(option["value"]) % 4) for option in options)


SectionHeaderBlock = Struct(
    "block_type" / Const(BLOCK_SECTION_HEADER, Int32ul),
    "block_total_length" / Rebuild(Int32ul, lambda this: 28 + _options_size(this.options)),
    "byte_order_magic" / Const(BYTE_ORDER_MAGIC, Int32ul),
    "version_major" / Const(1, Int16ul),
    "version_minor" / Const(0, Int16ul),
    "section_length" / Int64sl,  # -1: not given (the writer streams and does not seek back)
    "options" / FixedSized(this.block_total_length - 28, GreedyRange(Option)),
    "block_total_length_trailer" / Rebuild(Int32ul, this.block_total_length),
)
"""pcapng Section Header Block: starts the file; its options name the hardware, OS and application."""

InterfaceDescriptionBlock = Struct(
    "block_type" / Const(BLOCK_INTERFACE_DESCRIPTION, Int32ul),
    "block_total_length" / Rebuild(Int32ul, lambda this: 20 + _options_size(this.options)),
    "linktype" / Int16ul,
    "reserved" / Const(0, Int16ul),
    "snaplen" / Int32ul,
    "options" / FixedSized(this.block_total_length - 20, GreedyRange(Option)),
    "block_total_length_trailer" / Rebuild(Int32ul, this.block_total_length),
)
"""pcapng Interface Description Block: link type, snapshot length, name and timestamp resolution."""

EnhancedPacketBlockHead = Struct(
    "block_type" / Const(BLOCK_ENHANCED_PACKET, Int32ul),
    "block_total_length" / Int32ul,  # 32 + captured length padded to 4 (no options)
    "interface_id" / Int32ul,
    "timestamp_high" / Int32ul,  # upper 32 bits of the 64-bit timestamp in if_tsresol units
    "timestamp_low" / Int32ul,
    "captured_length" / Int32ul,
    "original_length" / Int32ul,
)
"""The fixed 28 bytes that open a pcapng Enhanced Packet Block (packet data, padding and trailer follow)."""

EnhancedPacketBlock = Struct(
    "block_type" / Const(BLOCK_ENHANCED_PACKET, Int32ul),
    "block_total_length"
    / Rebuild(Int32ul, lambda this: 32 + len(this.packet_data) + (-len(this.packet_data) % 4)),
    "interface_id" / Int32ul,
    "timestamp_high" / Int32ul,
    "timestamp_low" / Int32ul,
    "captured_length" / Rebuild(Int32ul, lambda this: len(this.packet_data)),
    "original_length" / Int32ul,
    "packet_data" / Bytes(this.captured_length),
    Padding(lambda this: -this.captured_length % 4),
    "options"
    / FixedSized(
        lambda this: this.block_total_length - 32 - this.captured_length - (-this.captured_length % 4),
        GreedyRange(Option),
    ),
    "block_total_length_trailer" / Rebuild(Int32ul, this.block_total_length),
)
"""A whole pcapng Enhanced Packet Block: one captured frame with its timestamp and lengths."""

AnyBlock = Struct(
    "block_type" / Int32ul,
    "block_total_length" / Int32ul,
    "body" / Bytes(this.block_total_length - 12),
    "block_total_length_trailer" / Int32ul,
)
"""Any pcapng block, body unparsed: how a reader walks blocks it does not know."""

PcapngFile = GreedyRange(AnyBlock)
"""A whole little-endian pcapng file as a list of blocks."""


def flat_struct(declaration: Struct) -> struct.Struct:
    """One precompiled ``struct.Struct`` for a fixed-size declaration of integer fields.

    Its ``pack`` takes every field in declaration order, constants included (pass
    their value). Used where a header is packed once per packet. Anything but
    plain little-endian integers (and ``Const`` around them) is a TypeError, raised
    at import time, so a declaration and its flat form cannot disagree silently.
    """
    codes = ["<"]
    for member in declaration.subcons:
        inner: Construct = member.subcon if isinstance(member, Renamed) else member
        if isinstance(inner, Const):
            inner = inner.subcon
        if not isinstance(inner, FormatField) or inner.fmtstr[0] != "<":
            raise TypeError(f"flat_struct supports little-endian integer fields only, not {member!r}")
        codes.append(inner.fmtstr[1:])
    flat = struct.Struct("".join(codes))
    if flat.size != declaration.sizeof():
        raise TypeError(f"flattened size {flat.size} != declared size {declaration.sizeof()}")
    return flat


def text_option(code: int, text: str) -> dict[str, object]:
    """A string option (UTF-8, not NUL-terminated, as the draft asks) for ``Option.build``."""
    return {"code": code, "value": text.encode("utf-8")}


END_OF_OPTIONS = {"code": OPTION_END, "value": b""}

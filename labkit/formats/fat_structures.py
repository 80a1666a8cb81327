"""On-disk structures of the FAT file system, declared once with ``construct``.

Each definition both builds (the writer in :mod:`labkit.evidence.disk.fat`) and
parses (the trainee tools in :mod:`labkit.tools.disk`, and our round-trip tests).
Field names follow Microsoft's FAT specification (fatgen103) in plain English.
Only byte layout lives here: what a value means (cluster chains, name rules,
time rounding) is decided by the writer, or by the reader that parses it.

The writer builds thousands of 32-byte entries per volume, which ``construct``
does at ~100 us each. :class:`FlatStruct` flattens a fixed-size declaration once
into one :class:`struct.Struct` that takes the same field values: still one
declaration, ~20 times faster to build (~12 times faster to parse).

Readers of evidence must not reject a damaged-but-readable volume because a
signature byte is off: :func:`tolerant` derives, from the same declaration, a
variant that reads each ``Const`` as the plain field underneath it.
"""

from __future__ import annotations

import struct
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

from construct import (
    BitsInteger,
    BitStruct,
    Bytes,
    ByteSwapped,
    Const,
    Construct,
    Container,
    FormatField,
    Int8ul,
    Int16ul,
    Int32ul,
    Padded,
    Padding,
    Pass,
    Renamed,
    Struct,
)

SIGNATURE = b"\x55\xaa"

# Attribute bits of a directory entry.
ATTRIBUTE_READ_ONLY = 0x01
ATTRIBUTE_HIDDEN = 0x02
ATTRIBUTE_SYSTEM = 0x04
ATTRIBUTE_VOLUME_LABEL = 0x08
ATTRIBUTE_DIRECTORY = 0x10
ATTRIBUTE_ARCHIVE = 0x20
ATTRIBUTE_LONG_NAME = 0x0F

# Byte 0x0C of a short entry (Windows NT): base / extension are stored upper-case but shown lower-case.
CASE_LOWER_BASE = 0x08
CASE_LOWER_EXTENSION = 0x10

DELETED_MARKER = 0xE5
LAST_LONG_NAME_ENTRY = 0x40

# Bit fields of each little-endian word, most significant first: (name, width in bits).
_BIT_WORD_FIELDS: weakref.WeakKeyDictionary[Construct, tuple[tuple[str, int], ...]] = (
    weakref.WeakKeyDictionary()
)


def little_endian_bit_word(*fields: tuple[str, int]) -> Construct:
    """A 16- or 32-bit little-endian word of bit fields, most significant field first."""
    word = ByteSwapped(BitStruct(*(name / BitsInteger(width) for name, width in fields)))
    _BIT_WORD_FIELDS[word] = fields  # so FlatStruct can pack the word without construct
    return word


# A FAT date: bits 15-9 year since 1980, 8-5 month, 4-0 day.
FatDate = little_endian_bit_word(("year", 7), ("month", 4), ("day", 5))
# A FAT time: bits 15-11 hours, 10-5 minutes, 4-0 seconds / 2.
FatTime = little_endian_bit_word(("hour", 5), ("minute", 6), ("double_seconds", 5))

BiosParameterBlock = Struct(
    "bytes_per_sector" / Int16ul,
    "sectors_per_cluster" / Int8ul,
    "reserved_sectors" / Int16ul,
    "fat_count" / Int8ul,
    "root_entries" / Int16ul,
    "total_sectors_16" / Int16ul,
    "media" / Int8ul,
    "fat_size_16" / Int16ul,
    "sectors_per_track" / Int16ul,
    "heads" / Int16ul,
    "hidden_sectors" / Int32ul,
    "total_sectors_32" / Int32ul,
)

ExtendedBiosParameterBlock = Struct(
    "drive_number" / Int8ul,
    "reserved" / Int8ul,  # bit 0: "volume dirty" for Windows NT; written 0 (clean)
    "boot_signature" / Const(0x29, Int8ul),
    "volume_serial" / Int32ul,
    "volume_label" / Bytes(11),
    "file_system_type" / Bytes(8),
)

Fat32BiosParameterBlock = Struct(
    "fat_size_32" / Int32ul,
    "extended_flags" / Int16ul,  # 0: every FAT is mirrored at run time
    "file_system_version" / Int16ul,
    "root_cluster" / Int32ul,
    "fsinfo_sector" / Int16ul,
    "backup_boot_sector" / Int16ul,
    Padding(12),
)

BootSectorFat16 = Struct(
    "jump" / Bytes(3),
    "oem_name" / Bytes(8),
    "bpb" / BiosParameterBlock,
    "extended" / ExtendedBiosParameterBlock,
    "boot_code" / Bytes(448),
    "signature" / Const(SIGNATURE),
)
"""Boot sector of FAT12 and FAT16 volumes (first 512 bytes of sector 0)."""

BootSectorFat32 = Struct(
    "jump" / Bytes(3),
    "oem_name" / Bytes(8),
    "bpb" / BiosParameterBlock,
    "fat32" / Fat32BiosParameterBlock,
    "extended" / ExtendedBiosParameterBlock,
    "boot_code" / Bytes(420),
    "signature" / Const(SIGNATURE),
)
"""Boot sector of FAT32 volumes (first 512 bytes of sector 0, copy at the backup sector)."""

FsInfoSector = Struct(
    "lead_signature" / Const(0x41615252, Int32ul),
    Padding(480),
    "structure_signature" / Const(0x61417272, Int32ul),
    "free_count" / Int32ul,
    "next_free" / Int32ul,
    Padding(12),
    "trail_signature" / Const(0xAA550000, Int32ul),
)
"""FAT32 FSInfo sector: free-cluster count and allocation hint kept for drivers."""

DirectoryEntry = Struct(
    "name" / Bytes(11),
    "attributes" / Int8ul,
    "case_flags" / Int8ul,
    "create_time_hundredths" / Int8ul,  # 0-199: odd second and 10 ms units
    "create_time" / FatTime,
    "create_date" / FatDate,
    "access_date" / FatDate,
    "first_cluster_high" / Int16ul,
    "modify_time" / FatTime,
    "modify_date" / FatDate,
    "first_cluster_low" / Int16ul,
    "file_size" / Int32ul,
)
"""A 32-byte short (8.3) directory entry."""

LongNameEntry = Struct(
    "sequence" / Int8ul,  # 1-based order; 0x40 marks the last (first stored) slot
    "name_1" / Bytes(10),
    "attributes" / Const(ATTRIBUTE_LONG_NAME, Int8ul),
    "entry_type" / Const(0, Int8ul),
    "checksum" / Int8ul,
    "name_2" / Bytes(12),
    "first_cluster" / Const(0, Int16ul),
    "name_3" / Bytes(4),
)
"""A 32-byte VFAT long-name slot holding 13 UTF-16 code units."""


_WORD_FORMATS = {16: "H", 32: "I"}


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # "value", "bytes" (fixed length), "bits" (a little-endian bit word) or "const"
    length: int = 0
    constant: object = None
    bits: tuple[tuple[str, int, int], ...] = ()  # (name, width, shift) of a bit word


class FlatStruct:
    """A fixed-size ``Struct`` flattened into one ``struct.Struct``, derived from its declaration.

    ``build`` takes the same mapping as the construct ``build`` (bit words as nested
    mappings, constants and padding left out) and returns the same bytes, as strictly:
    a byte string of the wrong length or a bit field out of range raises ValueError,
    an integer out of range ``struct.error``.
    Supported members: little-endian ``FormatField`` integers, ``Bytes(n)``,
    ``Const``, zero ``Padding(n)`` and :func:`little_endian_bit_word`; anything else is
    a TypeError when the FlatStruct is made (at import), so no field is packed wrongly.
    """

    def __init__(self, declaration: Struct) -> None:
        formats, fields = ["<"], []
        for member in declaration.subcons:
            name = member.name if isinstance(member, Renamed) else None
            inner = member.subcon if isinstance(member, Renamed) else member
            if isinstance(inner, Padded) and inner.subcon is Pass and inner.pattern == b"\x00":
                formats.append(f"{inner.length}x")
                continue
            if isinstance(inner, Const):
                format_code = _format_code(inner.subcon)
                fields.append(_Field(name or "", "const", constant=inner.value))
            elif inner in _BIT_WORD_FIELDS:
                format_code, bits = _bit_word(_BIT_WORD_FIELDS[inner])
                fields.append(_Field(_require(name), "bits", bits=bits))
            else:
                format_code = _format_code(inner)
                is_bytes = format_code.endswith("s")
                fields.append(_Field(_require(name), "bytes" if is_bytes else "value", inner.sizeof()))
            formats.append(format_code)
        self._packer = struct.Struct("".join(formats))
        self._fields = tuple(fields)
        if self._packer.size != declaration.sizeof():
            raise TypeError(f"flattened size {self._packer.size} != declared size {declaration.sizeof()}")

    @property
    def size(self) -> int:
        return self._packer.size

    def build(self, values: Mapping[str, object]) -> bytes:
        """The declaration's bytes for ``values``."""
        arguments: list[object] = []
        for field in self._fields:
            if field.kind == "value":
                arguments.append(values[field.name])
            elif field.kind == "bytes":
                raw = values[field.name]
                if len(raw) != field.length:  # type: ignore[arg-type]
                    raise ValueError(f"{field.name} must be {field.length} bytes, got {raw!r}")
                arguments.append(raw)
            elif field.kind == "bits":
                arguments.append(_pack_bits(field, values[field.name]))  # type: ignore[arg-type]
            else:
                arguments.append(field.constant)
        return self._packer.pack(*arguments)

    def parse(self, data: bytes) -> Container:
        """The declaration's values read from ``data``, shaped as the construct ``parse`` shapes them.

        Named constants are returned as stored, not checked (like :func:`tolerant`):
        a reader of evidence reports a damaged field instead of refusing the entry.
        ``data`` of the wrong length raises ``struct.error``.
        """
        parsed = Container()
        for field, value in zip(self._fields, self._packer.unpack(data), strict=True):
            if field.kind == "bits":
                parsed[field.name] = Container(
                    (name, value >> shift & ((1 << width) - 1)) for name, width, shift in field.bits
                )
            elif field.name:
                parsed[field.name] = value
        return parsed


def tolerant(declaration: Struct) -> Struct:
    """``declaration`` with every ``Const`` read as its plain field, nested structs included.

    Same layout, same names, derived rather than written again, so a reader can show
    a volume whose extended boot signature (0x29) is damaged instead of refusing it.
    """
    return Struct(*(_tolerant_member(member) for member in declaration.subcons))


def _tolerant_member(member: Construct) -> Construct:
    if isinstance(member, Renamed):
        return Renamed(_tolerant_member(member.subcon), newname=member.name, newdocs=member.docs)
    if isinstance(member, Const):
        return member.subcon
    if isinstance(member, Struct):
        return tolerant(member)
    return member


def _require(name: str | None) -> str:
    if not name:
        raise TypeError("FlatStruct needs every non-constant member to be named")
    return name


def _format_code(member: Construct) -> str:
    if isinstance(member, FormatField) and member.fmtstr[0] == "<":
        return member.fmtstr[1:]
    if isinstance(member, Bytes) and isinstance(member.length, int):
        return f"{member.length}s"
    raise TypeError(f"FlatStruct cannot flatten {member!r}")


def _bit_word(fields: tuple[tuple[str, int], ...]) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    total = sum(width for _, width in fields)
    if total not in _WORD_FORMATS:
        raise TypeError(f"a bit word of {total} bits cannot be flattened")
    bits, shift = [], total
    for name, width in fields:
        shift -= width
        bits.append((name, width, shift))
    return _WORD_FORMATS[total], tuple(bits)


def _pack_bits(field: _Field, values: Mapping[str, int]) -> int:
    word = 0
    for name, width, shift in field.bits:
        value = values[name]
        if not 0 <= value < 1 << width:
            raise ValueError(f"{field.name}.{name} = {value} does not fit in {width} bits")
        word |= value << shift
    return word

"""On-disk layouts of the MBR and the GUID partition table, declared once.

Each structure both builds (the writers) and parses (our own tests' sanity
checks; the real verdict comes from mmls, sgdisk and pytsk3). Field names follow
the UEFI specification (chapter 5) and the classic IBM PC MBR layout.
"""

from __future__ import annotations

import uuid
from typing import Any

from construct import (
    Adapter,
    Array,
    Bytes,
    Const,
    Int8ul,
    Int32ul,
    Int64ul,
    PaddedString,
    Struct,
)

#: The largest cylinder/head/sector triple the 24-bit CHS fields can hold; any
#: address beyond it is written as this triple (the "0xFEFFFF" convention).
CHS_GEOMETRY_HEADS = 255
CHS_GEOMETRY_SECTORS_PER_TRACK = 63
CHS_MAXIMUM = (1023, 254, 63)


def chs_from_lba(lba: int) -> tuple[int, int, int]:
    """Cylinder, head, sector of an LBA in the 255-head, 63-sector geometry every modern tool assumes."""
    cylinder, remainder = divmod(lba, CHS_GEOMETRY_HEADS * CHS_GEOMETRY_SECTORS_PER_TRACK)
    if cylinder > CHS_MAXIMUM[0]:
        return CHS_MAXIMUM
    head, sector = divmod(remainder, CHS_GEOMETRY_SECTORS_PER_TRACK)
    return cylinder, head, sector + 1


class ChsAddressAdapter(Adapter):  # type: ignore[misc]
    """The packed 3-byte CHS field: head; sector (6 bits) + cylinder bits 9-8; cylinder bits 7-0."""

    def _decode(self, obj: bytes, context: Any, path: Any) -> tuple[int, int, int]:
        head, sector_and_high, cylinder_low = obj[0], obj[1], obj[2]
        return ((sector_and_high & 0xC0) << 2) | cylinder_low, head, sector_and_high & 0x3F

    def _encode(self, obj: tuple[int, int, int], context: Any, path: Any) -> bytes:
        cylinder, head, sector = obj
        return bytes((head, (sector & 0x3F) | ((cylinder >> 2) & 0xC0), cylinder & 0xFF))


ChsAddress = ChsAddressAdapter(Bytes(3))

MBR_PARTITION_ENTRY = Struct(
    "status" / Int8ul,  # 0x80 = active (bootable), 0x00 = inactive
    "first_chs" / ChsAddress,
    "type_code" / Int8ul,
    "last_chs" / ChsAddress,
    "first_lba" / Int32ul,
    "sector_count" / Int32ul,
)

MASTER_BOOT_RECORD = Struct(
    "boot_code" / Bytes(440),
    "disk_signature" / Int32ul,
    "copy_protected" / Bytes(2),
    "partitions" / Array(4, MBR_PARTITION_ENTRY),
    "boot_signature" / Const(b"\x55\xaa"),
)

EMPTY_MBR_PARTITION = {
    "status": 0,
    "first_chs": (0, 0, 0),
    "type_code": 0,
    "last_chs": (0, 0, 0),
    "first_lba": 0,
    "sector_count": 0,
}


class MixedEndianGuidAdapter(Adapter):  # type: ignore[misc]
    """A GUID as Microsoft stores it: the first three fields little-endian, the rest as bytes."""

    def _decode(self, obj: bytes, context: Any, path: Any) -> uuid.UUID:
        return uuid.UUID(bytes_le=obj)

    def _encode(self, obj: uuid.UUID, context: Any, path: Any) -> bytes:
        return obj.bytes_le


Guid = MixedEndianGuidAdapter(Bytes(16))

GPT_SIGNATURE = b"EFI PART"
GPT_REVISION_1_0 = 0x00010000
GPT_HEADER_SIZE = 92
GPT_ENTRY_SIZE = 128
GPT_ENTRY_COUNT = 128
GPT_NAME_CHARACTERS = 36

GPT_HEADER = Struct(
    "signature" / Const(GPT_SIGNATURE),
    "revision" / Int32ul,
    "header_size" / Int32ul,
    "header_crc32" / Int32ul,  # CRC32 of the header_size bytes with this field zeroed
    "reserved" / Int32ul,
    "my_lba" / Int64ul,
    "alternate_lba" / Int64ul,
    "first_usable_lba" / Int64ul,
    "last_usable_lba" / Int64ul,
    "disk_guid" / Guid,
    "partition_entry_lba" / Int64ul,
    "number_of_partition_entries" / Int32ul,
    "size_of_partition_entry" / Int32ul,
    "partition_entry_array_crc32" / Int32ul,
)

GPT_PARTITION_ENTRY = Struct(
    "type_guid" / Guid,
    "unique_guid" / Guid,
    "first_lba" / Int64ul,
    "last_lba" / Int64ul,  # inclusive
    "attributes" / Int64ul,
    "name" / PaddedString(GPT_NAME_CHARACTERS * 2, "utf_16_le"),
)

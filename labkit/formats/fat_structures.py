"""On-disk structures of the FAT file system, declared once with ``construct``.

Each definition both builds (the writer in :mod:`labkit.evidence.disk.fat`) and
parses (our own round-trip tests). Field names follow Microsoft's FAT
specification (fatgen103) in plain English. Only byte layout lives here: what a
value means (cluster chains, name rules, time rounding) is decided by the writer.
"""

from __future__ import annotations

from construct import (
    BitsInteger,
    BitStruct,
    Bytes,
    ByteSwapped,
    Const,
    Int8ul,
    Int16ul,
    Int32ul,
    Padding,
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

# A FAT date: bits 15-9 year since 1980, 8-5 month, 4-0 day; stored little-endian.
FatDate = ByteSwapped(BitStruct("year" / BitsInteger(7), "month" / BitsInteger(4), "day" / BitsInteger(5)))
# A FAT time: bits 15-11 hours, 10-5 minutes, 4-0 seconds / 2; stored little-endian.
FatTime = ByteSwapped(
    BitStruct("hour" / BitsInteger(5), "minute" / BitsInteger(6), "double_seconds" / BitsInteger(5))
)

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

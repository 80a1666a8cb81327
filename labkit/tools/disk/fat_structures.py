"""FAT on-disk structures this package reads itself, declared once with construct.

The Sleuth Kit does the file-system walk; it does not expose the FAT attribute byte,
the volume serial or the raw wall-clock timestamps, so those few structures are
parsed here from the bytes TSK points at. Read-only: the evidence writers own theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from construct import Bytes, Int8ul, Int16ul, Int32ul, Struct

BOOT_SECTOR_SIZE = 512
DIRECTORY_ENTRY_SIZE = 32
DELETED_MARKER = 0xE5

_EXTENDED_TAIL = Struct(
    "drive_number" / Int8ul,
    "reserved" / Int8ul,
    "boot_signature" / Int8ul,
    "volume_id" / Int32ul,
    "volume_label" / Bytes(11),
    "file_system_type_label" / Bytes(8),
)

_COMMON_BPB = Struct(
    "jump" / Bytes(3),
    "oem_name" / Bytes(8),
    "bytes_per_sector" / Int16ul,
    "sectors_per_cluster" / Int8ul,
    "reserved_sectors" / Int16ul,
    "fat_count" / Int8ul,
    "root_entry_count" / Int16ul,
    "total_sectors_16" / Int16ul,
    "media_descriptor" / Int8ul,
    "sectors_per_fat_16" / Int16ul,
    "sectors_per_track" / Int16ul,
    "head_count" / Int16ul,
    "hidden_sectors" / Int32ul,
    "total_sectors_32" / Int32ul,
)

FAT16_BOOT_SECTOR = Struct("common" / _COMMON_BPB, "tail" / _EXTENDED_TAIL)

FAT32_BOOT_SECTOR = Struct(
    "common" / _COMMON_BPB,
    "sectors_per_fat_32" / Int32ul,
    "extended_flags" / Int16ul,
    "file_system_version" / Int16ul,
    "root_cluster" / Int32ul,
    "fs_info_sector" / Int16ul,
    "backup_boot_sector" / Int16ul,
    "reserved" / Bytes(12),
    "tail" / _EXTENDED_TAIL,
)

DIRECTORY_ENTRY = Struct(
    "name" / Bytes(8),
    "extension" / Bytes(3),
    "attributes" / Int8ul,
    "nt_flags" / Int8ul,
    "create_time_tenths" / Int8ul,
    "create_time" / Int16ul,
    "create_date" / Int16ul,
    "access_date" / Int16ul,
    "first_cluster_high" / Int16ul,
    "write_time" / Int16ul,
    "write_date" / Int16ul,
    "first_cluster_low" / Int16ul,
    "size" / Int32ul,
)

ATTRIBUTE_NAMES: tuple[tuple[int, str], ...] = (
    (0x01, "read-only"),
    (0x02, "hidden"),
    (0x04, "system"),
    (0x08, "volume-label"),
    (0x10, "directory"),
    (0x20, "archive"),
)
LONG_NAME_ATTRIBUTES = 0x0F


@dataclass(frozen=True)
class BootSector:
    """The BIOS parameter block fields an examiner reads off a FAT volume."""

    oem_name: str
    bytes_per_sector: int
    sectors_per_cluster: int
    reserved_sectors: int
    fat_count: int
    root_entry_count: int
    total_sectors: int
    sectors_per_fat: int
    hidden_sectors: int
    volume_serial: int | None
    volume_label: str | None
    file_system_type_label: str

    @property
    def cluster_size(self) -> int:
        return self.bytes_per_sector * self.sectors_per_cluster

    @property
    def first_fat_sector(self) -> int:
        return self.reserved_sectors

    @property
    def root_directory_sectors(self) -> int:
        return (
            self.root_entry_count * DIRECTORY_ENTRY_SIZE + self.bytes_per_sector - 1
        ) // self.bytes_per_sector

    @property
    def first_data_sector(self) -> int:
        """First sector after the FATs: TSK numbers directory entries from here."""
        return self.reserved_sectors + self.fat_count * self.sectors_per_fat

    @property
    def first_cluster_sector(self) -> int:
        return self.first_data_sector + self.root_directory_sectors

    @property
    def cluster_count(self) -> int:
        return (self.total_sectors - self.first_cluster_sector) // max(self.sectors_per_cluster, 1)


def decode_oem_text(raw: bytes) -> str:
    """Fixed-width OEM text as TSK shows it: trailing blanks dropped, non-ASCII as ``\\xNN``."""
    text = raw.rstrip(b" \x00")
    return "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in text)


def parse_boot_sector(raw: bytes) -> BootSector:
    """Parse a FAT12/16/32 boot sector; the caller already knows TSK accepted it as FAT."""
    common = _COMMON_BPB.parse(raw)
    is_fat32 = common.sectors_per_fat_16 == 0
    parsed = (FAT32_BOOT_SECTOR if is_fat32 else FAT16_BOOT_SECTOR).parse(raw)
    tail = parsed.tail
    has_extension = tail.boot_signature in (0x28, 0x29)
    return BootSector(
        oem_name=decode_oem_text(common.oem_name),
        bytes_per_sector=common.bytes_per_sector,
        sectors_per_cluster=common.sectors_per_cluster,
        reserved_sectors=common.reserved_sectors,
        fat_count=common.fat_count,
        root_entry_count=common.root_entry_count,
        total_sectors=common.total_sectors_16 or common.total_sectors_32,
        sectors_per_fat=parsed.sectors_per_fat_32 if is_fat32 else common.sectors_per_fat_16,
        hidden_sectors=common.hidden_sectors,
        volume_serial=tail.volume_id if has_extension else None,
        volume_label=decode_oem_text(tail.volume_label) if tail.boot_signature == 0x29 else None,
        file_system_type_label=decode_oem_text(tail.file_system_type_label) if has_extension else "",
    )


def attribute_names(attributes: int) -> tuple[str, ...]:
    """The FAT attribute byte as words; a long-name slot is reported as such."""
    if attributes & 0x3F == LONG_NAME_ATTRIBUTES:
        return ("long-name-slot",)
    return tuple(name for bit, name in ATTRIBUTE_NAMES if attributes & bit)


def short_name(name: bytes, extension: bytes) -> str:
    """The 8.3 name as stored (a deleted entry's first byte shown as ``_``, like TSK)."""
    if name[:1] == bytes([DELETED_MARKER]):
        name = b"_" + name[1:]
    elif name[:1] == b"\x05":  # 0x05 stands for a real leading 0xE5 (KANJI lead byte)
        name = b"\xe5" + name[1:]
    base = decode_oem_text(name)
    ext = decode_oem_text(extension)
    return f"{base}.{ext}" if ext else base

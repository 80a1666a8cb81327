"""FAT boot sectors and directory entries, parsed with the writer's declarations and decoded.

The Sleuth Kit does the file-system walk; it does not expose the FAT attribute byte,
the volume serial or the raw wall-clock timestamps, so the few structures behind
those are parsed here from the bytes TSK points at. The layouts are the ones the
evidence writer builds with (:mod:`labkit.formats.fat_structures`), read in their
tolerant form: a trainee's image may be damaged on purpose, and a wrong boot
signature or 0x55AA marker is something to show the examiner, not to crash on.
"""

from __future__ import annotations

import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from construct import ConstructError, Container

from labkit.errors import ImageFormatError, UsageError
from labkit.formats.fat_structures import (
    ATTRIBUTE_ARCHIVE,
    ATTRIBUTE_DIRECTORY,
    ATTRIBUTE_HIDDEN,
    ATTRIBUTE_LONG_NAME,
    ATTRIBUTE_READ_ONLY,
    ATTRIBUTE_SYSTEM,
    ATTRIBUTE_VOLUME_LABEL,
    DELETED_MARKER,
    BootSectorFat16,
    BootSectorFat32,
    DirectoryEntry,
    FlatStruct,
    tolerant,
)

BOOT_SECTOR_SIZE = BootSectorFat16.sizeof()
DIRECTORY_ENTRY_SIZE = DirectoryEntry.sizeof()
EXTENDED_BOOT_SIGNATURE_SERIAL_ONLY = 0x28  # DOS 4.0: serial, but no label or type text
EXTENDED_BOOT_SIGNATURE = 0x29
KANJI_LEAD_MARKER = 0x05  # stored in place of a real leading 0xE5
#: OEM code pages 8.3 names are written in: US, Western Europe, Central Europe, Russian/Kazakh.
OEM_CODE_PAGES: tuple[str, ...] = ("cp437", "cp850", "cp852", "cp866")
DEFAULT_OEM_CODE_PAGE = "cp437"  # what DOS and Windows assume when nothing says otherwise

_BOOT_SECTOR_FAT16 = tolerant(BootSectorFat16)
_BOOT_SECTOR_FAT32 = tolerant(BootSectorFat32)
_DIRECTORY_ENTRY = FlatStruct(DirectoryEntry)  # ~12x faster than construct; listings read one per file

ATTRIBUTE_NAMES: tuple[tuple[int, str], ...] = (
    (ATTRIBUTE_READ_ONLY, "read-only"),
    (ATTRIBUTE_HIDDEN, "hidden"),
    (ATTRIBUTE_SYSTEM, "system"),
    (ATTRIBUTE_VOLUME_LABEL, "volume-label"),
    (ATTRIBUTE_DIRECTORY, "directory"),
    (ATTRIBUTE_ARCHIVE, "archive"),
)


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


def decode_oem_text(raw: bytes, codepage: str | None = None) -> str:
    """Fixed-width OEM text with trailing blanks dropped.

    Nothing records which code page wrote a FAT volume, so the examiner names it
    (``codepage``, one of :data:`OEM_CODE_PAGES`). Without one, every non-ASCII byte
    is shown as ``\\xNN`` rather than guessed. Control bytes are always ``\\xNN``, so
    that a hostile name cannot move the cursor or hide characters on a terminal.
    """
    if codepage is not None and codepage not in OEM_CODE_PAGES:
        raise UsageError(f"unknown OEM code page {codepage!r}: use one of {', '.join(OEM_CODE_PAGES)}")
    text = raw.rstrip(b" \x00")
    return "".join(_decode_oem_byte(byte, codepage) for byte in text)


def _decode_oem_byte(byte: int, codepage: str | None) -> str:
    if 0x20 <= byte < 0x7F:
        return chr(byte)
    if codepage is not None and byte > 0x7F:
        char = bytes([byte]).decode(codepage, errors="replace")
        if char != "\ufffd" and not unicodedata.category(char).startswith("C"):
            return char
    return f"\\x{byte:02x}"


def parse_boot_sector(raw: bytes, where: str = "FAT volume") -> BootSector:
    """Parse a FAT12/16/32 boot sector; the caller already knows TSK accepted it as FAT.

    A FAT32 volume is told apart by its 16-bit FAT size being 0 (fatgen103).
    ``where`` names the volume in the error raised for bytes that are not a boot sector.
    """
    try:
        parsed = _BOOT_SECTOR_FAT16.parse(raw)
        is_fat32 = parsed.bpb.fat_size_16 == 0
        if is_fat32:
            parsed = _BOOT_SECTOR_FAT32.parse(raw)
    except ConstructError as exc:
        raise ImageFormatError(f"{where}: the FAT boot sector cannot be read ({len(raw)} bytes)") from exc
    bpb, extended = parsed.bpb, parsed.extended
    has_extension = extended.boot_signature in (EXTENDED_BOOT_SIGNATURE_SERIAL_ONLY, EXTENDED_BOOT_SIGNATURE)
    has_label = extended.boot_signature == EXTENDED_BOOT_SIGNATURE
    return BootSector(
        oem_name=decode_oem_text(parsed.oem_name),
        bytes_per_sector=bpb.bytes_per_sector,
        sectors_per_cluster=bpb.sectors_per_cluster,
        reserved_sectors=bpb.reserved_sectors,
        fat_count=bpb.fat_count,
        root_entry_count=bpb.root_entries,
        total_sectors=bpb.total_sectors_16 or bpb.total_sectors_32,
        sectors_per_fat=parsed.fat32.fat_size_32 if is_fat32 else bpb.fat_size_16,
        hidden_sectors=bpb.hidden_sectors,
        volume_serial=extended.volume_serial if has_extension else None,
        volume_label=decode_oem_text(extended.volume_label) if has_label else None,
        file_system_type_label=decode_oem_text(extended.file_system_type) if has_extension else "",
    )


_POWERS_OF_TWO = tuple(1 << n for n in range(8))
#: (name, BootSector attribute, check, what is allowed): the fields TSK refuses a volume over.
_BOOT_SECTOR_RULES: tuple[tuple[str, str, Callable[[int], bool], str], ...] = (
    ("bytes per sector", "bytes_per_sector", lambda v: v in (512, 1024, 2048, 4096), "512-4096"),
    ("sectors per cluster", "sectors_per_cluster", lambda v: v in _POWERS_OF_TWO, "a power of two, 1-128"),
    ("reserved sectors", "reserved_sectors", lambda v: v >= 1, "at least 1"),
    ("number of FATs", "fat_count", lambda v: v >= 1, "1 or 2"),
    ("sectors per FAT", "sectors_per_fat", lambda v: v >= 1, "at least 1"),
    ("total sectors", "total_sectors", lambda v: v >= 1, "at least 1"),
)


def boot_sector_defect(raw: bytes) -> str | None:
    """The field that makes a FAT-looking boot sector unusable (TSK then finds no file system).

    Only for bytes that look like a FAT boot sector (x86 jump and 0x55AA, or a "FAT"
    type text), so that a disk that is simply not FAT is not blamed on a field.
    """
    if len(raw) < 512:
        return None
    looks_fat = (raw[0] in (0xEB, 0xE9) and raw[510:512] == b"\x55\xaa") or b"FAT" in raw[54:62] + raw[82:90]
    if not looks_fat:
        return None
    try:
        boot = parse_boot_sector(raw)
    except ImageFormatError:
        return None
    for name, attribute, valid, expected in _BOOT_SECTOR_RULES:
        value = getattr(boot, attribute)
        if not valid(value):
            return f"{name} is {value} (must be {expected})"
    return None


def parse_directory_entry(raw: bytes, where: str = "FAT directory") -> Container:
    """The fields of a 32-byte short entry (dates and times as nested containers)."""
    try:
        return _DIRECTORY_ENTRY.parse(raw)
    except struct.error as exc:
        raise ImageFormatError(f"{where}: a directory entry is 32 bytes, got {len(raw)}") from exc


def is_long_name_slot(attributes: int) -> bool:
    """True for a VFAT long-name slot, which shares the short entry's attribute byte."""
    return attributes & 0x3F == ATTRIBUTE_LONG_NAME


def attribute_names(attributes: int) -> tuple[str, ...]:
    """The FAT attribute byte as words; a long-name slot is reported as such."""
    if is_long_name_slot(attributes):
        return ("long-name-slot",)
    return tuple(name for bit, name in ATTRIBUTE_NAMES if attributes & bit)


def short_name(stored: bytes, codepage: str = DEFAULT_OEM_CODE_PAGE) -> str:
    """The 11-byte 8.3 name as stored, its OEM bytes read through ``codepage``.

    A deleted entry's first byte (0xE5) is shown as ``_``, like TSK; a leading 0x05
    stands for a real 0xE5 (a valid first letter in cp866 and the Kanji code pages).
    """
    if stored[:1] == bytes([DELETED_MARKER]):
        stored = b"_" + stored[1:]
    elif stored[:1] == bytes([KANJI_LEAD_MARKER]):
        stored = bytes([DELETED_MARKER]) + stored[1:]
    base = decode_oem_text(stored[:8], codepage)
    extension = decode_oem_text(stored[8:11], codepage)
    return f"{base}.{extension}" if extension else base

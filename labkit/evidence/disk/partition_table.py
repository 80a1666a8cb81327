"""Partition layout and the MBR / GPT bytes that describe it.

Pure functions and a small planner, no I/O: :mod:`labkit.evidence.disk.raw_image`
writes what they return. Partitions are placed the way fdisk, parted and Windows
place them (aligned to 1 MiB by default), so the layout a trainee sees in mmls
looks like a real disk's.
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from dataclasses import dataclass
from typing import Literal

from labkit.errors import DiskFullError, UsageError
from labkit.formats.partition_structures import (
    EMPTY_MBR_PARTITION,
    GPT_ENTRY_COUNT,
    GPT_ENTRY_SIZE,
    GPT_HEADER,
    GPT_HEADER_SIZE,
    GPT_NAME_CHARACTERS,
    GPT_PARTITION_ENTRY,
    GPT_REVISION_1_0,
    MASTER_BOOT_RECORD,
    chs_from_lba,
)

PartitionType = Literal["fat12", "fat16", "fat32", "ntfs", "linux"]
Scheme = Literal["mbr", "gpt", "none"]

#: Last LBA still addressable through CHS (1024 cylinders x 255 heads x 63 sectors).
_CHS_ADDRESSABLE_SECTORS = 1024 * 255 * 63
_MBR_MAXIMUM_LBA = 0xFFFFFFFF
_PROTECTIVE_MBR_TYPE = 0xEE

_MBR_TYPE_CODES: dict[str, int] = {"fat12": 0x01, "fat32": 0x0C, "ntfs": 0x07, "linux": 0x83}
_FAT16_CHS_TYPE_CODE = 0x06
_FAT16_LBA_TYPE_CODE = 0x0E

MICROSOFT_BASIC_DATA_GUID = uuid.UUID("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7")
LINUX_FILESYSTEM_DATA_GUID = uuid.UUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4")
_GPT_TYPE_GUIDS: dict[str, uuid.UUID] = {
    "fat12": MICROSOFT_BASIC_DATA_GUID,
    "fat16": MICROSOFT_BASIC_DATA_GUID,
    "fat32": MICROSOFT_BASIC_DATA_GUID,
    "ntfs": MICROSOFT_BASIC_DATA_GUID,
    "linux": LINUX_FILESYSTEM_DATA_GUID,
}
_MBR_PRIMARY_SLOTS = 4


@dataclass(frozen=True)
class PartitionSpec:
    """What a scenario asks for: a size in bytes (None = the rest of the disk), a type and a name."""

    size: int | None
    type: PartitionType
    name: str = ""


@dataclass(frozen=True)
class PartitionFacts:
    """Where a partition ended up, in the terms mmls, sgdisk and pytsk3 report.

    ``index`` is 1-based, as partition tools and device names (sda1) count.
    ``type_code`` is the MBR type byte (None on GPT and superfloppy disks);
    ``type_guid`` and ``unique_guid`` are upper-case GUID strings (GPT only).
    """

    index: int
    start_sector: int
    sector_count: int
    offset: int
    size: int
    type: PartitionType
    type_code: int | None
    type_guid: str | None
    unique_guid: str | None
    name: str

    @property
    def last_sector(self) -> int:
        """The inclusive end sector, as mmls prints it in its "End" column."""
        return self.start_sector + self.sector_count - 1


def derived_guid(seed: int, purpose: str) -> uuid.UUID:
    """A version-4-shaped GUID that depends only on ``seed`` and ``purpose`` (never on randomness)."""
    digest = hashlib.sha256(f"labkit/guid/{seed}/{purpose}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def mbr_type_code(partition_type: PartitionType, last_lba: int) -> int:
    """The MBR type byte; FAT16 gets 0x0E (LBA) once it ends beyond what CHS can address."""
    if partition_type == "fat16":
        return _FAT16_CHS_TYPE_CODE if last_lba < _CHS_ADDRESSABLE_SECTORS else _FAT16_LBA_TYPE_CODE
    return _MBR_TYPE_CODES[partition_type]


def gpt_entry_array_sectors(sector_size: int) -> int:
    """Sectors taken by one copy of the 128-entry partition array."""
    return -(-(GPT_ENTRY_COUNT * GPT_ENTRY_SIZE) // sector_size)


class PartitionLayout:
    """Places partitions one after another on a disk of ``total_sectors``, aligned, without overlap."""

    def __init__(
        self, *, total_sectors: int, scheme: Scheme, sector_size: int, alignment: int, disk_id: int
    ) -> None:
        if alignment <= 0 or alignment % sector_size:
            raise UsageError(
                f"alignment {alignment} is not a positive multiple of the sector size {sector_size}"
            )
        self.total_sectors = total_sectors
        self.scheme = scheme
        self.sector_size = sector_size
        self.alignment_sectors = alignment // sector_size
        self.disk_id = disk_id
        self.partitions: list[PartitionFacts] = []
        if scheme == "gpt":
            entry_sectors = gpt_entry_array_sectors(sector_size)
            self.first_usable_lba = 2 + entry_sectors
            self.last_usable_lba = total_sectors - 2 - entry_sectors
        elif scheme == "mbr":
            self.first_usable_lba = 1
            self.last_usable_lba = min(total_sectors - 1, _MBR_MAXIMUM_LBA)
        else:
            self.first_usable_lba = 0
            self.last_usable_lba = total_sectors - 1
        if self.last_usable_lba < self.first_usable_lba:
            raise UsageError(f"a {total_sectors}-sector disk is too small for a {scheme} partition table")

    def place(self, spec: PartitionSpec) -> PartitionFacts:
        """Put the next partition right after the previous one, at the next aligned sector."""
        index = len(self.partitions) + 1
        self._check_room_for_another(spec, index)
        if self.scheme == "none":
            start = 0
        else:
            after = self.partitions[-1].last_sector + 1 if self.partitions else self.first_usable_lba
            start = -(-after // self.alignment_sectors) * self.alignment_sectors
        available = self.last_usable_lba - start + 1
        if spec.size is None:
            count = available
        else:
            if spec.size <= 0:
                raise UsageError(f"partition {index}: size must be positive, got {spec.size}")
            count = -(-spec.size // self.sector_size)
        if count <= 0 or count > available:
            wanted = "the rest of the disk" if spec.size is None else f"{spec.size} bytes"
            raise DiskFullError(
                f"partition {index} ({wanted}) does not fit: {max(available, 0) * self.sector_size} bytes "
                f"are left after sector {start} on this {self.total_sectors * self.sector_size}-byte disk"
            )
        last = start + count - 1
        facts = PartitionFacts(
            index=index,
            start_sector=start,
            sector_count=count,
            offset=start * self.sector_size,
            size=count * self.sector_size,
            type=spec.type,
            type_code=mbr_type_code(spec.type, last) if self.scheme == "mbr" else None,
            type_guid=str(_GPT_TYPE_GUIDS[spec.type]).upper() if self.scheme == "gpt" else None,
            unique_guid=str(derived_guid(self.disk_id, f"partition/{index}")).upper()
            if self.scheme == "gpt"
            else None,
            name=spec.name,
        )
        self.partitions.append(facts)
        return facts

    def _check_room_for_another(self, spec: PartitionSpec, index: int) -> None:
        if spec.type not in _GPT_TYPE_GUIDS:
            raise UsageError(
                f"partition {index}: unknown type {spec.type!r}; use one of {sorted(_GPT_TYPE_GUIDS)}"
            )
        limits = {"none": 1, "mbr": _MBR_PRIMARY_SLOTS, "gpt": GPT_ENTRY_COUNT}
        if index > limits[self.scheme]:
            raise UsageError(f"a {self.scheme} disk holds at most {limits[self.scheme]} partition(s)")
        if self.scheme == "gpt" and len(spec.name) > GPT_NAME_CHARACTERS:
            raise UsageError(f"partition {index}: GPT names hold at most {GPT_NAME_CHARACTERS} characters")
        if self.scheme == "gpt" and any(ord(character) > 0xFFFF for character in spec.name):
            raise UsageError(
                f"partition {index}: GPT names are UCS-2; {spec.name!r} has characters beyond it"
            )
        if self.scheme == "none" and spec.size not in (None, self.total_sectors * self.sector_size):
            raise UsageError("a disk without partition table holds one file system filling the whole disk")


def build_mbr(disk_signature: int, partitions: list[PartitionFacts]) -> bytes:
    """The 512-byte master boot record of an MBR disk (no boot code: the disk is data only)."""
    if not 0 <= disk_signature <= 0xFFFFFFFF:
        raise UsageError(f"an MBR disk signature is 32 bits; got disk_id {disk_signature}")
    entries = [
        {
            "status": 0x00,
            "first_chs": chs_from_lba(partition.start_sector),
            "type_code": partition.type_code,
            "last_chs": chs_from_lba(partition.last_sector),
            "first_lba": partition.start_sector,
            "sector_count": partition.sector_count,
        }
        for partition in partitions
    ]
    entries += [EMPTY_MBR_PARTITION] * (_MBR_PRIMARY_SLOTS - len(entries))
    return MASTER_BOOT_RECORD.build(
        {
            "boot_code": bytes(440),
            "disk_signature": disk_signature,
            "copy_protected": bytes(2),
            "partitions": entries,
        }
    )


def build_protective_mbr(total_sectors: int) -> bytes:
    """The MBR of a GPT disk: one 0xEE partition covering the disk (or as much as 32 bits reach)."""
    last_lba = min(total_sectors - 1, _MBR_MAXIMUM_LBA)
    protective = {
        "status": 0x00,
        "first_chs": chs_from_lba(1),
        "type_code": _PROTECTIVE_MBR_TYPE,
        "last_chs": chs_from_lba(last_lba),
        "first_lba": 1,
        "sector_count": last_lba,
    }
    partitions = [protective] + [EMPTY_MBR_PARTITION] * (_MBR_PRIMARY_SLOTS - 1)
    return MASTER_BOOT_RECORD.build(
        {"boot_code": bytes(440), "disk_signature": 0, "copy_protected": bytes(2), "partitions": partitions}
    )


@dataclass(frozen=True)
class GptCopies:
    """Both copies of a GPT: what goes at LBA 1 and what goes at ``backup_lba`` (absolute LBAs)."""

    primary: bytes
    backup_lba: int
    backup: bytes


def build_gpt(
    *, total_sectors: int, sector_size: int, disk_guid: uuid.UUID, partitions: list[PartitionFacts]
) -> GptCopies:
    """Primary header + entries, and backup entries + header, with their CRC32s filled in."""
    entry_sectors = gpt_entry_array_sectors(sector_size)
    entries = b"".join(
        GPT_PARTITION_ENTRY.build(
            {
                "type_guid": uuid.UUID(partition.type_guid or ""),
                "unique_guid": uuid.UUID(partition.unique_guid or ""),
                "first_lba": partition.start_sector,
                "last_lba": partition.last_sector,
                "attributes": 0,
                "name": partition.name,
            }
        )
        for partition in partitions
    )
    entries = entries.ljust(entry_sectors * sector_size, b"\x00")
    entries_crc = zlib.crc32(entries[: GPT_ENTRY_COUNT * GPT_ENTRY_SIZE])
    backup_header_lba = total_sectors - 1
    backup_entries_lba = backup_header_lba - entry_sectors

    def header(my_lba: int, alternate_lba: int, entries_lba: int) -> bytes:
        fields = {
            "revision": GPT_REVISION_1_0,
            "header_size": GPT_HEADER_SIZE,
            "header_crc32": 0,
            "reserved": 0,
            "my_lba": my_lba,
            "alternate_lba": alternate_lba,
            "first_usable_lba": 2 + entry_sectors,
            "last_usable_lba": backup_entries_lba - 1,
            "disk_guid": disk_guid,
            "partition_entry_lba": entries_lba,
            "number_of_partition_entries": GPT_ENTRY_COUNT,
            "size_of_partition_entry": GPT_ENTRY_SIZE,
            "partition_entry_array_crc32": entries_crc,
        }
        fields["header_crc32"] = zlib.crc32(GPT_HEADER.build(fields))
        return GPT_HEADER.build(fields).ljust(sector_size, b"\x00")

    return GptCopies(
        primary=header(1, backup_header_lba, 2) + entries,
        backup_lba=backup_entries_lba,
        backup=entries + header(backup_header_lba, 1, backup_entries_lba),
    )

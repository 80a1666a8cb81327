"""What ``labkit disk info`` reports: the container, the partition table, each file system."""

from __future__ import annotations

import array
import sys
from dataclasses import dataclass

from labkit.errors import LabkitError
from labkit.formats.fat_structures import ATTRIBUTE_VOLUME_LABEL
from labkit.tools.disk.fat_decoding import decode_oem_text, is_long_name_slot
from labkit.tools.disk.file_system import FileSystem, open_file_system
from labkit.tools.disk.image_access import DiskImage, ImageSummary
from labkit.tools.disk.volumes import PartitionTable, read_partition_table


@dataclass(frozen=True)
class FileSystemSummary:
    """One file system, as fsstat would summarise it (FAT fields None on other types)."""

    partition_index: int | None
    offset: int
    type_name: str
    sector_size: int
    cluster_size: int | None
    total_sectors: int | None
    cluster_count: int | None
    free_cluster_count: int | None
    oem_name: str | None
    serial: str | None
    label_boot_sector: str | None
    label_root_directory: str | None
    reserved_sectors: int | None
    fat_count: int | None
    sectors_per_fat: int | None
    root_entry_count: int | None
    first_inode: int
    last_inode: int
    root_inode: int


@dataclass(frozen=True)
class ImageSurvey:
    """The whole image: container, partition table (None if bare) and every readable file system.

    ``warnings``: what the examiner must know before trusting the rest (a truncated image).
    """

    image: ImageSummary
    partition_table: PartitionTable | None
    file_systems: tuple[FileSystemSummary, ...]
    warnings: tuple[str, ...] = ()


def survey_image(image: DiskImage) -> ImageSurvey:
    """Describe the image and every file system TSK finds in it (errors name the cause)."""
    table = read_partition_table(image)
    file_systems: list[FileSystem] = []
    if table is not None:
        for entry in table.allocated:
            try:
                file_systems.append(open_file_system(image, entry.index))
            except LabkitError:
                continue  # a partition without a readable file system is still listed in the table
    if not file_systems:
        file_systems.append(open_file_system(image))
    summaries = tuple(describe_file_system(file_system) for file_system in file_systems)
    warnings = tuple(w for w in (fs.truncation_warning() for fs in file_systems) if w)
    return ImageSurvey(image=image.summary, partition_table=table, file_systems=summaries, warnings=warnings)


def describe_file_system(file_system: FileSystem) -> FileSystemSummary:
    """Type, labels, serial, geometry and cluster counts of one file system."""
    boot = file_system.boot_sector
    index = file_system.partition.index if file_system.partition else None
    common = {
        "partition_index": index,
        "offset": file_system.offset,
        "type_name": file_system.type_name,
        "first_inode": file_system.first_inode,
        "last_inode": file_system.last_inode,
        "root_inode": file_system.root_inode,
    }
    if boot is None:
        return FileSystemSummary(
            **common,
            sector_size=file_system.block_size,
            cluster_size=None,
            total_sectors=None,
            cluster_count=None,
            free_cluster_count=None,
            oem_name=None,
            serial=None,
            label_boot_sector=None,
            label_root_directory=None,
            reserved_sectors=None,
            fat_count=None,
            sectors_per_fat=None,
            root_entry_count=None,
        )
    return FileSystemSummary(
        **common,
        sector_size=boot.bytes_per_sector,
        cluster_size=boot.cluster_size,
        total_sectors=boot.total_sectors,
        cluster_count=boot.cluster_count,
        free_cluster_count=count_free_clusters(file_system),
        oem_name=boot.oem_name,
        serial=None if boot.volume_serial is None else format_serial(boot.volume_serial),
        label_boot_sector=boot.volume_label,
        label_root_directory=root_directory_label(file_system),
        reserved_sectors=boot.reserved_sectors,
        fat_count=boot.fat_count,
        sectors_per_fat=boot.sectors_per_fat,
        root_entry_count=boot.root_entry_count if boot.root_entry_count else None,
    )


def format_serial(serial: int) -> str:
    """The volume serial as Windows' ``vol`` prints it: ``1234-ABCD``."""
    return f"{serial >> 16:04X}-{serial & 0xFFFF:04X}"


def root_directory_label(file_system: FileSystem) -> str | None:
    """The label Windows shows: the volume-label entry in the root directory, if any."""
    root = file_system.open_inode(file_system.root_inode)
    for item in file_system.iter_directory(root):
        if item.deleted:
            continue
        entry = file_system.read_directory_entry(item.inode)
        if entry is None or is_long_name_slot(entry.attributes):
            continue
        if entry.attributes & ATTRIBUTE_VOLUME_LABEL:
            return decode_oem_text(entry.name)
    return None


def count_free_clusters(file_system: FileSystem) -> int:
    """Clusters whose entry in the first FAT is 0 (read from the FAT, not from FSInfo hints)."""
    boot = file_system.boot_sector
    assert boot is not None
    table = file_system.image.read(
        file_system.offset + boot.first_fat_sector * boot.bytes_per_sector,
        boot.sectors_per_fat * boot.bytes_per_sector,
    )
    first, last = 2, boot.cluster_count + 2
    if file_system.type_name == "FAT12":
        return sum(fat_entry(table, cluster, "FAT12") == 0 for cluster in range(first, last))
    # FAT16/32: count in C; FAT32's top 4 bits are reserved, so 0x?0000000 is free too.
    entries = array.array("H" if file_system.type_name == "FAT16" else "I")
    entries.frombytes(table[: len(table) - len(table) % entries.itemsize])
    if sys.byteorder != "little":
        entries.byteswap()
    used_slice = entries[first:last]
    if file_system.type_name == "FAT16":
        return used_slice.count(0)
    return sum(used_slice.count(high << 28) for high in range(16))


def fat_entry(table: bytes, cluster: int, type_name: str) -> int:
    """The FAT entry of ``cluster`` (12-bit entries are packed two per three bytes)."""
    if type_name == "FAT12":
        start = cluster + cluster // 2
        if start + 2 > len(table):
            return 0xFFF
        pair = int.from_bytes(table[start : start + 2], "little")
        return pair >> 4 if cluster & 1 else pair & 0xFFF
    width = 2 if type_name == "FAT16" else 4
    start = cluster * width
    if start + width > len(table):
        return 0xFFFFFFFF
    return int.from_bytes(table[start : start + width], "little")

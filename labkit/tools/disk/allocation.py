"""Is a FAT cluster allocated now? Read from the first FAT, as TSK decides it.

TSK's recovery of a deleted FAT file depends on this: it starts at the entry's first
cluster and skips allocated ones, and gives up (one cluster only) when the first
cluster itself is allocated. Knowing the status lets the tools say which case applies.
"""

from __future__ import annotations

from labkit.tools.disk.file_system import FileSystem

_FAT32_MASK = 0x0FFFFFFF
_END_OF_CHAIN_FROM = {"FAT12": 0xFF7, "FAT16": 0xFFF7, "FAT32": 0x0FFFFFF7}  # bad-cluster or end mark


def cluster_allocated(file_system: FileSystem, cluster: int) -> bool | None:
    """True if the first FAT marks ``cluster`` in use (any non-zero entry, bad clusters too)."""
    value = fat_value(file_system, cluster)
    return None if value is None else value != 0


def chain_loop(file_system: FileSystem, first_cluster: int) -> int | None:
    """The cluster at which the FAT chain from ``first_cluster`` comes back on itself, if it does.

    TSK stops at such a loop and returns no data; naming the cluster says why.
    """
    seen: set[int] = set()
    cluster = first_cluster
    while True:
        value = fat_value(file_system, cluster)
        if value is None or value == 0:
            return None  # end of volume, free, or not FAT: not a loop
        if cluster in seen:
            return cluster
        seen.add(cluster)
        if value >= _END_OF_CHAIN_FROM.get(file_system.type_name, _FAT32_MASK):
            return None
        cluster = value


def fat_value(file_system: FileSystem, cluster: int) -> int | None:
    """True if the first FAT marks ``cluster`` in use (any non-zero entry, bad clusters too).

    None when the file system is not FAT or the cluster number is outside the volume.
    """
    boot = file_system.boot_sector
    if boot is None or not 2 <= cluster < boot.cluster_count + 2:
        return None
    bits = {"FAT12": 12, "FAT16": 16, "FAT32": 32}.get(file_system.type_name)
    if bits is None:
        return None
    byte_offset = cluster * bits // 8
    fat_start = file_system.offset + boot.first_fat_sector * boot.bytes_per_sector
    raw = int.from_bytes(file_system.image.read(fat_start + byte_offset, 4 if bits == 32 else 2), "little")
    if bits == 12:
        value = raw >> 4 if cluster % 2 else raw & 0x0FFF
    elif bits == 32:
        value = raw & _FAT32_MASK
    else:
        value = raw
    return value

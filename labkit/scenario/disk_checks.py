"""Check at load time that a declared disk can be built, without building it.

The partition layout and the FAT geometry are pure calculations, so the same
functions the writers use decide here whether the disk size, partitioning,
FAT type and cluster size fit together; the story never starts on a disk that
cannot exist.
"""

from __future__ import annotations

from labkit.errors import EvidenceError, UsageError
from labkit.evidence.disk.fat.geometry import plan_geometry
from labkit.evidence.disk.partition_table import PartitionLayout, PartitionSpec
from labkit.scenario.model import DiskSpec

SECTOR_SIZE = 512
ALIGNMENT = 1024 * 1024


def check_disk_geometry(disk: DiskSpec) -> tuple[list[str | int], str, str] | None:
    """``(field path, message, hint)`` when the disk cannot be built as declared, else None."""
    fs = disk.filesystem
    try:
        layout = PartitionLayout(
            total_sectors=disk.size // SECTOR_SIZE,
            scheme=disk.partitioning,
            sector_size=SECTOR_SIZE,
            alignment=ALIGNMENT,
            disk_id=0,
        )
        partition = layout.place(PartitionSpec(size=None, type=fs.type))
    except (UsageError, EvidenceError) as exc:
        return ["size"], f"{disk.partitioning} partitioning does not fit: {exc}", "make the disk larger"
    try:
        plan_geometry(partition.size, sector_size=SECTOR_SIZE, fat_type=fs.type, cluster_size=fs.cluster_size)
    except EvidenceError as exc:
        message = f"{fs.type.upper()} does not fit this disk: {exc}"
        if fs.cluster_size and _fits(partition.size, fs.type, None):
            return (
                ["filesystem", "cluster_size"],
                message,
                "omit cluster_size to let labkit choose one that fits",
            )
        return ["size"], message, _SIZE_HINT
    return None


def _fits(size: int, fat_type: str, cluster_size: int | None) -> bool:
    try:
        plan_geometry(size, sector_size=SECTOR_SIZE, fat_type=fat_type, cluster_size=cluster_size)  # type: ignore[arg-type]
    except EvidenceError:
        return False
    return True


_SIZE_HINT = (
    "FAT12 suits disks up to ~16 MiB, FAT16 up to ~2 GiB, FAT32 from ~33 MiB: change the size or the type"
)

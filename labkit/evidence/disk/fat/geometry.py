"""Volume geometry: FAT type, cluster size and region layout.

The FAT type is decided by the Microsoft rule alone, the count of data clusters
(< 4085 FAT12, < 65525 FAT16, otherwise FAT32), because that is how every reader
(Windows, Linux, The Sleuth Kit, dosfstools) decides it. Default cluster sizes
follow Microsoft's format tables (fatgen103).
"""

from __future__ import annotations

from dataclasses import dataclass

from labkit.errors import EvidenceError

from .models import FatType

FAT12_MAX_CLUSTERS = 4084
FAT16_MAX_CLUSTERS = 65524
FAT32_MAX_CLUSTERS = 0x0FFFFFF5
MAX_CLUSTER_SIZE = 32 * 1024
SECTOR_SIZES = (512, 1024, 2048, 4096)
FAT_BITS: dict[str, int] = {"fat12": 12, "fat16": 16, "fat32": 32}
MIB = 1024 * 1024

# fatgen103, expressed in bytes: (largest volume size, cluster size); 0 = type not allowed there.
_FAT16_TABLE = (
    (8400 * 512, 0),
    (32680 * 512, 1024),
    (262144 * 512, 2048),
    (524288 * 512, 4096),
    (1048576 * 512, 8192),
    (2097152 * 512, 16384),
    (4194304 * 512, 32768),
)
_FAT32_TABLE = (
    (66600 * 512, 0),
    (532480 * 512, 512),
    (16777216 * 512, 4096),
    (33554432 * 512, 8192),
    (67108864 * 512, 16384),
    (0xFFFFFFFF * 512, 32768),
)


@dataclass(frozen=True)
class FatGeometry:
    """Where each region of the volume lives, in sectors from the volume start."""

    fat_type: FatType
    sector_size: int
    sectors_per_cluster: int
    total_sectors: int
    reserved_sectors: int
    fat_count: int
    fat_size_sectors: int
    root_entries: int

    @property
    def cluster_size(self) -> int:
        return self.sector_size * self.sectors_per_cluster

    @property
    def root_dir_sectors(self) -> int:
        return (self.root_entries * 32 + self.sector_size - 1) // self.sector_size

    @property
    def first_root_sector(self) -> int:
        return self.reserved_sectors + self.fat_count * self.fat_size_sectors

    @property
    def first_data_sector(self) -> int:
        return self.first_root_sector + self.root_dir_sectors

    @property
    def cluster_count(self) -> int:
        return (self.total_sectors - self.first_data_sector) // self.sectors_per_cluster

    @property
    def fat_bits(self) -> int:
        return FAT_BITS[self.fat_type]

    def fat_offset(self, index: int) -> int:
        """Byte offset of FAT copy ``index`` from the volume start."""
        return (self.reserved_sectors + index * self.fat_size_sectors) * self.sector_size

    def cluster_offset(self, cluster: int) -> int:
        """Byte offset of a data cluster from the volume start."""
        return (self.first_data_sector + (cluster - 2) * self.sectors_per_cluster) * self.sector_size


def default_fat_type(size: int) -> FatType:
    """The type a formatter picks for a volume of ``size`` bytes (mkfs.fat-like thresholds)."""
    if size <= 8400 * 512:
        return "fat12"
    if size < 512 * MIB:
        return "fat16"
    return "fat32"


def _default_cluster_size(fat_type: FatType, size: int, sector_size: int) -> int:
    if fat_type == "fat12":
        cluster = sector_size
        while size // cluster > FAT12_MAX_CLUSTERS and cluster < MAX_CLUSTER_SIZE:
            cluster *= 2
        return cluster
    table = _FAT16_TABLE if fat_type == "fat16" else _FAT32_TABLE
    for limit, cluster in table:
        if size <= limit:
            if cluster == 0:
                raise EvidenceError(
                    f"a {size} byte volume is too small for {fat_type.upper()}; use a smaller FAT type"
                )
            return max(cluster, sector_size)
    raise EvidenceError(f"a {size} byte volume is too large for {fat_type.upper()}")


def _layout(
    fat_type: FatType, total_sectors: int, sector_size: int, cluster_size: int, root_entries: int
) -> FatGeometry:
    """Smallest FAT that covers every cluster it leaves room for (fixed-point iteration)."""
    reserved = 32 if fat_type == "fat32" else 1
    geometry = FatGeometry(
        fat_type,
        sector_size,
        cluster_size // sector_size,
        total_sectors,
        reserved,
        2,
        1,
        0 if fat_type == "fat32" else root_entries,
    )
    bits = FAT_BITS[fat_type]
    for _ in range(64):
        clusters = max(geometry.cluster_count, 0)
        needed = ((clusters + 2) * bits + 8 * sector_size - 1) // (8 * sector_size)
        if needed <= geometry.fat_size_sectors:
            return geometry
        geometry = FatGeometry(
            fat_type,
            sector_size,
            geometry.sectors_per_cluster,
            total_sectors,
            reserved,
            2,
            needed,
            geometry.root_entries,
        )
    return geometry  # pragma: no cover - converges in a few steps


def _type_of(cluster_count: int) -> FatType:
    if cluster_count <= FAT12_MAX_CLUSTERS:
        return "fat12"
    if cluster_count <= FAT16_MAX_CLUSTERS:
        return "fat16"
    return "fat32"


def plan_geometry(
    size: int,
    *,
    sector_size: int = 512,
    fat_type: FatType | None = None,
    cluster_size: int | None = None,
    root_entries: int | None = None,
) -> FatGeometry:
    """Choose a valid geometry, or explain in one line why none exists.

    Raises:
        EvidenceError: the type, cluster size or sector size cannot make a valid volume.
    """
    if sector_size not in SECTOR_SIZES:
        raise EvidenceError(f"sector size must be one of {SECTOR_SIZES}, not {sector_size}")
    if fat_type is not None and fat_type not in FAT_BITS:
        raise EvidenceError(f"FAT type must be fat12, fat16 or fat32, not {fat_type!r}")
    if cluster_size is not None and (
        cluster_size < sector_size or cluster_size > MAX_CLUSTER_SIZE or cluster_size & (cluster_size - 1)
    ):
        raise EvidenceError(
            f"cluster size must be a power of two from {sector_size} to {MAX_CLUSTER_SIZE} bytes, "
            f"not {cluster_size}"
        )
    total_sectors = size // sector_size
    if size <= 0 or total_sectors > 0xFFFFFFFF:
        raise EvidenceError(f"volume size {size} is outside what FAT can address")
    entries = 512 if root_entries is None else root_entries
    if entries <= 0 or entries > 0xFFFF or (entries * 32) % sector_size:
        raise EvidenceError(f"root entries must fill whole sectors (multiple of {sector_size // 32})")
    candidates: list[FatType] = (
        [fat_type] if fat_type else [default_fat_type(size), "fat12", "fat16", "fat32"]
    )
    reasons: list[str] = []
    for candidate in dict.fromkeys(candidates):
        try:
            cluster = cluster_size or _default_cluster_size(candidate, size, sector_size)
        except EvidenceError as error:
            reasons.append(str(error))
            continue
        geometry = _layout(candidate, total_sectors, sector_size, cluster, entries)
        count = geometry.cluster_count
        if count < 1:
            reasons.append(f"{candidate.upper()}: no room left for data clusters")
        elif _type_of(count) != candidate:
            reasons.append(
                f"{candidate.upper()} with {cluster} byte clusters gives {count} clusters, which readers "
                f"take for {_type_of(count).upper()} (FAT12 < 4085 <= FAT16 < 65525 <= FAT32)"
            )
        elif count > FAT32_MAX_CLUSTERS:
            reasons.append(f"{count} clusters exceed the FAT32 maximum; use larger clusters")
        elif geometry.fat_type != "fat32" and geometry.fat_size_sectors > 0xFFFF:
            reasons.append(f"{candidate.upper()} FAT would be too large")
        else:
            return geometry
    raise EvidenceError(f"cannot make a valid FAT volume of {size} bytes: " + "; ".join(reasons))

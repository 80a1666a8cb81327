"""Everything the FAT writer puts into the sink: file data, slack, unallocated data, metadata.

Data is written in one ``write`` per contiguous run of clusters, so a large file
costs a handful of system calls. Metadata (boot sectors, FSInfo, both FATs,
directories) is written by :meth:`VolumeOutput.finalize`, which can be called
again after further changes.
"""

from __future__ import annotations

from typing import BinaryIO

from labkit.errors import DiskFullError, EvidenceError

from .boot_sector import BACKUP_BOOT_SECTOR, FSINFO_SECTOR, MEDIA_FIXED_DISK, build_boot_sector, build_fsinfo
from .fat_table import FatTable, is_one_run
from .geometry import FatGeometry
from .items import Item
from .models import FatEntry, FatVolumeFacts, SlackPlacement, UnallocatedPlacement

UNALLOCATED_OWNER = 0xFFFFFFFF
_FILL_CHUNK = 1024 * 1024


def cluster_runs(clusters: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of a cluster list as (first, count)."""
    if clusters and is_one_run(clusters):
        return [(clusters[0], len(clusters))]
    runs: list[tuple[int, int]] = []
    for cluster in clusters:
        if runs and runs[-1][0] + runs[-1][1] == cluster:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((cluster, 1))
    return runs


class VolumeOutput:
    """Sink writes of :class:`labkit.evidence.disk.fat.FatVolume` (a mixin; state lives there)."""

    _geometry: FatGeometry
    _sink: BinaryIO
    _base: int
    _fat: FatTable
    _items: list[Item]
    _root: Item
    _label: bytes
    _label_text: str
    _serial: int
    _oem_name: bytes
    _hidden_sectors: int

    def entry(self, path_or_handle: str | int | FatEntry) -> FatEntry:
        raise NotImplementedError

    def _live_file(self, path: str) -> Item:
        raise NotImplementedError

    # ------------------------------------------------------------ public writes
    def write_slack(self, path: str, data: bytes) -> SlackPlacement:
        """Write ``data`` right after the end of a file, inside its last cluster (file slack)."""
        item = self._live_file(path)
        if not item.clusters:
            raise EvidenceError(f"{item.path!r} is empty: it has no cluster and so no slack")
        cluster_size = self._geometry.cluster_size
        used = item.size % cluster_size
        room = cluster_size - used if item.size and used else 0
        if len(data) > room:
            raise DiskFullError(
                f"{len(data)} bytes of slack do not fit after {item.path!r}: "
                f"{room} bytes are free in its last cluster"
            )
        last = item.clusters[-1]
        offset = self._geometry.cluster_offset(last) + used
        self._write_at(offset, memoryview(data).cast("B"))
        facts = self.entry(item.handle)
        return SlackPlacement(item.path, facts.inode, last, offset, len(data), item.size)

    def write_unallocated(self, data: bytes, *, cluster: int | None = None) -> UnallocatedPlacement:
        """Write ``data`` into free clusters without allocating them.

        Without ``cluster``, the end of the highest free run that is long enough is
        used, as far as possible from where next-fit allocation continues.
        """
        count = max(1, -(-len(data) // self._geometry.cluster_size))
        if cluster is None:
            runs = [run for run in self._fat.free_runs() if run[1] >= count]
            if not runs:
                raise DiskFullError(f"no run of {count} free clusters for {len(data)} unallocated bytes")
            first = runs[-1][0] + runs[-1][1] - count
        else:
            first = cluster
            if not all(self._fat.is_free(c) for c in range(first, first + count)):
                raise EvidenceError(f"clusters {first}-{first + count - 1} are not all free")
        clusters = list(range(first, first + count))
        self._write_clusters(clusters, memoryview(data).cast("B"), owner=UNALLOCATED_OWNER)
        return UnallocatedPlacement(first, tuple(clusters), self._geometry.cluster_offset(first), len(data))

    def is_intact(self, placement: UnallocatedPlacement) -> bool:
        """Whether planted unallocated data is still free and not overwritten since."""
        fat = self._fat
        return all(not fat.used[c] and fat.owner[c] == UNALLOCATED_OWNER for c in placement.clusters)

    def facts(self) -> FatVolumeFacts:
        """Geometry and bookkeeping as the boot sector and FSInfo state them."""
        geometry = self._geometry
        is_fat32 = geometry.fat_type == "fat32"
        return FatVolumeFacts(
            fat_type=geometry.fat_type,
            sector_size=geometry.sector_size,
            cluster_size=geometry.cluster_size,
            sectors_per_cluster=geometry.sectors_per_cluster,
            total_sectors=geometry.total_sectors,
            hidden_sectors=self._hidden_sectors,
            reserved_sectors=geometry.reserved_sectors,
            fat_count=geometry.fat_count,
            fat_size_sectors=geometry.fat_size_sectors,
            root_entries=geometry.root_entries,
            first_data_sector=geometry.first_data_sector,
            cluster_count=geometry.cluster_count,
            free_clusters=self._fat.free_count,
            next_free_hint=self._fat.last_allocated,
            root_dir_cluster=self._root.clusters[0] if is_fat32 else None,
            label=self._label_text,
            serial=self._serial,
            media=MEDIA_FIXED_DISK,
        )

    def finalize(self) -> FatVolumeFacts:
        """Write boot sector(s), FSInfo, both FATs and every live directory. May be called again."""
        geometry = self._geometry
        sector = geometry.sector_size
        boot = build_boot_sector(
            geometry,
            oem_name=self._oem_name,
            label=self._label,
            serial=self._serial,
            hidden_sectors=self._hidden_sectors,
        )
        self._write_at(0, boot)
        if geometry.fat_type == "fat32":
            fsinfo = build_fsinfo(
                geometry, free_count=self._fat.free_count, next_free=self._fat.last_allocated
            )
            self._write_at(FSINFO_SECTOR * sector, fsinfo)
            self._write_at(BACKUP_BOOT_SECTOR * sector, boot + fsinfo)
        table = self._fat.to_bytes().ljust(geometry.fat_size_sectors * sector, b"\x00")
        for index in range(geometry.fat_count):
            self._write_at(geometry.fat_offset(index), table)
        for item in self._items:
            if item.is_directory and not item.deleted:
                self._flush_directory(item)
        self._sink.flush()
        return self.facts()

    # ---------------------------------------------------------------- internals
    def _write_at(self, offset: int, data: bytes | memoryview) -> None:
        self._sink.seek(self._base + offset)
        self._sink.write(data)

    def _write_clusters(self, clusters: list[int], data: memoryview, *, owner: int) -> None:
        """Write ``data`` over the clusters, one write per contiguous run; the tail keeps what was there."""
        cluster_size = self._geometry.cluster_size
        position = 0
        for first, count in cluster_runs(clusters):
            self._write_at(
                self._geometry.cluster_offset(first), data[position : position + count * cluster_size]
            )
            position += count * cluster_size
        self._fat.claim(clusters, owner)

    def _fill_clusters(self, clusters: list[int], fill: bytes, *, owner: int) -> None:
        cluster_size = self._geometry.cluster_size
        pattern = (fill * (-(-_FILL_CHUNK // len(fill))))[:_FILL_CHUNK]
        for first, count in cluster_runs(clusters):
            remaining, offset = count * cluster_size, self._geometry.cluster_offset(first)
            while remaining:
                piece = min(remaining, _FILL_CHUNK)
                self._write_at(offset, pattern[:piece])
                offset, remaining = offset + piece, remaining - piece
        self._fat.claim(clusters, owner)

    def _flush_directory(self, directory: Item) -> None:
        """Write a directory's slots, zero-padded to its whole area (clusters or fixed root)."""
        geometry = self._geometry
        if directory is self._root and geometry.fat_type != "fat32":
            area = bytes(directory.slots).ljust(geometry.root_dir_sectors * geometry.sector_size, b"\x00")
            self._write_at(geometry.first_root_sector * geometry.sector_size, area)
            return
        cluster_size = geometry.cluster_size
        content = bytes(directory.slots).ljust(len(directory.clusters) * cluster_size, b"\x00")
        position = 0
        for first, count in cluster_runs(directory.clusters):
            self._write_at(
                geometry.cluster_offset(first), content[position : position + count * cluster_size]
            )
            position += count * cluster_size

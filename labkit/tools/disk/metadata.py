"""``istat``-style metadata of one file: names, attributes, times, allocation, location."""

from __future__ import annotations

from dataclasses import dataclass

from labkit.tools.disk.allocation import cluster_allocated
from labkit.tools.disk.content import DataRun, data_runs, open_target, slack_size
from labkit.tools.disk.entry_details import metadata_allocated, read_entry_details, type_letters
from labkit.tools.disk.fat_decoding import DEFAULT_OEM_CODE_PAGE
from labkit.tools.disk.file_system import FileSystem
from labkit.tools.disk.listing import list_files
from labkit.tools.disk.timestamps import FileTime

DELETED_DATA_NOTE = (
    "deleted on FAT: the cluster chain was cleared, so these clusters are TSK's reconstruction: "
    "the first cluster, then the next clusters that are free now, skipping allocated ones; "
    "a free cluster may still have been overwritten since"
)
FIRST_CLUSTER_TAKEN_NOTE = (
    "deleted on FAT, and its first cluster is allocated to another file: TSK places only that "
    "one cluster, which holds the other file's data; after a move or rename that file may be "
    "this data under its new name (compare its first cluster with the allocated files')"
)
TOO_FEW_FREE_NOTE = (
    "deleted on FAT, and too few free clusters follow its first cluster to cover its size: "
    "TSK places only one cluster"
)


@dataclass(frozen=True)
class FileMetadata:
    """Everything istat shows for one entry, with FAT attributes and stored wall-clock times.

    ``sectors`` are relative to the start of the file system (istat's numbering);
    ``first_image_sector`` shifts them to the whole image (add it for blkcat on the image).
    ``first_cluster_allocated`` is the FAT's status of that cluster now (None: not FAT).
    ``short_name_codepage`` is the OEM code page the 8.3 name was read through (None: no 8.3 name).
    """

    inode: int
    path: str | None
    name: str | None
    short_name: str | None
    short_name_codepage: str | None
    type: str
    is_directory: bool
    allocated: bool
    deleted: bool
    size: int
    attributes: tuple[str, ...]
    attribute_byte: int | None
    modified: FileTime | None
    accessed: FileTime | None
    changed: FileTime | None
    created: FileTime | None
    first_cluster: int | None
    first_cluster_allocated: bool | None
    clusters: tuple[int, ...]
    sectors: tuple[DataRun, ...]
    sector_size: int
    first_image_sector: int
    slack_size: int
    note: str | None


def stat_file(
    file_system: FileSystem,
    path: str | None = None,
    inode: int | None = None,
    *,
    codepage: str = DEFAULT_OEM_CODE_PAGE,
) -> FileMetadata:
    """Metadata of the file named by ``path`` or ``inode`` (its name is looked up for an inode).

    ``codepage`` is the OEM code page of the 8.3 name: FAT does not record it, so the
    examiner chooses (cp866 for a stick written on Russian or Kazakh Windows).
    """
    target = open_target(file_system, path=path, inode=inode)
    shown_path = target.path if target.path is not None else _find_path(file_system, target.inode)
    details = read_entry_details(file_system, target.inode, target.tsk_file, codepage)
    runs = data_runs(target.tsk_file)
    name_deleted = target.deleted if target.path is not None else not metadata_allocated(target.tsk_file)
    first_cluster_allocated = (
        cluster_allocated(file_system, details.first_cluster) if details.first_cluster else None
    )
    return FileMetadata(
        inode=target.inode,
        path=shown_path,
        name=shown_path.rsplit("/", 1)[-1] if shown_path and shown_path != "/" else shown_path,
        short_name=details.short_name,
        short_name_codepage=details.short_name_codepage,
        type=type_letters(None, target.tsk_file).split("/")[1],
        is_directory=target.is_directory,
        allocated=bool(metadata_allocated(target.tsk_file)),
        deleted=bool(name_deleted),
        size=target.size,
        attributes=details.attributes,
        attribute_byte=details.attribute_byte,
        modified=details.modified,
        accessed=details.accessed,
        changed=details.changed,
        created=details.created,
        first_cluster=details.first_cluster,
        first_cluster_allocated=first_cluster_allocated,
        clusters=_clusters(file_system, runs),
        sectors=runs,
        sector_size=file_system.block_size,
        first_image_sector=file_system.offset // file_system.block_size,
        slack_size=slack_size(file_system, target),
        note=_deleted_note(file_system, target.size, runs, first_cluster_allocated) if name_deleted else None,
    )


def _deleted_note(
    file_system: FileSystem, size: int, runs: tuple[DataRun, ...], first_cluster_allocated: bool | None
) -> str | None:
    """How TSK placed a deleted FAT file's data (see :mod:`labkit.tools.disk.content`)."""
    if not file_system.is_fat or not runs:
        return None
    if first_cluster_allocated:
        return FIRST_CLUSTER_TAKEN_NOTE
    placed = sum(run.block_count for run in runs) * file_system.block_size
    return TOO_FEW_FREE_NOTE if placed < size else DELETED_DATA_NOTE


def _clusters(file_system: FileSystem, runs: tuple[DataRun, ...]) -> tuple[int, ...]:
    boot = file_system.boot_sector
    if boot is None:
        return ()
    clusters: list[int] = []
    for run in runs:
        for sector in range(run.first_block, run.first_block + run.block_count):
            if sector < boot.first_cluster_sector:
                continue  # FAT12/16 root directory and TSK's virtual files lie outside the cluster area
            cluster = (sector - boot.first_cluster_sector) // boot.sectors_per_cluster + 2
            if not clusters or clusters[-1] != cluster:
                clusters.append(cluster)
    return tuple(clusters)


def _find_path(file_system: FileSystem, inode: int) -> str | None:
    """The first name that points at ``inode`` (a full walk: only done for ``-i``)."""
    if inode == file_system.root_inode:
        return "/"
    for entry in list_files(file_system, "/", recursive=True):
        if entry.inode == inode:
            return entry.path
    return None

"""Typed inputs and facts of the FAT writer.

Every fact a trainer's answer key needs is reported exactly as it was written to
disk: times after FAT rounding, TSK inode numbers, byte offsets relative to the
start of the volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

FatType = Literal["fat12", "fat16", "fat32"]
AllocationPolicy = Literal["next-fit", "first-fit"]


@dataclass(frozen=True)
class FatTimes:
    """Naive LOCAL wall-clock times (FAT has no time zone); ``None`` leaves a time unchanged/default."""

    created: datetime | None = None
    modified: datetime | None = None
    accessed: datetime | date | None = None  # FAT keeps the date only


@dataclass(frozen=True)
class FatAttributes:
    """The user-settable attribute bits of a directory entry."""

    read_only: bool = False
    hidden: bool = False
    system: bool = False
    archive: bool = True


@dataclass(frozen=True)
class FatEntry:
    """The current, on-disk facts of one file or directory (live or deleted).

    ``inode`` is The Sleuth Kit's metadata address of the short entry; ``created`` keeps
    10 ms, ``modified`` 2 s and ``accessed`` a date: the values tools will show.
    ``overwritten`` is computed when the entry is asked for: True when a former
    cluster of a deleted item now belongs to something else or was wiped.
    """

    handle: int
    path: str
    long_name: str
    short_name: str
    inode: int
    dir_entry_offset: int
    long_name_slots: int
    first_cluster: int
    clusters: tuple[int, ...]
    data_offset: int | None
    size: int
    attributes: FatAttributes
    created: datetime
    modified: datetime
    accessed: date
    is_directory: bool
    deleted: bool
    overwritten: bool


@dataclass(frozen=True)
class SlackPlacement:
    """Bytes planted after the end of a file, inside its last cluster."""

    path: str
    inode: int
    cluster: int
    offset: int  # byte offset relative to the volume start
    length: int
    file_size: int


@dataclass(frozen=True)
class UnallocatedPlacement:
    """Bytes planted in clusters that the FAT marks free."""

    first_cluster: int
    clusters: tuple[int, ...]
    offset: int  # byte offset relative to the volume start
    length: int


@dataclass(frozen=True)
class FatVolumeFacts:
    """Geometry and bookkeeping of a finished volume, as its boot sector and FSInfo state them."""

    fat_type: FatType
    sector_size: int
    cluster_size: int
    sectors_per_cluster: int
    total_sectors: int
    hidden_sectors: int
    reserved_sectors: int
    fat_count: int
    fat_size_sectors: int
    root_entries: int
    first_data_sector: int
    cluster_count: int
    free_clusters: int
    next_free_hint: int
    root_dir_cluster: int | None
    label: str
    serial: int
    media: int

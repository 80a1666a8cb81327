"""Pure-Python FAT12/FAT16/FAT32 volume writer: no mkfs, no mtools, no mounting, no root.

>>> volume = FatVolume(sink, offset=1 << 20, size=64 << 20, serial=0x1234ABCD,
...                    format_time=datetime(2024, 5, 1, 9, 0), label="EVIDENCE")
>>> report = volume.create_file("/Docs/Отчёт.xlsx", data, FatTimes(modified=datetime(2024, 5, 2, 10, 0)))
>>> volume.delete("/Docs/Отчёт.xlsx")
>>> facts = volume.finalize()

Every method returns the facts an answer key needs (:class:`FatEntry`), exactly
as written: TSK inode numbers, byte offsets, clusters, rounded times.
"""

from __future__ import annotations

from .geometry import FatGeometry, plan_geometry
from .models import (
    AllocationPolicy,
    FatAttributes,
    FatEntry,
    FatTimes,
    FatType,
    FatVolumeFacts,
    SlackPlacement,
    UnallocatedPlacement,
)
from .short_names import windows_name_hash
from .volume import FatVolume

__all__ = [
    "AllocationPolicy",
    "FatAttributes",
    "FatEntry",
    "FatGeometry",
    "FatTimes",
    "FatType",
    "FatVolume",
    "FatVolumeFacts",
    "SlackPlacement",
    "UnallocatedPlacement",
    "plan_geometry",
    "windows_name_hash",
]

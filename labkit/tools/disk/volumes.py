"""The partition table of an image, listed the way ``mmls`` lists it.

Each entry keeps TSK's row number (``index``, mmls' first column): that is the number
``labkit disk ... -p N`` takes, so a trainee can move between mmls and labkit freely.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytsk3

from labkit.tools.disk.image_access import DiskImage

KIND_ALLOCATED = "allocated"
KIND_UNALLOCATED = "unallocated"
KIND_META = "meta"

_SCHEME_NAMES = {
    int(pytsk3.TSK_VS_TYPE_DOS): "dos",
    int(pytsk3.TSK_VS_TYPE_GPT): "gpt",
    int(pytsk3.TSK_VS_TYPE_BSD): "bsd",
    int(pytsk3.TSK_VS_TYPE_SUN): "sun",
    int(pytsk3.TSK_VS_TYPE_MAC): "mac",
}
_SCHEME_TITLES = {"dos": "DOS/MBR", "gpt": "GPT"}


@dataclass(frozen=True)
class PartitionEntry:
    """One row of the volume system: a partition, a table structure or a gap."""

    index: int
    slot: str
    kind: str
    start_sector: int
    length_sectors: int
    description: str

    @property
    def end_sector(self) -> int:
        return self.start_sector + self.length_sectors - 1

    @property
    def is_allocated(self) -> bool:
        return self.kind == KIND_ALLOCATED


@dataclass(frozen=True)
class PartitionTable:
    """A partition table: its scheme ("dos", "gpt"...), sector size and rows in mmls order."""

    scheme: str
    sector_size: int
    entries: tuple[PartitionEntry, ...]

    @property
    def title(self) -> str:
        return _SCHEME_TITLES.get(self.scheme, self.scheme)

    def entry(self, index: int) -> PartitionEntry | None:
        return next((entry for entry in self.entries if entry.index == index), None)

    @property
    def allocated(self) -> tuple[PartitionEntry, ...]:
        return tuple(entry for entry in self.entries if entry.is_allocated)


def read_partition_table(image: DiskImage) -> PartitionTable | None:
    """The image's partition table, or None for a bare ("superfloppy") file system."""
    try:
        volume = pytsk3.Volume_Info(image.tsk_image)
    except OSError:
        return None
    entries = tuple(_entry(part) for part in volume)
    return PartitionTable(
        scheme=_SCHEME_NAMES.get(int(volume.info.vstype), str(int(volume.info.vstype))),
        sector_size=int(volume.info.block_size),
        entries=entries,
    )


def _entry(part: pytsk3.TSK_VS_PART_INFO) -> PartitionEntry:
    flags = int(part.flags)
    if flags & int(pytsk3.TSK_VS_PART_FLAG_META):
        kind, slot = KIND_META, "Meta"
    elif flags & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
        kind = KIND_ALLOCATED
        slot = f"{part.slot_num:03d}" if part.table_num < 0 else f"{part.table_num:03d}:{part.slot_num:03d}"
    else:
        kind, slot = KIND_UNALLOCATED, "-------"
    return PartitionEntry(
        index=int(part.addr),
        slot=slot,
        kind=kind,
        start_sector=int(part.start),
        length_sectors=int(part.len),
        description=part.desc.decode("utf-8", "replace").strip(),
    )

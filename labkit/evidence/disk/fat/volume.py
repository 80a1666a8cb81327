"""A streaming FAT12/16/32 writer: plant, modify, delete and wipe files without mounting.

File data goes to the sink at its cluster offsets as soon as it is planted; the
FATs, directory slots and bookkeeping stay in memory until :meth:`finalize`.
Behaviour follows real drivers where forensics can see it: new entries are
appended after the last used slot (deleted slots stay visible), deletion marks
the short and long-name slots 0xE5 and frees the chain in both FATs but leaves
the data, allocation is next-fit (Windows/Linux) or first-fit.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import datetime
from typing import BinaryIO, Literal

from labkit.errors import EvidenceError

from .directory_entries import dot_entries, label_entry
from .directory_slots import DirectorySlots
from .fat_table import FatTable
from .geometry import FatGeometry, plan_geometry
from .items import SLOT_SIZE, Item, name_key
from .models import AllocationPolicy, FatAttributes, FatEntry, FatTimes, FatType
from .short_names import ShortName, make_short_name
from .timestamps import round_accessed, round_created, round_modified
from .volume_output import VolumeOutput

FIRST_INODE = 3  # TSK numbers every 32-byte slot from the first root-directory sector on
DIRECTORY_ATTRIBUTES = FatAttributes(archive=False)


class FatVolume(DirectorySlots, VolumeOutput):
    """A FAT volume being written into ``sink`` at byte ``offset``."""

    def __init__(
        self,
        sink: BinaryIO,
        *,
        offset: int,
        size: int,
        serial: int,
        format_time: datetime,
        fat_type: FatType | None = None,
        cluster_size: int | None = None,
        label: str = "NO NAME",
        oem_name: str = "MSWIN4.1",
        hidden_sectors: int = 0,
        allocation: AllocationPolicy = "next-fit",
        sector_size: int = 512,
        root_entries: int | None = None,
        codepage: str = "cp437",
        modified_rounding: Literal["down", "up"] = "down",
    ) -> None:
        if offset < 0:
            raise EvidenceError(f"volume offset must not be negative, got {offset}")
        if allocation not in ("next-fit", "first-fit"):
            raise EvidenceError(f"allocation must be 'next-fit' or 'first-fit', not {allocation!r}")
        if not 0 <= serial <= 0xFFFFFFFF:
            raise EvidenceError(f"volume serial must fit in 32 bits, got {serial}")
        if not 0 <= hidden_sectors <= 0xFFFFFFFF:
            raise EvidenceError(f"hidden sectors must fit in 32 bits, got {hidden_sectors}")
        self._geometry: FatGeometry = plan_geometry(
            size,
            sector_size=sector_size,
            fat_type=fat_type,
            cluster_size=cluster_size,
            root_entries=root_entries,
        )
        self._sink, self._base = sink, offset
        self._codepage = codepage
        if modified_rounding not in ("down", "up"):
            raise EvidenceError(f"modified_rounding must be 'down' or 'up', not {modified_rounding!r}")
        self._round_up = modified_rounding == "up"
        self._allocation: AllocationPolicy = allocation
        self._serial, self._hidden_sectors = serial, hidden_sectors
        self._oem_name = _oem_name(oem_name)
        self._label_text, self._label = _volume_label(label, codepage)
        self._format_time = round_modified(format_time)
        self._fat = FatTable(self._geometry.fat_bits, self._geometry.cluster_count, 0xF8)
        self._items: list[Item] = []
        self._data_versions = itertools.count(1)  # who last wrote each cluster, see FatTable.owner
        self._root = self._new_item(
            "", ShortName(b" " * 11, 0, False), None, DIRECTORY_ATTRIBUTES, True, FatTimes()
        )
        self._items.append(self._root)
        if self._geometry.fat_type == "fat32":
            self._root.clusters = self._fat.allocate(1, "first-fit")
            self._fat.claim(self._root.clusters, self._root.data_owner)
        if self._label_text != "NO NAME":
            self._append_slots(self._root, [label_entry(self._label, self._format_time)])

    # ----------------------------------------------------------------- creating
    def mkdir(
        self, path: str, times: FatTimes | None = None, attributes: FatAttributes | None = None
    ) -> FatEntry:
        """Create a directory (its parent must exist) with ``.`` and ``..``."""
        parent, name = self._parent_and_name(path)
        item = self._plan_item(parent, name, times, attributes or DIRECTORY_ATTRIBUTES, is_directory=True)
        self._reserve(parent, item, data_clusters=1)
        item.clusters = self._fat.allocate(1, self._allocation)
        self._fat.claim(item.clusters, item.data_owner)
        parent_cluster = 0 if parent is self._root else parent.clusters[0]
        item.slots += dot_entries(
            item.clusters[0], parent_cluster, item.created, item.modified, item.accessed
        )
        self._link(parent, item)
        return self.entry(item.handle)

    def create_file(
        self, path: str, data: bytes, times: FatTimes | None = None, attributes: FatAttributes | None = None
    ) -> FatEntry:
        """Create a file and write its data at once (its parent directory must exist)."""
        parent, name = self._parent_and_name(path)
        item = self._plan_item(parent, name, times, attributes or FatAttributes(), is_directory=False)
        view = memoryview(data).cast("B")
        self._check_size(len(view))
        self._reserve(parent, item, data_clusters=self._clusters_for(len(view)))
        # The entry's room first, as drivers do: a growing directory takes its cluster before the data.
        self._make_room(parent, item)
        item.clusters = self._fat.allocate(self._clusters_for(len(view)), self._allocation)
        item.size = len(view)
        self._write_clusters(item.clusters, view, owner=item.data_owner)
        self._link(parent, item)  # the short entry is built once, with its clusters and size
        return self.entry(item.handle)

    # ---------------------------------------------------------------- modifying
    def overwrite_file(self, path: str, data: bytes, times: FatTimes | None = None) -> FatEntry:
        """Replace a file's content in place, growing or shrinking its chain; sets the archive bit."""
        item = self._live_file(path)
        view = memoryview(data).cast("B")
        self._check_size(len(view))
        needed, old = self._clusters_for(len(view)), item.clusters
        if needed > len(old):
            extra = self._fat.allocate(needed - len(old), self._allocation)
            item.clusters = old + extra
            self._fat.chain(item.clusters)
        elif needed < len(old):
            self._fat.release(old[needed:])
            item.clusters = old[:needed]
            self._fat.chain(item.clusters)
        item.size = len(view)
        item.data_owner = next(self._data_versions)  # a rename remnant keeps showing the old data
        self._write_clusters(item.clusters, view, owner=item.data_owner)
        item.attributes = dataclasses.replace(item.attributes, archive=True)
        self._apply_times(item, times or FatTimes())
        self._store_short_entry(item)
        return self.entry(item.handle)

    def rename(self, path: str, new_path: str) -> FatEntry:
        """Move or rename: new slots in the target directory, the old ones marked deleted."""
        item = self._resolve(path)
        parent, name = self._parent_and_name(new_path)
        if item is parent or item in parent.ancestors():
            raise EvidenceError(f"cannot move {item.path!r} into itself ({new_path!r})")
        old_parent = item.parent
        assert old_parent is not None
        if name_key(name) in parent.children and parent.children[name_key(name)] is not item:
            raise EvidenceError(f"{new_path!r} already exists")
        old_parent.disown(item)
        try:
            short = make_short_name(name, lambda raw: raw in parent.short_names, self._codepage)
            moved = dataclasses.replace(item, long_name=name, short=short, parent=parent)
            self._reserve(parent, moved, data_clusters=0)
        except EvidenceError:
            old_parent.adopt(item)
            raise
        remnant = dataclasses.replace(
            item,
            handle=len(self._items),
            deleted=True,
            clusters=list(item.clusters),
            children={},
            slots=bytearray(),
            short_names=set(),
        )
        self._items.append(remnant)
        self._mark_deleted_slots(item)
        item.long_name, item.short, item.parent = name, short, parent
        self._link(parent, item)
        if item.is_directory:
            parent_cluster = 0 if parent is self._root else parent.clusters[0]
            item.slots[SLOT_SIZE : 2 * SLOT_SIZE] = dot_entries(
                item.clusters[0], parent_cluster, item.created, item.modified, item.accessed
            )[SLOT_SIZE:]
        return self.entry(item.handle)

    def delete(self, path: str) -> FatEntry:
        """Delete as a driver does: 0xE5 on every slot, chain freed in both FATs, data left in place.

        A directory is deleted with everything in it, children first.
        """
        item = self._resolve(path)
        self._delete(item)
        return self.entry(item.handle)

    def wipe(self, path: str, fill: bytes = b"\x00") -> FatEntry:
        """Overwrite every cluster of a file (slack included) with ``fill``, then delete it."""
        item = self._live_file(path)
        if not fill:
            raise EvidenceError("wipe fill pattern must not be empty")
        item.data_owner = next(self._data_versions)
        self._fill_clusters(item.clusters, fill, owner=item.data_owner)
        item.wiped = True
        self._delete(item)
        return self.entry(item.handle)

    def set_attributes(self, path: str, attributes: FatAttributes) -> FatEntry:
        """Change the read-only, hidden, system and archive bits."""
        item = self._resolve(path)
        item.attributes = attributes
        self._store_short_entry(item)
        return self.entry(item.handle)

    def set_times(self, path: str, times: FatTimes) -> FatEntry:
        """Change stored times; ``None`` fields are left as they are."""
        item = self._resolve(path)
        self._apply_times(item, times)
        self._store_short_entry(item)
        return self.entry(item.handle)

    # ------------------------------------------------------------------ reading
    def entry(self, path_or_handle: str | int | FatEntry) -> FatEntry:
        """Current facts of an item: by live path, or by the handle of an earlier FatEntry."""
        if isinstance(path_or_handle, FatEntry):
            path_or_handle = path_or_handle.handle
        if isinstance(path_or_handle, str):
            item = self._resolve(path_or_handle)
        elif isinstance(path_or_handle, int) and 0 < path_or_handle < len(self._items):
            item = self._items[path_or_handle]
        else:
            raise EvidenceError(f"no FAT item with handle {path_or_handle!r}")
        offset = self._slot_offset(item.parent, item.slot) if item.parent else 0
        first = item.clusters[0] if item.clusters else 0
        return FatEntry(
            handle=item.handle,
            path=item.path,
            long_name=item.long_name,
            short_name=item.short.text(self._codepage),
            inode=FIRST_INODE
            + (offset - self._geometry.first_root_sector * self._geometry.sector_size) // 32,
            dir_entry_offset=offset,
            long_name_slots=item.long_name_slots,
            first_cluster=first,
            clusters=tuple(item.clusters),
            data_offset=self._geometry.cluster_offset(first) if first else None,
            size=item.size,
            attributes=item.attributes,
            created=item.created,
            modified=item.modified,
            accessed=item.accessed,
            is_directory=item.is_directory,
            deleted=item.deleted,
            overwritten=self._overwritten(item),
        )

    def entries(self) -> tuple[FatEntry, ...]:
        """Every item ever planted, live and deleted (rename remnants included), in creation order."""
        return tuple(self.entry(item.handle) for item in self._items[1:])

    # ---------------------------------------------------------------- internals
    def _new_item(
        self,
        name: str,
        short: ShortName,
        parent: Item | None,
        attributes: FatAttributes,
        is_directory: bool,
        times: FatTimes,
    ) -> Item:
        created = round_created(times.created or self._format_time)
        modified = round_modified(times.modified or self._format_time, up=self._round_up)
        accessed = round_accessed(times.accessed or modified.date())
        item = Item(
            len(self._items), name, short, parent, attributes, is_directory, created, modified, accessed
        )
        item.data_owner = next(self._data_versions)
        return item

    def _plan_item(
        self,
        parent: Item,
        name: str,
        times: FatTimes | None,
        attributes: FatAttributes,
        *,
        is_directory: bool,
    ) -> Item:
        if name_key(name) in parent.children:
            raise EvidenceError(f"{(parent.path.rstrip('/') + '/' + name)!r} already exists")
        short = make_short_name(name, lambda raw: raw in parent.short_names, self._codepage)
        times = times or FatTimes()
        for value in (times.created, times.modified, times.accessed):  # fail before anything is written
            if value is not None:
                round_accessed(value)
        return self._new_item(name, short, parent, attributes, is_directory, times)

    def _apply_times(self, item: Item, times: FatTimes) -> None:
        if times.created is not None:
            item.created = round_created(times.created)
        if times.modified is not None:
            item.modified = round_modified(times.modified, up=self._round_up)
        if times.accessed is not None:
            item.accessed = round_accessed(times.accessed)

    def _delete(self, item: Item) -> None:
        if item.is_directory:
            for child in list(item.children.values()):
                self._delete(child)
            self._flush_directory(item)  # its clusters may be reused from now on
        assert item.parent is not None
        self._mark_deleted_slots(item)
        item.parent.disown(item)
        self._fat.release(item.clusters)
        item.deleted = True

    def _overwritten(self, item: Item) -> bool:
        if not item.deleted:
            return False
        if item.wiped:
            return True
        # Every write claims its clusters for the writer's data version, so a cluster still holding
        # this item's version (even if a renamed live copy now holds it) keeps the item's data.
        owner = self._fat.owner
        return any(owner[c] != item.data_owner for c in item.clusters)

    def _clusters_for(self, size: int) -> int:
        return -(-size // self._geometry.cluster_size)

    def _check_size(self, size: int) -> None:
        if size > 0xFFFFFFFF:
            raise EvidenceError(f"a FAT file cannot hold {size} bytes (4 GiB - 1 at most)")


def _oem_name(text: str) -> bytes:
    raw = text.encode("ascii", "replace")
    if len(raw) > 8:
        raise EvidenceError(f"OEM name {text!r} is longer than 8 characters")
    return raw.ljust(8, b" ")


def _volume_label(text: str, codepage: str) -> tuple[str, bytes]:
    label = text.upper()
    try:
        raw = label.encode(codepage)
    except UnicodeEncodeError:
        raise EvidenceError(f"volume label {text!r} cannot be stored in code page {codepage}") from None
    if not raw.strip() or len(raw) > 11 or any(c < 0x20 or chr(c) in '"*+,./:;<=>?[\\]|' for c in raw):
        raise EvidenceError(f"volume label {text!r} must be 1-11 characters without punctuation like . / : *")
    return label, raw.ljust(11, b" ")

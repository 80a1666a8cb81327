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
from datetime import datetime
from typing import BinaryIO

from labkit.errors import DiskFullError, EvidenceError

from .directory_entries import attribute_byte, dot_entries, label_entry, long_name_slots, short_entry
from .fat_table import FatTable
from .geometry import FatGeometry, plan_geometry
from .items import ROOT_HANDLE, SLOT_SIZE, Item, name_key, split_path
from .models import AllocationPolicy, FatAttributes, FatEntry, FatTimes, FatType, FatVolumeFacts
from .short_names import ShortName, make_short_name
from .timestamps import round_accessed, round_created, round_modified
from .volume_output import VolumeOutput

MAX_DIRECTORY_SLOTS = 65536
FIRST_INODE = 3  # TSK numbers every 32-byte slot from the first root-directory sector on
DIRECTORY_ATTRIBUTES = FatAttributes(archive=False)
_DELETED = 0xE5


class FatVolume(VolumeOutput):
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
            size, sector_size=sector_size, fat_type=fat_type, cluster_size=cluster_size, root_entries=root_entries
        )
        self._sink, self._base = sink, offset
        self._codepage = codepage
        self._allocation: AllocationPolicy = allocation
        self._serial, self._hidden_sectors = serial, hidden_sectors
        self._oem_name = _oem_name(oem_name)
        self._label_text, self._label = _volume_label(label, codepage)
        self._format_time = round_modified(format_time)
        self._fat = FatTable(self._geometry.fat_bits, self._geometry.cluster_count, 0xF8)
        self._items: list[Item] = []
        self._root = self._new_item(
            "", ShortName(b" " * 11, 0, False), None, DIRECTORY_ATTRIBUTES, True, FatTimes()
        )
        self._items.append(self._root)
        if self._geometry.fat_type == "fat32":
            self._root.clusters = self._fat.allocate(1, "first-fit")
            self._fat.claim(self._root.clusters, ROOT_HANDLE)
        if self._label_text != "NO NAME":
            self._append_slots(self._root, [label_entry(self._label, self._format_time)])

    # ----------------------------------------------------------------- creating
    def mkdir(self, path: str, times: FatTimes | None = None, attributes: FatAttributes | None = None) -> FatEntry:
        """Create a directory (its parent must exist) with ``.`` and ``..``."""
        parent, name = self._parent_and_name(path)
        item = self._plan_item(parent, name, times, attributes or DIRECTORY_ATTRIBUTES, is_directory=True)
        self._reserve(parent, item, data_clusters=1)
        item.clusters = self._fat.allocate(1, self._allocation)
        self._fat.claim(item.clusters, item.handle)
        parent_cluster = 0 if parent is self._root else parent.clusters[0]
        item.slots += dot_entries(item.clusters[0], parent_cluster, item.created, item.modified, item.accessed)
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
        item.clusters = self._fat.allocate(self._clusters_for(len(view)), self._allocation)
        item.size = len(view)
        self._write_clusters(item.clusters, view, owner=item.handle)
        self._link(parent, item)
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
        self._write_clusters(item.clusters, view, owner=item.handle)
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
            item, handle=len(self._items), deleted=True, clusters=list(item.clusters),
            children={}, slots=bytearray(), short_names=set(),
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
        self._fill_clusters(item.clusters, fill, owner=item.handle)
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
            inode=FIRST_INODE + (offset - self._geometry.first_root_sector * self._geometry.sector_size) // 32,
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
    def _new_item(self, name: str, short: ShortName, parent: Item | None, attributes: FatAttributes,
                  is_directory: bool, times: FatTimes) -> Item:
        created = round_created(times.created or self._format_time)
        modified = round_modified(times.modified or self._format_time)
        accessed = round_accessed(times.accessed or modified.date())
        item = Item(len(self._items), name, short, parent, attributes, is_directory, created, modified, accessed)
        item.data_owner = item.handle
        return item

    def _plan_item(self, parent: Item, name: str, times: FatTimes | None, attributes: FatAttributes,
                   *, is_directory: bool) -> Item:
        if name_key(name) in parent.children:
            raise EvidenceError(f"{(parent.path.rstrip('/') + '/' + name)!r} already exists")
        short = make_short_name(name, lambda raw: raw in parent.short_names, self._codepage)
        times = times or FatTimes()
        for value in (times.created, times.modified, times.accessed):  # fail before anything is written
            if value is not None:
                round_accessed(value)
        return self._new_item(name, short, parent, attributes, is_directory, times)

    def _link(self, parent: Item, item: Item) -> None:
        """Append the item's slots to its parent and make it visible by name."""
        if item.handle == len(self._items):
            self._items.append(item)
        lfn = long_name_slots(item.long_name, item.short.raw) if item.short.needs_long_name else []
        item.long_name_slots = len(lfn)
        item.slot = self._append_slots(parent, [*lfn, self._short_entry_bytes(item)]) + len(lfn)
        item.parent = parent
        parent.adopt(item)

    def _short_entry_bytes(self, item: Item) -> bytes:
        return short_entry(
            item.short.raw,
            attributes=attribute_byte(item.attributes, is_directory=item.is_directory),
            case_flags=item.short.case_flags,
            first_cluster=item.clusters[0] if item.clusters else 0,
            size=0 if item.is_directory else item.size,
            created=item.created,
            modified=item.modified,
            accessed=item.accessed,
        )

    def _store_short_entry(self, item: Item) -> None:
        if item.parent is None:
            raise EvidenceError("the root directory has no directory entry")
        if item.deleted:
            raise EvidenceError(f"{item.path!r} is deleted")
        start = item.slot * SLOT_SIZE
        item.parent.slots[start : start + SLOT_SIZE] = self._short_entry_bytes(item)

    def _apply_times(self, item: Item, times: FatTimes) -> None:
        if times.created is not None:
            item.created = round_created(times.created)
        if times.modified is not None:
            item.modified = round_modified(times.modified)
        if times.accessed is not None:
            item.accessed = round_accessed(times.accessed)

    def _slots_free_in(self, directory: Item, count: int) -> int:
        """Clusters the directory must grow by to take ``count`` more slots."""
        needed = len(directory.slots) + count * SLOT_SIZE
        if directory is self._root and self._geometry.fat_type != "fat32":
            if needed > self._geometry.root_entries * SLOT_SIZE:
                raise DiskFullError(
                    f"the {self._geometry.fat_type.upper()} root directory is full "
                    f"({self._geometry.root_entries} entries); plant files in a subdirectory"
                )
            return 0
        if needed > MAX_DIRECTORY_SLOTS * SLOT_SIZE:
            raise DiskFullError(f"directory {directory.path!r} cannot hold more than {MAX_DIRECTORY_SLOTS} entries")
        cluster_size = self._geometry.cluster_size
        return max(0, -(-needed // cluster_size) - len(directory.clusters))

    def _reserve(self, parent: Item, item: Item, *, data_clusters: int) -> None:
        """Fail before writing anything when the entry or its data will not fit."""
        slot_count = 1 + (-(-len(item.long_name.encode("utf-16-le")) // 26) if item.short.needs_long_name else 0)
        total = self._slots_free_in(parent, slot_count) + data_clusters
        if total > self._fat.free_count:
            raise DiskFullError(
                f"{item.long_name!r} does not fit: {total} clusters needed, {self._fat.free_count} free"
            )

    def _append_slots(self, directory: Item, slots: list[bytes]) -> int:
        growth = self._slots_free_in(directory, len(slots))
        if growth:
            directory.clusters = directory.clusters + self._fat.allocate(growth, self._allocation)
            self._fat.chain(directory.clusters)
            self._fat.claim(directory.clusters, directory.handle)
        first = len(directory.slots) // SLOT_SIZE
        for slot in slots:
            directory.slots += slot
        return first

    def _slot_offset(self, directory: Item, slot: int) -> int:
        geometry = self._geometry
        position = slot * SLOT_SIZE
        if directory is self._root and geometry.fat_type != "fat32":
            return geometry.first_root_sector * geometry.sector_size + position
        cluster = directory.clusters[position // geometry.cluster_size]
        return geometry.cluster_offset(cluster) + position % geometry.cluster_size

    def _mark_deleted_slots(self, item: Item) -> None:
        assert item.parent is not None
        for slot in range(item.slot - item.long_name_slots, item.slot + 1):
            item.parent.slots[slot * SLOT_SIZE] = _DELETED

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
        used, owner = self._fat.used, self._fat.owner
        return any(used[c] or owner[c] != item.data_owner for c in item.clusters)

    def _resolve(self, path: str) -> Item:
        node = self._root
        for part in split_path(path):
            child = node.children.get(name_key(part)) if node.is_directory else None
            if child is None:
                raise EvidenceError(f"{path!r} does not exist on the volume")
            node = child
        return node

    def _parent_and_name(self, path: str) -> tuple[Item, str]:
        parts = split_path(path)
        parent = self._resolve("/".join(parts[:-1])) if len(parts) > 1 else self._root
        if not parent.is_directory:
            raise EvidenceError(f"{parent.path!r} is not a directory")
        return parent, parts[-1]

    def _live_file(self, path: str) -> Item:
        item = self._resolve(path)
        if item.is_directory:
            raise EvidenceError(f"{path!r} is a directory, not a file")
        return item

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


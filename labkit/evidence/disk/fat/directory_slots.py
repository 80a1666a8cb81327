"""Directory slots of the FAT writer: lookup by path, appending entries, growing directories.

New entries always go after the last used slot, as real drivers do, so deleted
slots are never reused and stay visible to recovery tools.
"""

from __future__ import annotations

from labkit.errors import DiskFullError, EvidenceError
from labkit.formats.fat_structures import DELETED_MARKER

from .directory_entries import attribute_byte, long_name_slots, short_entry
from .fat_table import FatTable
from .geometry import FatGeometry
from .items import SLOT_SIZE, Item, name_key, split_path
from .models import AllocationPolicy

MAX_DIRECTORY_SLOTS = 65536


class DirectorySlots:
    """Directory bookkeeping of :class:`labkit.evidence.disk.fat.FatVolume` (a mixin; state lives there)."""

    _geometry: FatGeometry
    _fat: FatTable
    _items: list[Item]
    _root: Item
    _allocation: AllocationPolicy

    def _link(self, parent: Item, item: Item) -> None:
        """Append the item's slots to its parent and make it visible by name.

        The short entry is built once, from the item as it is now: a new file's
        clusters and size must already be set (see :meth:`_make_room`).
        """
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
            raise DiskFullError(
                f"directory {directory.path!r} cannot hold more than {MAX_DIRECTORY_SLOTS} entries"
            )
        cluster_size = self._geometry.cluster_size
        return max(0, -(-needed // cluster_size) - len(directory.clusters))

    def _reserve(self, parent: Item, item: Item, *, data_clusters: int) -> None:
        """Fail before writing anything when the entry or its data will not fit."""
        total = self._slots_free_in(parent, _slot_count(item)) + data_clusters
        if total > self._fat.free_count:
            raise DiskFullError(
                f"{item.long_name!r} does not fit: {total} clusters needed, {self._fat.free_count} free"
            )

    def _make_room(self, directory: Item, item: Item) -> None:
        """Grow ``directory`` by the clusters ``item``'s slots need, before its data takes any."""
        self._grow(directory, _slot_count(item))

    def _grow(self, directory: Item, slot_count: int) -> None:
        growth = self._slots_free_in(directory, slot_count)
        if growth:
            directory.clusters = directory.clusters + self._fat.allocate(growth, self._allocation)
            self._fat.chain(directory.clusters)
            self._fat.claim(directory.clusters, directory.data_owner)

    def _append_slots(self, directory: Item, slots: list[bytes]) -> int:
        self._grow(directory, len(slots))
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
            item.parent.slots[slot * SLOT_SIZE] = DELETED_MARKER

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


def _slot_count(item: Item) -> int:
    """Slots the item's entry takes: its short entry and 13 UTF-16 units per long-name slot."""
    if not item.short.needs_long_name:
        return 1
    return 1 + -(-len(item.long_name.encode("utf-16-le")) // 26)

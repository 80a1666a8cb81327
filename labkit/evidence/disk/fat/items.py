"""The writer's in-memory view of files and directories.

A directory keeps its slots (32-byte entries) in a ``bytearray``; the slots are
written to the sink when the volume is finalized (or at once when the
directory is deleted, so that its clusters may be reused afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from labkit.errors import EvidenceError

from .models import FatAttributes
from .short_names import ShortName, check_long_name, upper

SLOT_SIZE = 32


@dataclass(eq=False)
class Item:
    """One file or directory entry, live or deleted."""

    handle: int
    long_name: str
    short: ShortName
    parent: Item | None
    attributes: FatAttributes
    is_directory: bool
    created: datetime
    modified: datetime
    accessed: date
    slot: int = 0  # index of the short entry among the parent's slots
    long_name_slots: int = 0
    clusters: list[int] = field(default_factory=list)
    size: int = 0
    deleted: bool = False
    wiped: bool = False
    data_owner: int = 0  # version of the data in the clusters: a rename remnant shares its item's
    children: dict[str, Item] = field(default_factory=dict)  # live children by upper-cased long name
    slots: bytearray = field(default_factory=bytearray)  # directory contents
    short_names: set[bytes] = field(default_factory=set)  # short names of live children

    @property
    def path(self) -> str:
        if self.parent is None:
            return "/"
        parent_path = self.parent.path
        return (parent_path if parent_path != "/" else "") + "/" + self.long_name

    def adopt(self, child: Item) -> None:
        self.children[name_key(child.long_name)] = child
        self.short_names.add(child.short.raw)

    def disown(self, child: Item) -> None:
        del self.children[name_key(child.long_name)]
        self.short_names.discard(child.short.raw)

    def ancestors(self) -> list[Item]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


def split_path(path: str) -> list[str]:
    """The components of a '/'-separated path from the root, each checked as a long name."""
    if not isinstance(path, str):
        raise EvidenceError(f"a FAT path must be a string, not {type(path).__name__}")
    parts = [part for part in path.split("/") if part]
    if not parts:
        raise EvidenceError(f"path {path!r} names the root directory")
    for part in parts:
        check_long_name(part)
    return parts


def name_key(name: str) -> str:
    """Key under which FAT compares names: case-insensitive."""
    return upper(name)

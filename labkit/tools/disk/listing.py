"""``fls``-style file listings, deleted entries included."""

from __future__ import annotations

from dataclasses import dataclass

from labkit.tools.disk.entry_details import (
    EntryDetails,
    file_size,
    metadata_allocated,
    read_entry_details,
    type_letters,
)
from labkit.tools.disk.fat_decoding import DEFAULT_OEM_CODE_PAGE
from labkit.tools.disk.file_system import NAME_TYPE_VIRTUAL_DIRECTORY, DirectoryItem, FileSystem, join_path
from labkit.tools.disk.timestamps import FileTime

_VIRTUAL_NAME_TYPES = {10, NAME_TYPE_VIRTUAL_DIRECTORY}


@dataclass(frozen=True)
class FileEntry:
    """One name in a directory, as fls shows it, plus FAT attributes and times.

    ``components`` are the names from the root, unsplit: a hostile name may itself
    contain ``/`` or be ``..``, so ``path`` is for people, ``components`` for code.
    ``inode`` is TSK's metadata address (use it with ``-i``, istat, icat); ``deleted``
    means the name is unallocated (fls' ``*``); ``reallocated`` that its metadata has
    since been reused by another file. ``short_name_codepage`` is the OEM code page
    the 8.3 name was read through (None: no 8.3 name).
    """

    path: str
    components: tuple[str, ...]
    name: str
    short_name: str | None
    short_name_codepage: str | None
    inode: int
    type: str
    is_directory: bool
    deleted: bool
    reallocated: bool
    is_virtual: bool
    is_volume_label: bool
    size: int | None
    attributes: tuple[str, ...]
    modified: FileTime | None
    accessed: FileTime | None
    changed: FileTime | None
    created: FileTime | None


def list_files(
    file_system: FileSystem,
    path: str = "/",
    *,
    recursive: bool = False,
    deleted_only: bool = False,
    codepage: str = DEFAULT_OEM_CODE_PAGE,
) -> list[FileEntry]:
    """Entries under ``path`` in on-disk order (depth first with ``recursive``, like ``fls -r``).

    A file path lists just that file. Deleted directories are descended into as far as
    their clusters still hold entries; a directory reached twice is not walked again.
    8.3 names are read through the OEM ``codepage`` (FAT does not record which).
    """
    names, item = file_system.resolve_path(path)
    if item is not None and not item.is_directory:
        entries = [make_entry(file_system, item, names, codepage)]
    else:
        directory = item.tsk_file if item else file_system.open_inode(file_system.root_inode)
        start = item.inode if item else file_system.root_inode
        entries = []
        _walk(file_system, directory, names, recursive, {start}, entries, codepage)
    if deleted_only:
        entries = [entry for entry in entries if entry.deleted]
    return entries


def _walk(
    file_system: FileSystem,
    directory: object,
    parents: tuple[str, ...],
    recursive: bool,
    visited: set[int],
    out: list[FileEntry],
    codepage: str,
) -> None:
    for item in file_system.iter_directory(directory):
        entry = make_entry(file_system, item, (*parents, item.name), codepage)
        out.append(entry)
        if recursive and item.is_directory and item.inode not in visited:
            visited.add(item.inode)
            _walk(file_system, item.tsk_file, entry.components, recursive, visited, out, codepage)


def make_entry(
    file_system: FileSystem,
    item: DirectoryItem,
    names: tuple[str, ...],
    codepage: str = DEFAULT_OEM_CODE_PAGE,
) -> FileEntry:
    """Combine TSK's view of a name with the directory entry's own fields."""
    details: EntryDetails = read_entry_details(file_system, item.inode, item.tsk_file, codepage)
    allocated_meta = metadata_allocated(item.tsk_file)
    return FileEntry(
        path=join_path(names),
        components=names,
        name=item.name,
        short_name=details.short_name,
        short_name_codepage=details.short_name_codepage,
        inode=item.inode,
        type=type_letters(item.name_type, item.tsk_file),
        is_directory=item.is_directory,
        deleted=item.deleted,
        reallocated=item.deleted and bool(allocated_meta),
        is_virtual=item.name_type in _VIRTUAL_NAME_TYPES,
        is_volume_label=details.is_volume_label,
        size=file_size(item.tsk_file),
        attributes=details.attributes,
        modified=details.modified,
        accessed=details.accessed,
        changed=details.changed,
        created=details.created,
    )

"""Per-entry facts read from the FAT directory entry itself, or from TSK on other file systems.

TSK converts FAT wall-clock times with the process' local zone (mktime) and does not
expose the attribute byte, so on FAT the 32-byte entry TSK points at is decoded here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytsk3

from labkit.tools.disk.fat_decoding import (
    DEFAULT_OEM_CODE_PAGE,
    attribute_names,
    is_long_name_slot,
    short_name,
)
from labkit.tools.disk.file_system import FileSystem
from labkit.tools.disk.timestamps import FileTime, decode_fat_access_date, decode_fat_time, from_epoch

_NAME_TYPE_LETTERS = "-pcdbrlhswvV"
_META_TYPE_LETTERS = "-rdpcblshwvV"
META_ALLOCATED = int(pytsk3.TSK_FS_META_FLAG_ALLOC)


@dataclass(frozen=True)
class EntryDetails:
    """Short name, attributes and times of one entry (None where the format has none).

    ``short_name_codepage`` is the OEM code page the short name was read through.
    """

    short_name: str | None
    short_name_codepage: str | None
    attributes: tuple[str, ...]
    attribute_byte: int | None
    modified: FileTime | None
    accessed: FileTime | None
    changed: FileTime | None
    created: FileTime | None
    first_cluster: int | None
    recorded_size: int | None

    @property
    def is_volume_label(self) -> bool:
        return "volume-label" in self.attributes


NO_DETAILS = EntryDetails(None, None, (), None, None, None, None, None, None, None)


def read_entry_details(
    file_system: FileSystem,
    inode: int,
    tsk_file: pytsk3.File | None,
    codepage: str = DEFAULT_OEM_CODE_PAGE,
) -> EntryDetails:
    """FAT: decode the directory entry (8.3 name through ``codepage``); others: TSK's UTC times."""
    entry = file_system.read_directory_entry(inode)
    if entry is not None and not is_long_name_slot(entry.attributes):
        return EntryDetails(
            short_name=short_name(entry.name, codepage),
            short_name_codepage=codepage,
            attributes=attribute_names(entry.attributes),
            attribute_byte=entry.attributes,
            modified=decode_fat_time(entry.modify_date, entry.modify_time),
            accessed=decode_fat_access_date(entry.access_date),
            changed=None,  # FAT has no metadata-change time
            created=decode_fat_time(entry.create_date, entry.create_time, entry.create_time_hundredths),
            first_cluster=(entry.first_cluster_high << 16 | entry.first_cluster_low)
            if file_system.type_name == "FAT32"
            else entry.first_cluster_low,
            recorded_size=entry.file_size,
        )
    meta = tsk_file.info.meta if tsk_file is not None else None
    if file_system.is_fat or meta is None:
        return NO_DETAILS
    return EntryDetails(
        short_name=None,
        short_name_codepage=None,
        attributes=(),
        attribute_byte=None,
        modified=from_epoch(meta.mtime, meta.mtime_nano),
        accessed=from_epoch(meta.atime, meta.atime_nano),
        changed=from_epoch(meta.ctime, meta.ctime_nano),
        created=from_epoch(meta.crtime, meta.crtime_nano),
        first_cluster=None,
        recorded_size=None,
    )


def type_letters(name_type: int | None, tsk_file: pytsk3.File | None) -> str:
    """fls' two-letter type: name type / metadata type (``r/r``, ``d/d``, ``v/v``...)."""
    meta = tsk_file.info.meta if tsk_file is not None else None
    name_letter = _NAME_TYPE_LETTERS[name_type] if name_type is not None and name_type < 12 else "-"
    meta_type = int(meta.type) if meta is not None else 0
    meta_letter = _META_TYPE_LETTERS[meta_type] if meta_type < 12 else "-"
    return f"{name_letter}/{meta_letter}"


def file_size(tsk_file: pytsk3.File | None) -> int | None:
    meta = tsk_file.info.meta if tsk_file is not None else None
    return int(meta.size) if meta is not None else None


def metadata_allocated(tsk_file: pytsk3.File | None) -> bool | None:
    meta = tsk_file.info.meta if tsk_file is not None else None
    return bool(int(meta.flags) & META_ALLOCATED) if meta is not None else None

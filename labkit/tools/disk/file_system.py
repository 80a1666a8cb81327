"""One file system inside an image: choosing it, and finding files in it by path or inode.

Paths are resolved here rather than with ``FS_Info.open(path)`` because examiners ask
for deleted files by name too: every directory entry is matched (allocated first),
so ``/_ONE.BIN`` finds the deleted entry TSK lists, and two deleted entries that share
a name are reported as ambiguous instead of one being picked silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytsk3
from construct import Container

from labkit.errors import EvidenceError, ImageFormatError, UsageError
from labkit.tools.disk.fat_decoding import (
    BOOT_SECTOR_SIZE,
    DIRECTORY_ENTRY_SIZE,
    BootSector,
    boot_sector_defect,
    parse_boot_sector,
    parse_directory_entry,
)
from labkit.tools.disk.image_access import DiskImage, open_image
from labkit.tools.disk.volumes import PartitionEntry, PartitionTable, read_partition_table

FAT_TYPES = {
    int(pytsk3.TSK_FS_TYPE_FAT12): "FAT12",
    int(pytsk3.TSK_FS_TYPE_FAT16): "FAT16",
    int(pytsk3.TSK_FS_TYPE_FAT32): "FAT32",
}
_OTHER_TYPES = {
    int(pytsk3.TSK_FS_TYPE_EXFAT): "exFAT",
    int(pytsk3.TSK_FS_TYPE_NTFS): "NTFS",
    int(pytsk3.TSK_FS_TYPE_EXT2): "ext2",
    int(pytsk3.TSK_FS_TYPE_EXT3): "ext3",
    int(pytsk3.TSK_FS_TYPE_EXT4): "ext4",
    int(pytsk3.TSK_FS_TYPE_ISO9660): "ISO9660",
    int(pytsk3.TSK_FS_TYPE_HFS): "HFS+",
}
FIRST_NORMAL_INODE = 3  # TSK: 2 is the root directory, 3.. are directory entries
NAME_DELETED = int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
META_TYPE_DIRECTORY = int(pytsk3.TSK_FS_META_TYPE_DIR)
NAME_TYPE_DIRECTORY = int(pytsk3.TSK_FS_NAME_TYPE_DIR)
NAME_TYPE_VIRTUAL_DIRECTORY = int(pytsk3.TSK_FS_NAME_TYPE_VIRT_DIR)


@dataclass(frozen=True)
class DirectoryItem:
    """A name found in a directory, with the TSK file object it leads to."""

    name: str
    short_name: str
    inode: int
    deleted: bool
    name_type: int
    tsk_file: pytsk3.File

    @property
    def is_directory(self) -> bool:
        return self.name_type in (NAME_TYPE_DIRECTORY, NAME_TYPE_VIRTUAL_DIRECTORY)


class FileSystem:
    """An open file system: the TSK handle, where it sits, and FAT specifics when it is FAT."""

    def __init__(
        self,
        image: DiskImage,
        tsk: pytsk3.FS_Info,
        offset: int,
        partition: PartitionEntry | None,
    ) -> None:
        self.image = image
        self.tsk = tsk
        self.offset = offset
        self.partition = partition
        code = int(tsk.info.ftype)
        self.type_name = FAT_TYPES.get(code) or _OTHER_TYPES.get(code, f"unknown (0x{code:x})")
        self.is_fat = code in FAT_TYPES
        self.boot_sector: BootSector | None = (
            parse_boot_sector(image.read(offset, BOOT_SECTOR_SIZE), where=self._where)
            if self.is_fat
            else None
        )

    @property
    def _where(self) -> str:
        return f"{self.image.summary.path} (file system at offset {self.offset})"

    @property
    def block_size(self) -> int:
        return int(self.tsk.info.block_size)

    @property
    def first_inode(self) -> int:
        return int(self.tsk.info.first_inum)

    @property
    def last_inode(self) -> int:
        return int(self.tsk.info.last_inum)

    @property
    def root_inode(self) -> int:
        return int(self.tsk.info.root_inum)

    def open_inode(self, inode: int) -> pytsk3.File:
        """The file with this TSK metadata address (deleted ones too)."""
        if not self.first_inode <= inode <= self.last_inode:
            raise UsageError(
                f"inode {inode} is out of range: this file system has {self.first_inode}-{self.last_inode}"
            )
        try:
            return self.tsk.open_meta(inode=inode)
        except OSError as exc:
            raise EvidenceError(f"inode {inode} cannot be opened: {first_clause(exc)}") from exc

    def resolve_path(self, path: str) -> tuple[tuple[str, ...], DirectoryItem | None]:
        """The names from the root to ``path`` as stored, and its entry (None for the root)."""
        item: DirectoryItem | None = None
        directory = self.open_inode(self.root_inode)
        names: list[str] = []
        for part in split_path(path):
            if item is not None and not item.is_directory:
                raise UsageError(f"{join_path(names)} is not a directory")
            item = _pick(list(self.iter_directory(directory)), part, join_path([*names, part]))
            names.append(item.name)
            directory = item.tsk_file
        return tuple(names), item

    def iter_directory(self, directory: pytsk3.File) -> Iterator[DirectoryItem]:
        """Entries of a directory in on-disk order, without ``.`` and ``..``."""
        try:
            entries = directory.as_directory()
        except OSError:  # a deleted directory whose clusters were reused
            return
        for entry in entries:
            name_info = entry.info.name
            if name_info is None:
                continue
            raw_name = name_info.name
            if raw_name in (b".", b".."):
                continue
            yield DirectoryItem(
                name=decode_name(raw_name),
                short_name=decode_name(name_info.shrt_name or b""),
                inode=int(name_info.meta_addr),
                deleted=bool(int(name_info.flags) & NAME_DELETED),
                name_type=int(name_info.type),
                tsk_file=self._with_metadata(entry, int(name_info.meta_addr)),
            )

    def read_directory_entry(self, inode: int) -> Container | None:
        """The parsed 32-byte FAT directory entry behind an inode (None: root, virtual, non-FAT).

        TSK numbers FAT entries by their position: 16 per 512-byte sector, counted from
        the first sector after the FATs, starting at 3.
        """
        boot = self.boot_sector
        if boot is None or inode < FIRST_NORMAL_INODE:
            return None
        per_sector = boot.bytes_per_sector // DIRECTORY_ENTRY_SIZE
        sector, slot = divmod(inode - FIRST_NORMAL_INODE, per_sector)
        sector += boot.first_data_sector
        if sector >= boot.total_sectors:
            return None  # TSK's virtual files ($MBR, $FAT1, $OrphanFiles...)
        offset = self.offset + sector * boot.bytes_per_sector + slot * DIRECTORY_ENTRY_SIZE
        if offset + DIRECTORY_ENTRY_SIZE > self.image.media_size:
            return None  # past the end of a truncated image: TSK lists the name, the entry is gone
        return parse_directory_entry(self.image.read(offset, DIRECTORY_ENTRY_SIZE), where=self._where)

    def truncation_warning(self) -> str | None:
        """Said when the image ends before the file system does (a cut-short acquisition)."""
        boot = self.boot_sector
        if boot is None:
            return None
        declared = boot.total_sectors * boot.bytes_per_sector
        present = max(self.image.media_size - self.offset, 0)
        if present >= declared:
            return None
        return (
            f"{self.image.summary.path}: image is shorter than its boot sector says ({present} of "
            f"{declared} bytes of the file system at offset {self.offset}): truncated acquisition? "
            "Files beyond the end cannot be read"
        )

    def _with_metadata(self, entry: pytsk3.File, inode: int) -> pytsk3.File:
        # pytsk3 may leave info.meta None for deleted names; opening the inode still works.
        if entry.info.meta is not None:
            return entry
        try:
            return self.tsk.open_meta(inode=inode)
        except OSError:
            return entry


@contextmanager
def open_evidence(path: str | Path, partition: int | None = None) -> Iterator[FileSystem]:
    """Open an image and its file system together; the image is closed on exit."""
    with open_image(path) as image:
        yield open_file_system(image, partition)


def open_file_system(image: DiskImage, partition: int | None = None) -> FileSystem:
    """The file system at partition row ``partition`` (mmls numbering), or the first one found.

    Without ``partition`` the allocated partitions are tried in table order, then the
    whole image as a bare file system. The caller keeps ownership of ``image``.
    """
    table = read_partition_table(image)
    if partition is not None:
        return _open_partition(image, table, partition)
    candidates = [entry for entry in (table.allocated if table else ()) if entry.length_sectors > 0]
    for entry in candidates:
        file_system = _try_open(image, entry.start_sector * table.sector_size, entry)  # type: ignore[union-attr]
        if file_system is not None:
            return file_system
    file_system = _try_open(image, 0, None)
    if file_system is not None:
        return file_system
    for offset in [entry.start_sector * table.sector_size for entry in candidates] if table else [0]:
        _raise_boot_sector_defect(image, offset)
    what = f"a {table.title} partition table but no partition" if table else "no partition table and no"
    raise ImageFormatError(f"{image.summary.path}: {what} file system that The Sleuth Kit can read was found")


def _open_partition(image: DiskImage, table: PartitionTable | None, index: int) -> FileSystem:
    if table is None:
        raise UsageError(f"{image.summary.path} has no partition table (a bare file system): omit -p")
    entry = table.entry(index)
    usable = ", ".join(str(e.index) for e in table.allocated) or "none"
    if entry is None:
        raise UsageError(f"no partition #{index}; partitions in the table: {usable}")
    if not entry.is_allocated:
        raise UsageError(f"#{index} is {entry.description!r}, not a partition; partitions: {usable}")
    file_system = _try_open(image, entry.start_sector * table.sector_size, entry)
    if file_system is None:
        _raise_boot_sector_defect(image, entry.start_sector * table.sector_size)
        raise ImageFormatError(f"no file system found in partition #{index} ({entry.description})")
    return file_system


def _raise_boot_sector_defect(image: DiskImage, offset: int) -> None:
    """Name the broken field when a FAT boot sector is what stopped TSK."""
    if offset + BOOT_SECTOR_SIZE > image.media_size:
        return
    defect = boot_sector_defect(image.read(offset, BOOT_SECTOR_SIZE))
    if defect is not None:
        raise ImageFormatError(f"{image.summary.path}: FAT boot sector at offset {offset}: {defect}")


def _try_open(image: DiskImage, offset: int, entry: PartitionEntry | None) -> FileSystem | None:
    try:
        tsk = pytsk3.FS_Info(image.tsk_image, offset=offset)
    except OSError:
        return None
    return FileSystem(image, tsk, offset, entry)


def _pick(items: list[DirectoryItem], wanted: str, shown: str) -> DirectoryItem:
    for matches in (
        [i for i in items if i.name == wanted],
        [i for i in items if i.name.casefold() == wanted.casefold()],
        [i for i in items if i.short_name and i.short_name.casefold() == wanted.casefold()],
    ):
        allocated = [i for i in matches if not i.deleted]
        if len(allocated) == 1:
            return allocated[0]
        if len(matches) == 1:
            return matches[0]
        if matches:
            inodes = ", ".join(str(i.inode) for i in matches)
            raise UsageError(
                f"{shown} names {len(matches)} entries (inodes {inodes}): choose one with -i INODE"
            )
    raise UsageError(f"{shown}: no such file or directory in the image")


def split_path(path: str) -> list[str]:
    """Components of an in-image path ('/' separated; '.' and '..' resolved lexically)."""
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return parts


def join_path(names: list[str] | tuple[str, ...]) -> str:
    """An in-image path for display: ``/`` plus the names joined by ``/``."""
    return "/" + "/".join(names)


def decode_name(raw: bytes) -> str:
    """TSK hands names as UTF-8; anything undecodable is kept visible as an escape."""
    return raw.decode("utf-8", "backslashreplace")


def first_clause(exc: BaseException) -> str:
    """TSK and libewf chain several clauses per error; the first names the failing call."""
    return str(exc).split(". ")[0].strip()

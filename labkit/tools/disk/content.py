"""File content and file slack, streamed in chunks (deleted files included).

Nothing here holds a whole file in memory: a 4 GiB file is read ``chunk_size`` at a time.
For a deleted FAT file the data is TSK's reconstruction, which is what ``icat`` returns
too. Deleting zeroed the FAT chain, so TSK starts at the entry's first cluster and takes
the following clusters in order, SKIPPING every cluster the FAT marks allocated, until
the recorded size is covered (so an old file that was written around a live one comes
back whole). If the first cluster itself is allocated, or too few free clusters follow
it, TSK gives one cluster only: the data ends early and reading it is an error here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytsk3

from labkit.errors import EvidenceError, UsageError
from labkit.tools.disk.allocation import chain_loop
from labkit.tools.disk.entry_details import read_entry_details
from labkit.tools.disk.file_system import FileSystem, first_clause, join_path

DEFAULT_CHUNK_SIZE = 1024 * 1024
_DATA_ATTRIBUTE_TYPES = {int(pytsk3.TSK_FS_ATTR_TYPE_DEFAULT), int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)}


@dataclass(frozen=True)
class DataRun:
    """A contiguous stretch of a file's data, in file-system blocks (sectors on FAT)."""

    first_block: int
    block_count: int


@dataclass(frozen=True)
class TargetFile:
    """A file picked by path or inode, ready to read."""

    inode: int
    path: str | None
    deleted: bool
    is_directory: bool
    size: int
    tsk_file: pytsk3.File


def open_target(file_system: FileSystem, path: str | None = None, inode: int | None = None) -> TargetFile:
    """Exactly one of ``path`` / ``inode`` names the file."""
    if path is None and inode is None:
        raise UsageError("name the file: give a PATH inside the image or -i INODE")
    if path is not None and inode is not None:
        raise UsageError("give either a PATH inside the image or -i INODE, not both")
    if path is not None:
        names, item = file_system.resolve_path(path)
        if item is None:
            return _target(file_system.open_inode(file_system.root_inode), file_system.root_inode, "/", False)
        return _target(item.tsk_file, item.inode, join_path(names), item.deleted, item.is_directory)
    assert inode is not None
    tsk_file = file_system.open_inode(inode)
    meta = tsk_file.info.meta
    deleted = meta is not None and not int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_ALLOC)
    return _target(tsk_file, inode, None, deleted)


def _target(
    tsk_file: pytsk3.File, inode: int, path: str | None, deleted: bool, is_directory: bool | None = None
) -> TargetFile:
    meta = tsk_file.info.meta
    if is_directory is None:
        is_directory = meta is not None and int(meta.type) in (
            int(pytsk3.TSK_FS_META_TYPE_DIR),
            int(pytsk3.TSK_FS_META_TYPE_VIRT_DIR),
        )
    size = int(meta.size) if meta is not None else 0
    return TargetFile(inode, path, deleted, is_directory, size, tsk_file)


def data_runs(tsk_file: pytsk3.File) -> tuple[DataRun, ...]:
    """Where the file's data lies (for FAT, in sectors relative to the file system)."""
    runs: list[DataRun] = []
    try:
        for attribute in tsk_file:
            if int(attribute.info.type) not in _DATA_ATTRIBUTE_TYPES:
                continue
            for run in attribute:
                if run.len and not int(run.flags) & int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE):
                    runs.append(DataRun(int(run.addr), int(run.len)))
            break
    except OSError:  # a deleted entry whose data TSK cannot place
        return ()
    return tuple(runs)


def allocated_size(file_system: FileSystem, tsk_file: pytsk3.File) -> int:
    return sum(run.block_count for run in data_runs(tsk_file)) * file_system.block_size


def iter_file_content(
    file_system: FileSystem, target: TargetFile, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[bytes]:
    """The file's bytes from 0 to its size, chunk by chunk."""
    if target.is_directory:
        raise UsageError(f"{_name(target)} is a directory; list it with `labkit disk ls`")
    flags = pytsk3.TSK_FS_FILE_READ_FLAG_NONE
    yield from _read_range(file_system, target, 0, target.size, chunk_size, flags)


def slack_size(file_system: FileSystem, target: TargetFile) -> int:
    """Bytes between end of file and end of its last cluster."""
    if target.is_directory:
        return 0
    return max(allocated_size(file_system, target.tsk_file) - target.size, 0)


def iter_file_slack(
    file_system: FileSystem, target: TargetFile, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[bytes]:
    """Only the file slack: after end of file up to the end of the last cluster."""
    if target.is_directory:
        raise UsageError(f"{_name(target)} is a directory; it has no file slack")
    length = slack_size(file_system, target)
    flags = pytsk3.TSK_FS_FILE_READ_FLAG_SLACK
    yield from _read_range(file_system, target, target.size, length, chunk_size, flags)


def _read_range(
    file_system: FileSystem,
    target: TargetFile,
    start: int,
    length: int,
    chunk_size: int,
    flags: pytsk3.TSK_FS_FILE_READ_FLAG_ENUM,
) -> Iterator[bytes]:
    # Checked before the first byte is yielded, so `cat > file` writes nothing rather than a part.
    _check_inside_image(file_system, target, start, length)
    end = start + length
    offset = start
    while offset < end:
        wanted = min(chunk_size, end - offset)
        try:
            data = target.tsk_file.read_random(offset, wanted, pytsk3.TSK_FS_ATTR_TYPE_DEFAULT, -1, flags)
        except OSError as exc:
            raise EvidenceError(
                f"{_name(target)}: cannot read at offset {offset} (its clusters may lie outside the "
                f"volume): {first_clause(exc)}"
            ) from exc
        if not data:
            raise EvidenceError(_short_data_message(file_system, target, offset))
        yield data
        offset += len(data)


def _check_inside_image(file_system: FileSystem, target: TargetFile, start: int, length: int) -> None:
    """Refuse a file whose bytes ``start``..``start + length`` lie past the end of a truncated image."""
    position = 0
    block_size = file_system.block_size
    media_size = file_system.image.media_size
    for run in data_runs(target.tsk_file):
        run_bytes = run.block_count * block_size
        if position + run_bytes > start and position < start + length:
            needed = min(run_bytes, start + length - position)
            run_end = file_system.offset + run.first_block * block_size + needed
            if run_end > media_size:
                raise EvidenceError(
                    f"{_name(target)}: its data runs to byte {run_end} of the medium, but the image "
                    f"ends at byte {media_size} (truncated image: the file cannot be read whole)"
                )
        position += run_bytes


def _short_data_message(file_system: FileSystem, target: TargetFile, offset: int) -> str:
    """Why TSK gave less data than the file's size, as far as the FAT tells."""
    shortfall = f"data ends at offset {offset}, before its size {target.size}"
    if target.deleted:
        return (
            f"{_name(target)}: {shortfall} (deleted: its first cluster is allocated to another file, "
            "or too few free clusters follow it, so TSK places only one cluster)"
        )
    first_cluster = read_entry_details(file_system, target.inode, target.tsk_file).first_cluster
    looping = chain_loop(file_system, first_cluster) if first_cluster else None
    if looping is not None:
        return f"{_name(target)}: cluster chain loops at cluster {looping} (corrupt FAT): {shortfall}"
    return f"{_name(target)}: {shortfall}"


def _name(target: TargetFile) -> str:
    return target.path or f"inode {target.inode}"

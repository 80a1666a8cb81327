"""Copy files (deleted ones included) out of an image into a directory, safely and whole.

Nothing can land outside the output directory: every name is rewritten by
:mod:`safe_names`, every target is checked to lie under the staging directory, files
are created with O_EXCL|O_NOFOLLOW under a temporary name and renamed when complete,
and the whole tree is built in a hidden staging directory that becomes the output
directory only at the end: an interrupted recovery leaves nothing half-written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import EvidenceError
from labkit.tools.disk.allocation import cluster_allocated
from labkit.tools.disk.content import data_runs, iter_file_content, open_target
from labkit.tools.disk.entry_details import read_entry_details
from labkit.tools.disk.file_system import FileSystem
from labkit.tools.disk.listing import FileEntry, list_files
from labkit.tools.disk.safe_names import NameRegistry, sanitise_component
from labkit.tools.output_folders import PARTIAL_PREFIX, check_output_folder

_PARTIAL_PREFIX = PARTIAL_PREFIX


@dataclass(frozen=True)
class RecoveredFile:
    """One file written (or not: ``error`` says why), with where it came from.

    ``first_cluster_owner`` is set for a deleted file whose first cluster is allocated
    again: the path of the allocated file that now holds it (after a move or rename,
    that is the same data under its new name). A larger file then cannot be recovered
    whole (``error``); a file of one cluster or less IS written, as ``icat`` gives it,
    but with the other file's bytes, and ``note`` says so.
    """

    image_path: str
    inode: int
    deleted: bool
    size: int
    output_path: str
    sha256: str | None
    renamed: bool
    error: str | None
    first_cluster_owner: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RecoveryReport:
    output_dir: str
    files: tuple[RecoveredFile, ...]

    @property
    def failed(self) -> tuple[RecoveredFile, ...]:
        return tuple(item for item in self.files if item.error is not None)


def recover_files(
    file_system: FileSystem,
    output_dir: str | Path,
    paths: Sequence[str] = (),
    *,
    deleted_only: bool = False,
) -> RecoveryReport:
    """Recover regular files under ``paths`` (default: everything) into ``output_dir``.

    ``output_dir`` must not exist yet or be an empty directory. Files keep their path
    from the root of the image, with every component sanitised.
    """
    target = check_output_dir(output_dir)
    entries = _select(file_system, paths, deleted_only)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        staging.chmod(0o755)
        results = _explain_reused(file_system, _write_all(file_system, entries, staging))
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RecoveryReport(output_dir=str(target), files=tuple(results))


def check_output_dir(output_dir: str | Path) -> Path:
    """The absolute output directory, refused if it could clobber or reach anything that exists."""
    return check_output_folder(
        output_dir, label=f"--out {Path(os.path.abspath(output_dir))}", purpose="recover into a case folder"
    )


def _select(file_system: FileSystem, paths: Sequence[str], deleted_only: bool) -> list[FileEntry]:
    chosen: dict[tuple[str, int], FileEntry] = {}
    for path in paths or ("/",):
        for entry in list_files(file_system, path, recursive=True, deleted_only=deleted_only):
            if entry.is_directory or entry.is_virtual or entry.is_volume_label:
                continue
            chosen.setdefault((entry.path, entry.inode), entry)
    return list(chosen.values())


def _write_all(file_system: FileSystem, entries: list[FileEntry], staging: Path) -> list[RecoveredFile]:
    registries: dict[Path, NameRegistry] = {}
    directories: dict[str, Path] = {"": Path()}
    results: list[RecoveredFile] = []
    for entry in entries:
        parts = list(entry.components)
        relative_dir = _output_directory(parts[:-1], directories, registries, staging)
        safe = sanitise_component(parts[-1]) if parts else "_"
        name = registries.setdefault(relative_dir, NameRegistry()).claim(safe)
        relative = relative_dir / name
        results.append(_write_one(file_system, entry, staging, relative, renamed=name != parts[-1]))
    return results


def _explain_reused(file_system: FileSystem, results: list[RecoveredFile]) -> list[RecoveredFile]:
    """Name the allocated file that holds each deleted file's first cluster now.

    TSK recovers a deleted FAT file from its first cluster on. If that cluster is in use
    again it gives just that cluster, the other file's: an error for a larger file, and
    for a file of one cluster or less a "recovery" of someone else's bytes. Like
    ``ifind -d``, look the owner up.
    """
    starts: dict[int, int] = {}
    for result in results:
        if result.deleted:
            target = open_target(file_system, inode=result.inode)
            first_cluster = read_entry_details(file_system, result.inode, target.tsk_file).first_cluster
            taken = bool(first_cluster) and cluster_allocated(file_system, first_cluster)  # type: ignore[arg-type]
            runs = data_runs(target.tsk_file)
            if runs and (taken or result.error is not None):
                starts[result.inode] = runs[0].first_block
    if not starts:
        return results
    owners: dict[int, str] = {}
    for entry in list_files(file_system, "/", recursive=True):
        if entry.deleted or entry.is_virtual or entry.is_volume_label:
            continue
        for run in data_runs(open_target(file_system, inode=entry.inode).tsk_file):
            for sector in starts.values():
                if run.first_block <= sector < run.first_block + run.block_count:
                    owners.setdefault(sector, entry.path)
    return [_with_owner(result, owners.get(starts[result.inode])) if result.inode in starts else result
            for result in results]  # fmt: skip


def _with_owner(result: RecoveredFile, owner: str | None) -> RecoveredFile:
    note = None
    if result.error is None:
        holder = owner or "another file"
        note = f"first cluster now belongs to {holder}: content is that file's, not the deleted file's"
    return dataclasses.replace(result, first_cluster_owner=owner, note=note)


def _output_directory(
    parts: list[str], directories: dict[str, Path], registries: dict[Path, NameRegistry], staging: Path
) -> Path:
    key = ""
    current = Path()
    for part in parts:
        key = f"{key}/{len(part)}:{part}"  # length-prefixed: names may contain "/"
        if key not in directories:
            name = registries.setdefault(current, NameRegistry()).claim(sanitise_component(part))
            directories[key] = current / name
            _inside(staging, staging / directories[key]).mkdir()
        current = directories[key]
    return current


def _write_one(
    file_system: FileSystem, entry: FileEntry, staging: Path, relative: Path, renamed: bool
) -> RecoveredFile:
    final = _inside(staging, staging / relative)
    partial = final.with_name(f"{_PARTIAL_PREFIX}{entry.inode}")
    digest = hashlib.sha256()
    error: str | None = None
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            target = open_target(file_system, inode=entry.inode)
            for chunk in iter_file_content(file_system, target):
                stream.write(chunk)
                digest.update(chunk)
        os.rename(partial, final)
    except (EvidenceError, OSError) as exc:
        partial.unlink(missing_ok=True)
        error = exc.one_line() if isinstance(exc, EvidenceError) else str(exc)
    return RecoveredFile(
        image_path=entry.path,
        inode=entry.inode,
        deleted=entry.deleted,
        size=entry.size or 0,
        output_path=relative.as_posix(),
        sha256=None if error else digest.hexdigest(),
        renamed=renamed,
        error=error,
    )


def _inside(root: Path, candidate: Path) -> Path:
    """Last line of defence: refuse any path that would resolve outside ``root``."""
    resolved_root = root.resolve()
    resolved = candidate.parent.resolve() / candidate.name
    if resolved_root != resolved.parent and resolved_root not in resolved.parents:
        raise EvidenceError(f"refusing to write {candidate}: it lies outside {root}")
    if candidate.name in ("", ".", "..") or "/" in candidate.name or "\0" in candidate.name:
        raise EvidenceError(f"refusing to write a file named {candidate.name!r}")
    return candidate

"""Check a finished image with independent tools: fsck.fat, and the tree as fls and icat see it.

The benchmark compares like with like only if both images hold the same folders,
the same files with the same sizes and the same bytes; this module reads that
back with The Sleuth Kit, never with labkit's own code.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .measure import BenchmarkError

HASH_CHUNK = 1024 * 1024
VOLUME_LABEL_SUFFIX = " (Volume Label Entry)"


@dataclass(frozen=True)
class TreeEntry:
    """One live entry as fls lists it: directory flag, size, modification time and TSK address."""

    is_directory: bool
    size: int
    modified: str  # as fls prints it with TZ=UTC, e.g. "2024-03-04 08:00:00 (UTC)"
    inode: int


def fsck_clean(image: Path) -> tuple[bool, str]:
    """Whether ``fsck.fat -n`` (read-only) finds nothing to fix, and its last lines."""
    result = subprocess.run(["fsck.fat", "-n", str(image)], capture_output=True, text=True, check=False)
    lines = [line.removeprefix(f"{image}: ") for line in result.stdout.splitlines()[1:] if line.strip()]
    return result.returncode == 0, " | ".join(lines[-3:])


def list_tree(image: Path) -> dict[str, TreeEntry]:
    """Every live file and folder by full path, from ``fls -r -p -l -u`` (virtual files left out)."""
    result = subprocess.run(
        ["fls", "-f", "fat32", "-r", "-p", "-l", "-u", str(image)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        env={**os.environ, "TZ": "UTC"},  # both images were written with TZ=UTC
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkError(f"fls cannot read {image}: {' '.join(result.stderr.split())}")
    tree: dict[str, TreeEntry] = {}
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        kind, _, address = fields[0].partition(" ")
        name = fields[1]
        if kind.lower().startswith("v/") or name.endswith(VOLUME_LABEL_SUFFIX):
            continue  # $MBR, $FAT1, $FAT2, $OrphanFiles, the label
        tree[name] = TreeEntry(kind.startswith("d/"), int(fields[6]), fields[2], int(address.rstrip(":")))
    return tree


def icat_sha256(image: Path, inode: int) -> str:
    """SHA-256 of a file's content as icat extracts it, streamed."""
    digest = hashlib.sha256()
    with subprocess.Popen(["icat", "-f", "fat32", str(image), str(inode)], stdout=subprocess.PIPE) as child:
        assert child.stdout is not None
        while chunk := child.stdout.read(HASH_CHUNK):
            digest.update(chunk)
    if child.returncode != 0:
        raise BenchmarkError(f"icat cannot extract inode {inode} from {image}")
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a source file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceEntry:
    """One source file or folder; folders have size 0 and no time (mcopy stamps them "now")."""

    is_directory: bool
    size: int
    modified: str


def source_tree_listing(root: Path) -> dict[str, SourceEntry]:
    """The source tree by relative path, times formatted as fls prints them with TZ=UTC."""
    listing: dict[str, SourceEntry] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_dir():
            listing[relative] = SourceEntry(True, 0, "")
        else:
            status = path.stat()
            modified = datetime.fromtimestamp(status.st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S (UTC)")
            listing[relative] = SourceEntry(False, status.st_size, modified)
    return listing


def tree_differences(source: dict[str, SourceEntry], image: dict[str, TreeEntry]) -> list[str]:
    """What differs between the source tree and an image's: names, kinds, file sizes and mtimes."""
    differences = [f"missing {path}" for path in sorted(source.keys() - image.keys())]
    differences += [f"unexpected {path}" for path in sorted(image.keys() - source.keys())]
    for path in sorted(source.keys() & image.keys()):
        want, got = source[path], image[path]
        if got.is_directory != want.is_directory:
            differences.append(f"{path}: a {'folder' if want.is_directory else 'file'} in the source")
        elif not want.is_directory and (got.size, got.modified) != (want.size, want.modified):
            differences.append(
                f"{path}: source {want.size} bytes {want.modified}, image {got.size} bytes {got.modified}"
            )
    return differences


def hash_sample(listing: dict[str, SourceEntry], count: int) -> list[str]:
    """A deterministic spread of files to hash: the largest, the non-ASCII-named first, then evenly spaced."""
    files = [path for path, entry in listing.items() if not entry.is_directory]
    if not files:
        return []
    chosen = [max(files, key=lambda path: (listing[path].size, path))]
    chosen += [path for path in files if not path.isascii()][:1]
    step = max(1, len(files) // max(1, count))
    chosen += files[::step]
    return list(dict.fromkeys(chosen))[:count]

"""Check a finished image with independent tools: fsck.fat, and the tree as fls and icat see it.

The benchmark compares like with like only if both images hold the same folders,
the same files with the same sizes and the same bytes; this module reads that
back with The Sleuth Kit, never with labkit's own code.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .measure import BenchmarkError

HASH_CHUNK = 1024 * 1024
VOLUME_LABEL_SUFFIX = " (Volume Label Entry)"


@dataclass(frozen=True)
class TreeEntry:
    """One live entry as fls lists it: directory flag, size and TSK metadata address."""

    is_directory: bool
    size: int
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
        tree[name] = TreeEntry(kind.startswith("d/"), int(fields[6]), int(address.rstrip(":")))
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


def source_tree_listing(root: Path) -> dict[str, tuple[bool, int]]:
    """The source tree as (is_directory, size) by path, sizes of folders left at 0."""
    listing: dict[str, tuple[bool, int]] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        listing[relative] = (True, 0) if path.is_dir() else (False, path.stat().st_size)
    return listing


def tree_differences(source: dict[str, tuple[bool, int]], image: dict[str, TreeEntry]) -> list[str]:
    """What differs between the source tree and an image's tree (folder sizes are not compared)."""
    differences = [f"missing {path}" for path in sorted(source.keys() - image.keys())]
    differences += [f"unexpected {path}" for path in sorted(image.keys() - source.keys())]
    for path in sorted(source.keys() & image.keys()):
        is_directory, size = source[path]
        entry = image[path]
        if entry.is_directory != is_directory or (not is_directory and entry.size != size):
            differences.append(f"{path}: source {size} bytes, image {entry.size} bytes")
    return differences


def hash_sample(listing: dict[str, tuple[bool, int]], count: int) -> list[str]:
    """A deterministic spread of files to hash: the largest, the non-ASCII-named first, then evenly spaced."""
    files = [path for path, (is_directory, _) in listing.items() if not is_directory]
    if not files:
        return []
    chosen = [max(files, key=lambda path: (listing[path][1], path))]
    chosen += [path for path in files if not path.isascii()][:1]
    step = max(1, len(files) // max(1, count))
    chosen += files[::step]
    return list(dict.fromkeys(chosen))[:count]

"""Hashes of the whole medium (checked against an E01's stored MD5) or of one file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from labkit.errors import UsageError
from labkit.hashing import EVIDENCE_ALGORITHMS, digest_chunks
from labkit.tools.disk.content import iter_file_content, open_target
from labkit.tools.disk.ewf_layout import SectorRange
from labkit.tools.disk.file_system import FileSystem
from labkit.tools.disk.image_access import DiskImage, ImageFormat


@dataclass(frozen=True)
class ImageHash:
    """Digests of the MEDIA (for E01: the decompressed disk, not the .E01 file).

    ``damaged_sectors``: E01 sectors whose chunk fails its checksum. libewf reads them
    as zeros, so the digests cover zeros there and do not prove the media; the image
    verifies only if this is empty and every stored hash matches.
    """

    path: str
    format: ImageFormat
    media_size: int
    digests: dict[str, str]
    stored_md5: str | None
    stored_sha1: str | None
    md5_matches: bool | None
    sha1_matches: bool | None
    damaged_sectors: tuple[SectorRange, ...] = field(default=())

    @property
    def verifies(self) -> bool:
        """No damaged chunk and no stored hash that disagrees."""
        return not self.damaged_sectors and self.md5_matches is not False and self.sha1_matches is not False


@dataclass(frozen=True)
class FileHash:
    """Digests of one file; ``damaged_sectors`` as in :class:`ImageHash` (zeros were hashed there)."""

    inode: int
    path: str | None
    deleted: bool
    size: int
    digests: dict[str, str]
    damaged_sectors: tuple[SectorRange, ...] = field(default=())


def choose_algorithms(name: str) -> tuple[str, ...]:
    """``md5`` / ``sha1`` / ``sha256`` / ``all``."""
    if name == "all":
        return EVIDENCE_ALGORITHMS
    if name not in EVIDENCE_ALGORITHMS:
        raise UsageError(f"unknown hash algorithm {name!r}: choose md5, sha1, sha256 or all")
    return (name,)


def hash_image(image: DiskImage, algorithms: Iterable[str] = ("sha256",)) -> ImageHash:
    """Hash the medium in one streamed pass; also verify what an E01 stored, if anything."""
    wanted = tuple(algorithms)
    ewf = image.summary.ewf
    stored_md5 = ewf.stored_md5 if ewf else None
    stored_sha1 = ewf.stored_sha1 if ewf else None
    extra = tuple(
        a for a, stored in (("md5", stored_md5), ("sha1", stored_sha1)) if stored and a not in wanted
    )
    digests = digest_chunks(image.iter_media(), wanted + extra)
    return ImageHash(
        path=image.summary.path,
        format=image.summary.format,
        media_size=image.media_size,
        digests={name: digests[name] for name in wanted},
        stored_md5=stored_md5,
        stored_sha1=stored_sha1,
        md5_matches=None if stored_md5 is None else digests["md5"] == stored_md5.lower(),
        sha1_matches=None if stored_sha1 is None else digests["sha1"] == stored_sha1.lower(),
        damaged_sectors=image.damaged_sectors,
    )


def hash_file(
    file_system: FileSystem,
    path: str | None = None,
    inode: int | None = None,
    algorithms: Iterable[str] = ("sha256",),
) -> FileHash:
    """Hash one file's content (deleted files too), streamed."""
    target = open_target(file_system, path=path, inode=inode)
    digests = digest_chunks(iter_file_content(file_system, target), algorithms)
    damaged = file_system.image.damaged_sectors
    return FileHash(target.inode, target.path, target.deleted, target.size, digests, damaged)

"""Sparse raw ("dd") disk images with an MBR, a GPT or no partition table.

The image is created with ``truncate`` so a 64 GiB disk costs only the bytes
actually written; file-system writers write at absolute offsets through
:attr:`RawDiskImage.file`. The image is built under a temporary name next to
the target and renamed on :meth:`RawDiskImage.close`: it appears whole or not
at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from labkit.errors import EvidenceError, OutputExistsError, UsageError
from labkit.evidence.disk.partition_table import (
    PartitionFacts,
    PartitionLayout,
    PartitionSpec,
    PartitionType,
    Scheme,
    build_gpt,
    build_mbr,
    build_protective_mbr,
    derived_guid,
)
from labkit.hashing import hash_file  # re-exported: image builders hash what they wrote

__all__ = [
    "DiskFacts",
    "PartitionFacts",
    "PartitionSpec",
    "PartitionType",
    "RawDiskImage",
    "Scheme",
    "hash_file",
]

MIB = 1024 * 1024
_SUPPORTED_SECTOR_SIZES = (512, 4096)


@dataclass(frozen=True)
class DiskFacts:
    """What the finished image is: the answer-key side of the disk layout."""

    path: Path
    size: int
    sector_size: int
    scheme: Scheme
    partitions: tuple[PartitionFacts, ...]
    disk_signature: int | None  # MBR only
    disk_guid: str | None  # GPT only, upper case


class RawDiskImage:
    """A raw disk image being built; use as a context manager, or call :meth:`close` yourself.

    Args:
        path: Where the finished image goes.
        size: Disk size in bytes, a multiple of ``sector_size``.
        scheme: "mbr", "gpt", or "none" (one file system at offset 0, a "superfloppy").
        disk_id: The MBR disk signature, and the seed of every GPT GUID (no randomness).
        sector_size: Logical sector size, 512 or 4096.
        alignment: Partition start alignment in bytes (1 MiB, like fdisk and Windows).
        overwrite: Replace an existing ``path`` instead of refusing.
    """

    def __init__(
        self,
        path: Path,
        size: int,
        *,
        scheme: Scheme,
        disk_id: int,
        sector_size: int = 512,
        alignment: int = MIB,
        overwrite: bool = False,
    ) -> None:
        if scheme not in ("mbr", "gpt", "none"):
            raise UsageError(f"unknown partition scheme {scheme!r}; use 'mbr', 'gpt' or 'none'")
        if sector_size not in _SUPPORTED_SECTOR_SIZES:
            raise UsageError(f"sector size must be one of {_SUPPORTED_SECTOR_SIZES}, got {sector_size}")
        if size <= 0 or size % sector_size:
            raise UsageError(f"disk size {size} is not a positive multiple of the sector size {sector_size}")
        if disk_id < 0 or (scheme == "mbr" and disk_id > 0xFFFFFFFF):
            raise UsageError(f"disk_id {disk_id} must be a non-negative integer (32 bits on an MBR disk)")
        self.path = Path(path)
        if self.path.exists() and not overwrite:
            raise OutputExistsError(f"{self.path} exists; choose another path or allow overwriting")
        self.size = size
        self.scheme: Scheme = scheme
        self.sector_size = sector_size
        self.disk_id = disk_id
        self._layout = PartitionLayout(
            total_sectors=size // sector_size,
            scheme=scheme,
            sector_size=sector_size,
            alignment=alignment,
            disk_id=disk_id,
        )
        self._disk_guid = derived_guid(disk_id, "disk") if scheme == "gpt" else None
        self._partial_path = self.path.with_name(f".{self.path.name}.partial")
        self._facts: DiskFacts | None = None
        try:
            self._file: BinaryIO = open(self._partial_path, "w+b")
            self._file.truncate(size)
        except OSError as error:
            raise EvidenceError(f"cannot create the disk image {self.path}: {error.strerror}") from error
        self._write_partition_table()

    @property
    def file(self) -> BinaryIO:
        """The image, open for reading and writing at absolute offsets."""
        if self._file.closed:
            raise EvidenceError(f"the disk image {self.path} is already closed")
        return self._file

    @property
    def partitions(self) -> tuple[PartitionFacts, ...]:
        """The partitions added so far, in table order."""
        return tuple(self._layout.partitions)

    def add_partition(self, spec: PartitionSpec) -> PartitionFacts:
        """Place the next partition after the previous one and rewrite the partition table."""
        facts = self._layout.place(spec)
        self._write_partition_table()
        return facts

    def close(self) -> DiskFacts:
        """Flush, close and move the image into place; calling it again returns the same facts."""
        if self._facts is not None:
            return self._facts
        try:
            self._file.flush()
            self._file.close()
            os.replace(self._partial_path, self.path)
        except OSError as error:
            self.abort()
            raise EvidenceError(f"cannot finish the disk image {self.path}: {error.strerror}") from error
        self._facts = DiskFacts(
            path=self.path,
            size=self.size,
            sector_size=self.sector_size,
            scheme=self.scheme,
            partitions=self.partitions,
            disk_signature=self.disk_id if self.scheme == "mbr" else None,
            disk_guid=str(self._disk_guid).upper() if self._disk_guid else None,
        )
        return self._facts

    def abort(self) -> None:
        """Discard the half-built image (nothing appears at ``path``)."""
        if not self._file.closed:
            self._file.close()
        self._partial_path.unlink(missing_ok=True)

    def __enter__(self) -> RawDiskImage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        elif self._facts is None:
            self.abort()

    def _write_partition_table(self) -> None:
        partitions = list(self._layout.partitions)
        if self.scheme == "mbr":
            self._write_at(0, build_mbr(self.disk_id, partitions))
        elif self.scheme == "gpt":
            assert self._disk_guid is not None
            total_sectors = self.size // self.sector_size
            self._write_at(0, build_protective_mbr(total_sectors))
            copies = build_gpt(
                total_sectors=total_sectors,
                sector_size=self.sector_size,
                disk_guid=self._disk_guid,
                partitions=partitions,
            )
            self._write_at(self.sector_size, copies.primary)
            self._write_at(copies.backup_lba * self.sector_size, copies.backup)

    def _write_at(self, offset: int, data: bytes) -> None:
        self._file.seek(offset)
        self._file.write(data)

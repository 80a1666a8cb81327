"""A disk while its story is being written: the image, its file system, its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from labkit.evidence.disk.fat import FatAttributes, FatTimes, FatVolume
from labkit.evidence.disk.partition_table import PartitionSpec
from labkit.evidence.disk.raw_image import RawDiskImage
from labkit.hashing import EVIDENCE_ALGORITHMS, digest_chunks
from labkit.scenario.model import DiskSpec
from labkit.story.base import ActionFailed
from labkit.story.driver_profiles import (
    WINDOWS,
    DriverProfile,
    indexer_volume_guid,
    indexer_volume_guid_bytes,
    wpsettings_bytes,
)


@dataclass
class FileRecord:
    """What the story knows about a planted file beyond what the file system holds."""

    handle: Any
    path: str
    md5: str
    sha1: str
    sha256: str
    size: int
    true_type: str
    original_path: str
    extra: dict[str, Any] = field(default_factory=dict)


def digests(data: bytes) -> tuple[str, str, str]:
    """MD5, SHA-1 and SHA-256 of planted content (the evidence algorithms)."""
    values = digest_chunks([data], EVIDENCE_ALGORITHMS)
    return values["md5"], values["sha1"], values["sha256"]


def _key(path: str) -> str:
    return "/" + "/".join(p for p in path.split("/") if p).casefold()


class DiskRuntime:
    """Owns one disk image while actions write to it."""

    def __init__(
        self,
        spec: DiskSpec,
        zone: ZoneInfo,
        raw_path: Path,
        *,
        disk_id_seed: int,
        serial: int,
        format_time: datetime,
        profile: DriverProfile = WINDOWS,
    ) -> None:
        self.spec = spec
        self.profile = profile
        self.zone = zone
        self.raw_path = raw_path
        fs = spec.filesystem
        self.image = RawDiskImage(raw_path, spec.size, scheme=spec.partitioning, disk_id=disk_id_seed)
        self.partition = self.image.add_partition(
            PartitionSpec(
                size=None, type=fs.type, name="Basic data partition" if spec.partitioning == "gpt" else ""
            )
        )
        self.volume = FatVolume(
            self.image.file,
            offset=self.partition.offset,
            size=self.partition.size,
            fat_type=fs.type,
            cluster_size=fs.cluster_size,
            label=fs.label,
            serial=serial,
            hidden_sectors=self.partition.start_sector,
            format_time=format_time,
            allocation=fs.allocation,
            codepage=fs.codepage,
            oem_name=profile.oem_name,
            modified_rounding=profile.modified_rounding,
        )
        self.live: dict[str, FileRecord] = {}
        self.volume_facts: Any = None
        self.indexer_guid: str | None = None

    def windows_first_mount(self, when: datetime, rng: Random) -> None:
        """What Windows 10 leaves on a FAT stick the first time it mounts it (hidden, system folder)."""
        times = FatTimes(created=when, modified=when, accessed=when)
        folder = "/System Volume Information"
        self.volume.mkdir(folder, times, FatAttributes(hidden=True, system=True, archive=False))
        settings_time = when + timedelta(milliseconds=rng.randrange(50, 900))
        settings_times = FatTimes(created=settings_time, modified=settings_time, accessed=settings_time)
        self.volume.create_file(f"{folder}/WPSettings.dat", wpsettings_bytes(rng), settings_times)
        self.indexer_guid = indexer_volume_guid(rng)
        guid_time = settings_time + timedelta(seconds=rng.randrange(1, 20), milliseconds=rng.randrange(1000))
        guid_times = FatTimes(created=guid_time, modified=guid_time, accessed=guid_time)
        self.volume.create_file(
            f"{folder}/IndexerVolumeGuid", indexer_volume_guid_bytes(self.indexer_guid), guid_times
        )
        self.live[_key(folder)] = FileRecord(None, folder, "", "", "", 0, "directory", folder)

    # -- files -------------------------------------------------------------
    def lookup(self, path: str) -> FileRecord:
        record = self.live.get(_key(path))
        if record is None:
            raise ActionFailed(f"no file {path!r} on disk {self.spec.id!r} at that time")
        return record

    def exists(self, path: str) -> bool:
        return _key(path) in self.live

    def create(
        self, path: str, data: bytes, times: FatTimes, attributes: FatAttributes | None, true_type: str
    ) -> FileRecord:
        if self.exists(path):
            raise ActionFailed(
                f"{path!r} already exists on disk {self.spec.id!r}; use file.modify to change it"
            )
        self._ensure_parents(path, times)
        handle = self.volume.create_file(path, data, times, attributes)
        md5, sha1, sha256 = digests(data)
        record = FileRecord(handle, path, md5, sha1, sha256, len(data), true_type, path)
        self.live[_key(path)] = record
        return record

    def _ensure_parents(self, path: str, times: FatTimes) -> None:
        # Folders made on the way are created "now" (the action's time), whatever
        # times the file itself carries (a copied-in file keeps an older mtime).
        now = times.created or times.modified
        times = FatTimes(created=now, modified=now, accessed=now)
        parts = [p for p in path.split("/") if p][:-1]
        for depth in range(1, len(parts) + 1):
            parent = "/" + "/".join(parts[:depth])
            if _key(parent) not in self.live:
                handle = self.volume.mkdir(parent, times)
                self.live[_key(parent)] = FileRecord(handle, parent, "", "", "", 0, "directory", parent)

    def mkdir(self, path: str, times: FatTimes) -> FileRecord:
        self._ensure_parents(path + "/x", times)
        return self.live[_key(path)]

    def modify(self, record: FileRecord, data: bytes, times: FatTimes, true_type: str) -> None:
        self.volume.overwrite_file(record.path, data, times)
        record.md5, record.sha1, record.sha256 = digests(data)
        record.size = len(data)
        record.true_type = true_type

    def rename(self, record: FileRecord, new_path: str, when: datetime | None = None) -> None:
        if self.exists(new_path):
            raise ActionFailed(f"cannot rename to {new_path!r}: it already exists on disk {self.spec.id!r}")
        self._ensure_parents(new_path, FatTimes(created=when, modified=when, accessed=when))
        record.handle = self.volume.rename(record.path, new_path)
        del self.live[_key(record.path)]
        record.path = new_path
        self.live[_key(new_path)] = record

    def delete(self, record: FileRecord, *, wipe: bool) -> None:
        if wipe:
            self.volume.wipe(record.path)
        else:
            self.volume.delete(record.path)
        del self.live[_key(record.path)]

    # -- facts -------------------------------------------------------------
    def aware(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=self.zone).isoformat()
        return value.isoformat()

    def file_facts(self, record: FileRecord) -> dict[str, Any]:
        """Facts of a planted file as the file system holds it now."""
        entry = self.volume.entry(record.handle)
        sector = self.partition.offset // 512
        data_offset = None if entry.data_offset is None else self.partition.offset + entry.data_offset
        name = entry.path.rsplit("/", 1)[-1]
        return {
            "disk": self.spec.id,
            "path": entry.path,
            "name": name,
            "short_name": entry.short_name,
            "inode": entry.inode,
            "first_cluster": entry.first_cluster,
            "first_sector": None if entry.data_offset is None else entry.data_offset // 512,
            "data_offset": data_offset,
            "partition_offset_sectors": sector,
            "size": entry.size if not entry.is_directory else 0,
            "md5": record.md5,
            "sha1": record.sha1,
            "sha256": record.sha256,
            "created": self.aware(entry.created),
            "modified": self.aware(entry.modified),
            "accessed": entry.accessed.date().isoformat()
            if isinstance(entry.accessed, datetime)
            else (entry.accessed.isoformat() if entry.accessed else None),
            "deleted": entry.deleted,
            "recoverable": entry.deleted and not entry.overwritten,
            "true_type": record.true_type,
            "extension": name.rsplit(".", 1)[-1].lower() if "." in name else "",
            "hidden": entry.attributes.hidden,
            "system": entry.attributes.system,
            "read_only": entry.attributes.read_only,
            "original_path": record.original_path,
            "is_directory": entry.is_directory,
            "timezone": str(self.zone),
        }

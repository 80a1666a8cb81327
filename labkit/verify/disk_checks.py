"""Read each disk answer of a key back out of the evidence with independent tools.

For every question whose fact lives on a disk, the value is observed with The
Sleuth Kit's command-line tools (and pytsk3 where it adds a second opinion),
independently of labkit's writers; ``verify`` then grades that observation
against the key exactly as a trainee's answer would be graded.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.verify import sleuthkit_cli as tsk

FILE_FIELDS_FROM_ISTAT = {"created": "Created", "modified": "Written", "accessed": "Accessed"}


@dataclass(frozen=True)
class Observation:
    """What an independent tool showed for one fact."""

    value: Any
    tool: str


class DiskEvidence:
    """One evidence image, read by TSK; caches listings between checks."""

    def __init__(self, image: Path, offset_sectors: int, zone: str) -> None:
        self.image = image
        self.offset = offset_sectors
        self.zone = zone
        self._fls: list[tsk.FlsEntry] | None = None

    def listing(self) -> list[tsk.FlsEntry]:
        if self._fls is None:
            self._fls = tsk.fls(self.image, self.offset)
        return self._fls

    def by_inode(self, inode: int) -> tsk.FlsEntry | None:
        return next((e for e in self.listing() if e.inode == inode), None)


def istat_time_to_iso(value: str) -> str:
    """'2026-03-14 10:03:12.340000000 (+05)' -> '2026-03-14T10:03:12.340000+05:00'."""
    match = re.match(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))? \(([^)]*)\)$", value)
    if not match:
        return value
    fraction = f".{match[3][:6]}" if match[3] else ""
    zone = match[4]
    offset = "+00:00" if zone in ("UTC", "GMT") else _offset(zone)
    return f"{match[1]}T{match[2]}{fraction}{offset}"


def _offset(zone: str) -> str:
    match = re.match(r"^([+-])(\d{2})(?::?(\d{2}))?$", zone)
    if not match:
        return ""
    return f"{match[1]}{match[2]}:{match[3] or '00'}"


def observe_file_fact(evidence: DiskEvidence, facts: dict[str, Any], field: str) -> Observation:
    """Observe ``field`` of a planted file with TSK."""
    inode = facts["inode"]
    if field in ("path", "name", "deleted", "inode", "extension", "original_path"):
        if field == "inode":
            entry = next(
                (e for e in evidence.listing() if e.path.casefold() == facts["path"].casefold()), None
            )
            return Observation(entry.inode if entry else None, "fls -r -p")
        entry = evidence.by_inode(inode)
        if entry is None:
            return Observation(None, "fls -r -p")
        if field == "path":
            return Observation(entry.path, "fls -r -p")
        if field == "name":
            return Observation(entry.path.rsplit("/", 1)[-1], "fls -r -p")
        if field == "extension":
            name = entry.path.rsplit("/", 1)[-1]
            return Observation(name.rsplit(".", 1)[-1].lower() if "." in name else "", "fls -r -p")
        if field == "deleted":
            return Observation(entry.deleted, "fls -r -p")
        return Observation(None, "n/a")
    info = tsk.istat(evidence.image, evidence.offset, inode, evidence.zone)
    if field in FILE_FIELDS_FROM_ISTAT:
        raw = info.times.get(FILE_FIELDS_FROM_ISTAT[field], "")
        iso = istat_time_to_iso(raw)
        return Observation(iso[:10] if field == "accessed" else iso, "istat -z")
    if field == "short_name":
        # TSK prints OEM bytes above 0x7F as '^': compare in that form, keep the key's spelling.
        expected = str(facts["short_name"])
        masked = "".join(c if ord(c) < 0x80 else "^" for c in expected)
        if info.name != expected and info.name == masked:
            return Observation(expected, "istat (non-ASCII short-name bytes shown as ^)")
        return Observation(info.name, "istat")
    if field == "size":
        return Observation(info.size, "istat")
    if field in ("hidden", "system", "read_only"):
        wanted = {"hidden": "Hidden", "system": "System", "read_only": "Read Only"}[field]
        return Observation(wanted in info.attributes, "istat")
    if field == "first_sector":
        return Observation(info.sectors[0] if info.sectors else None, "istat")
    if field == "data_offset":
        return Observation((evidence.offset + info.sectors[0]) * 512 if info.sectors else None, "istat")
    content = tsk.icat(evidence.image, evidence.offset, inode)
    if field in ("md5", "sha1", "sha256"):
        return Observation(hashlib.new(field, content).hexdigest(), "icat")
    if field == "recoverable":
        return Observation(hashlib.sha256(content).hexdigest() == facts["sha256"], "icat")
    if field == "true_type":
        return Observation(_magic(content), "file (libmagic) on icat output")
    return Observation(None, "n/a")


def observe_hidden_fact(evidence: DiskEvidence, facts: dict[str, Any], field: str) -> Observation:
    """Observe data hidden in slack or unallocated space with blkcat/blkstat/icat -s."""
    length = facts["length"]
    sector = facts["sector"]
    count = (facts["offset"] % 512 + length + 511) // 512
    raw = tsk.blkcat(evidence.image, evidence.offset, sector, count)
    start = facts["offset"] % 512
    data = raw[start : start + length]
    if facts.get("host_inode") is not None:
        with_slack = tsk.icat(evidence.image, evidence.offset, facts["host_inode"], slack=True)
        if data not in with_slack:
            return Observation(None, "icat -s (slack does not hold the data)")
    elif tsk.block_allocated(evidence.image, evidence.offset, sector):
        return Observation(None, "blkstat (sector is allocated)")
    if field == "text":
        return Observation(data.decode("utf-8", "replace"), "blkcat")
    if field == "sha256":
        return Observation(hashlib.sha256(data).hexdigest(), "blkcat")
    if field == "length":
        return Observation(len(data), "blkcat")
    if field == "offset":
        return Observation(facts["offset"] if data else None, "blkcat")
    if field == "sector":
        return Observation(sector if data else None, "blkcat")
    if field == "host_path":
        entry = evidence.by_inode(facts["host_inode"])
        return Observation(entry.path if entry else None, "fls -r -p")
    return Observation(None, "n/a")


def observe_disk_fact(image: Path, offset_sectors: int, field: str) -> Observation:
    if field in ("label", "serial", "fat_type", "cluster_size"):
        stat = tsk.fsstat(image, offset_sectors)
        if field == "label":
            return Observation(stat.get("Volume Label (Boot Sector)", "").strip(), "fsstat")
        if field == "serial":
            volume_id = int(stat.get("Volume ID", "0"), 16)
            return Observation(f"{volume_id >> 16:04X}-{volume_id & 0xFFFF:04X}", "fsstat")
        if field == "fat_type":
            return Observation(stat.get("File System Type", ""), "fsstat")
        return Observation(int(stat.get("Cluster Size", "0")), "fsstat")
    if field == "indexer_volume_guid":
        wanted = "/System Volume Information/IndexerVolumeGuid"
        entry = next((e for e in tsk.fls(image, offset_sectors) if e.path == wanted and not e.deleted), None)
        if entry is None:
            return Observation(None, "fls -r -p")
        raw = tsk.icat(image, offset_sectors, entry.inode)
        return Observation(raw.decode("utf-16", "replace").strip("\x00"), "icat (UTF-16)")
    if field == "partition_offset_sectors":
        starts = tsk.mmls_starts(image)
        return Observation(starts[0] if starts else 0, "mmls")
    if field == "image_md5" and image.suffix.upper() == ".E01":
        return Observation(tsk.img_stat_md5(image), "img_stat (MD5 stored in the E01)")
    if field in ("image_md5", "image_sha1", "image_sha256"):
        return Observation(_media_hash(image, field.removeprefix("image_")), "pyewf/raw read")
    return Observation(None, "n/a")


def _media_hash(image: Path, algorithm: str) -> str:
    from labkit.hashing import digest_chunks
    from labkit.tools.disk.image_access import open_image

    with open_image(image) as media:
        return digest_chunks(media.iter_media(), (algorithm,))[algorithm]


def _magic(content: bytes) -> str:
    result = subprocess.run(
        ["file", "--brief", "--mime-type", "-"], input=content[:65536], capture_output=True, check=False
    )
    mime = result.stdout.decode().strip()
    return MIME_TO_KIND.get(mime, mime)


MIME_TO_KIND = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/zip": "zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/octet-stream": "data",
}

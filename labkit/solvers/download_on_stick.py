"""Tying a file downloaded over the network to a copy on seized media.

The link an examiner can defend is the content: the SHA-256 of the object rebuilt
from the capture (``labkit net extract``, Wireshark's Export Objects) equals the
SHA-256 of a file on the stick (``labkit disk hash``). Names can be changed; the
hash cannot. Times then tell the story: a file written by the downloading browser is
created a moment after the response's last byte (not after the connection's last
packet: with keep-alive the server may close it a minute later).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from labkit.errors import LabkitError
from labkit.solvers.capture_reading import CaptureReading
from labkit.tools.disk import FileEntry, hash_file, list_files, open_evidence
from labkit.tools.net import ExtractedObject, HttpTransaction, PacketTime

NS_PER_SECOND = 1_000_000_000


def downloaded_archives(reading: CaptureReading, client: str | None) -> list[ExtractedObject]:
    """ZIP archives (by signature, not by name) fetched with GET: ``client``'s first, then the largest."""
    archives = [
        carried
        for carried in reading.objects
        if carried.protocol == "http"
        and carried.source.startswith("GET ")
        and reading.object_types.get(carried.name) == "zip"
    ]

    def by_client_then_size(carried: ExtractedObject) -> tuple[bool, int, int]:
        row = reading.conversation(carried.stream)
        return (row is None or row.address_a != client, -carried.size, carried.frame)

    return sorted(archives, key=by_client_then_size)


def files_with_hash(image: Path, size: int, sha256: str) -> list[FileEntry]:
    """Files on ``image`` (live first, then deleted) of ``size`` bytes whose content hashes to ``sha256``."""
    matches = []
    with open_evidence(image) as file_system:
        for entry in list_files(file_system, "/", recursive=True):
            if entry.is_directory or entry.is_virtual or entry.is_volume_label or entry.size != size:
                continue
            try:
                digest = hash_file(file_system, inode=entry.inode, algorithms=("sha256",)).digests["sha256"]
            except LabkitError:
                continue  # a deleted file TSK cannot place: nothing to compare
            if digest == sha256:
                matches.append(entry)
    return sorted(matches, key=lambda entry: (entry.deleted, entry.path))


def fetch_of(reading: CaptureReading, carried: ExtractedObject) -> HttpTransaction | None:
    """The HTTP request whose response is ``carried`` (same connection, response ending in its frame)."""
    return next(
        (
            transaction
            for transaction in reading.transactions
            if transaction.stream == carried.stream and transaction.response_frame == carried.frame
        ),
        None,
    )


def utc_datetime(time: PacketTime) -> datetime:
    """A packet time as an aware datetime (microseconds: what a capture stores)."""
    seconds, fraction = divmod(time.ns, NS_PER_SECOND)
    return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=fraction // 1000)

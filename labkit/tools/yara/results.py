"""What ``labkit yara scan`` found, as plain data: one match per rule per scanned object.

Offsets are always relative to the object that was scanned, so they can be checked with
another tool: within a file (``icat`` output), within a reassembled TCP direction (Follow
TCP Stream), within a datagram's payload, within an extracted object, or a physical
address in the memory image (a LiME file's headers are not counted).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class TargetKind(enum.StrEnum):
    """What TARGET holds, told from its content."""

    DISK = "disk"
    MEMORY = "memory"
    CAPTURE = "capture"


@dataclass(frozen=True)
class PageOwner:
    """A process that maps the physical page of a memory hit, and where it sees the hit."""

    pid: int
    comm: str
    virtual_address: int
    hidden: bool  # found by psscan only (unlinked from the task list pslist walks)


@dataclass(frozen=True)
class StringHit:
    """One occurrence of one of the rule's strings."""

    identifier: str  # "$a"
    offset: int
    length: int
    data: bytes  # the first bytes matched (at most MATCH_DATA_LIMIT)
    frame: int | None = None  # capture: the frame that carried the first matched byte
    owners: tuple[PageOwner, ...] = ()  # memory: processes mapping this page (empty: none known)


@dataclass(frozen=True)
class RuleMatch:
    rule: str
    namespace: str  # the rules file the rule came from, relative to RULES
    tags: tuple[str, ...]
    meta: dict[str, object]
    strings: tuple[StringHit, ...]  # empty for a rule whose condition uses no string


@dataclass(frozen=True)
class DiskFile:
    """A file found through The Sleuth Kit, deleted ones included."""

    partition: int | None  # mmls row (as `labkit disk -p` takes it); None: no partition table
    partition_description: str
    path: str
    inode: int  # TSK metadata address (istat, icat)
    deleted: bool
    size: int


@dataclass(frozen=True)
class CaptureData:
    """A reassembled TCP direction, a datagram payload, or an object carried over HTTP/FTP/SMTP."""

    source: str  # "tcp", "udp", "icmp", "icmpv6" or "object"
    stream: int | None  # tcp.stream / udp.stream as Wireshark numbers them
    direction: str  # "client->server" / "server->client" (TCP); "" otherwise
    sender: str  # "ip:port" that sent the bytes ("" for an object)
    receiver: str
    frame: int | None  # datagram: its frame; object: the frame carrying its last byte
    name: str = ""  # object: the name written by `labkit net extract`
    protocol: str = ""  # object: "http", "ftp-data", "smtp", "smtp-attachment"
    original_name: str = ""  # object: the URI, FTP argument or attachment file name


@dataclass(frozen=True)
class PhysicalMemory:
    """The memory image as physical address space (raw: file offsets; LiME: the ranges it holds)."""

    image_format: str  # "raw" or "lime"
    ranges: tuple[tuple[int, int], ...]  # (first, last) physical address of each range held


Target = DiskFile | CaptureData | PhysicalMemory


@dataclass(frozen=True)
class ScanMatch:
    target: Target
    match: RuleMatch


@dataclass(frozen=True)
class ScanReport:
    target: str
    kind: TargetKind
    rules_path: str
    rule_count: int
    objects_scanned: int  # files, stream directions, datagrams and objects; 1 for memory
    bytes_scanned: int
    matches: tuple[ScanMatch, ...]
    limit_reached: bool
    warnings: tuple[str, ...] = field(default=())

"""The rows of volatility3's Linux plugins that the memory solver reads, as typed records.

One small dataclass per plugin, built from vol's JSON (column names as volatility 2.28
prints them), so that the reasoning reads ``task.ppid`` and ``socket.remote`` rather
than ``row["PPID"]`` and a bad column fails in one place. Times stay as volatility gives
them: UTC.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

DELETED_SUFFIX = " (deleted)"
_KERNEL_RELEASE = re.compile(r"Linux version (\S+)")


@dataclass(frozen=True)
class Task:
    """A task of linux.pslist (or linux.psscan, which shows no user and no start time)."""

    pid: int
    ppid: int
    name: str  # comm: at most 15 characters
    uid: int | None
    started: datetime | None
    exit_state: str | None = None  # psscan only

    @classmethod
    def from_pslist(cls, row: dict[str, Any]) -> Task:
        created = row.get("CREATION TIME")
        return cls(
            int(row["PID"]),
            int(row["PPID"]),
            str(row["COMM"]),
            _optional_int(row.get("UID")),
            datetime.fromisoformat(created) if isinstance(created, str) else None,
        )

    @classmethod
    def from_psscan(cls, row: dict[str, Any]) -> Task:
        state = row.get("EXIT_STATE")
        return cls(int(row["PID"]), int(row["PPID"]), str(row["COMM"]), None, None, state)


@dataclass(frozen=True)
class HistoryLine:
    """One line of linux.bash: a command and the time bash stamped on it."""

    pid: int
    time: datetime
    command: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> HistoryLine:
        return cls(int(row["PID"]), datetime.fromisoformat(row["CommandTime"]), str(row["Command"]))


@dataclass(frozen=True)
class Endpoint:
    address: str
    port: int

    def __str__(self) -> str:
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    @property
    def is_public(self) -> bool:
        try:
            return ipaddress.ip_address(self.address).is_global
        except ValueError:
            return False


@dataclass(frozen=True)
class OpenSocket:
    """One file descriptor of linux.sockstat that is an internet (TCP/UDP) socket."""

    pid: int
    process: str
    fd: int
    socket: int  # the kernel address of the struct sock: one socket, however many fds
    protocol: str  # TCP, UDP
    state: str  # ESTABLISHED, LISTEN...
    local: Endpoint
    remote: Endpoint

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OpenSocket | None:
        if row.get("Family") not in ("AF_INET", "AF_INET6") or row.get("Source Port") is None:
            return None
        return cls(
            int(row["PID"]),
            str(row["Process Name"]),
            int(row["FD"]),
            int(row["Sock Offset"]),
            str(row.get("Proto") or ""),
            str(row.get("State") or ""),
            Endpoint(str(row["Source Addr"]), int(row["Source Port"])),
            Endpoint(str(row["Destination Addr"]), int(row["Destination Port"] or 0)),
        )


@dataclass(frozen=True)
class Mapping:
    """One VMA of linux.proc.Maps."""

    pid: int
    start: int
    end: int
    flags: str  # r-x
    page_offset: int
    inode: int
    path: str  # as vol prints it: a deleted file's path has a leading space and " (deleted)"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Mapping:
        return cls(
            int(row["PID"]),
            int(row["Start"]),
            int(row["End"]),
            str(row["Flags"]),
            int(row.get("PgOff") or 0),
            int(row.get("Inode") or 0),
            str(row["File Path"]),
        )

    @property
    def deleted(self) -> bool:
        return self.path.endswith(DELETED_SUFFIX)

    @property
    def file_name(self) -> str:
        """The path without volatility's decoration of a deleted file."""
        return self.path.strip().removesuffix(DELETED_SUFFIX.strip()).strip()


@dataclass(frozen=True)
class InjectedRegion:
    """One region of linux.malware.malfind: anonymous memory that is writable and executable."""

    pid: int
    process: str
    start: int
    end: int
    protection: str
    first_bytes: bytes  # the hexdump column: the region's first 64 bytes

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> InjectedRegion:
        hexdump = str(row.get("Hexdump") or "")
        return cls(
            int(row["PID"]),
            str(row["Process"]),
            int(row["Start"]),
            int(row["End"]),
            str(row.get("Protection") or ""),
            bytes.fromhex("".join(re.findall(r"\b[0-9a-fA-F]{2}\b", hexdump))),
        )


def module_names(rows: tuple[dict[str, Any], ...]) -> list[str]:
    """The Module Name column of linux.lsmod or linux.malware.hidden_modules, in order."""
    return [str(row["Module Name"]) for row in rows if row.get("Module Name")]


def kernel_releases(rows: tuple[dict[str, Any], ...]) -> list[str]:
    """The release (``uname -r``) of each banner banners.Banners found, in order, without repeats."""
    releases: list[str] = []
    for row in rows:
        match = _KERNEL_RELEASE.search(str(row.get("Banner") or ""))
        if match and match.group(1) not in releases:
            releases.append(match.group(1))
    return releases


def _optional_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None

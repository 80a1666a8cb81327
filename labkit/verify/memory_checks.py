"""Read each memory answer of a key back out of the RAM image with the unmodified volatility3 CLI.

Every plugin runs once per image; each fact is read by the view of its action's kind from the plugin a
trainee would use (pids from linux.pslist, or linux.psscan for a hidden task; history from linux.bash;
sockets from linux.sockstat; injected code from linux.malware.malfind...). A fact of a reverse shell's
connection is read from the capture with tshark instead (``network_checks``).
"""

from __future__ import annotations

import ipaddress
import struct
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from labkit.errors import VerificationError
from labkit.hashing import hash_file
from labkit.verify.disk_checks import Observation
from labkit.verify.volatility_cli import PLUGINS, VolatilityImage

NO_READER = "no independent reader for this fact"
PSLIST, PSSCAN, PSAUX = "linux.pslist.PsList", "linux.psscan.PsScan", "linux.psaux.PsAux"
BASH, LSOF, SOCKSTAT = "linux.bash.Bash", "linux.lsof.Lsof", "linux.sockstat.Sockstat"
MALFIND, MAPS, LSMOD = "linux.malware.malfind.Malfind", "linux.proc.Maps", "linux.lsmod.Lsmod"
KMSG, HIDDEN_MODULES = "linux.kmsg.Kmsg", "linux.malware.hidden_modules.Hidden_modules"
BOOTTIME, BANNERS = "linux.boottime.Boottime", "banners.Banners"
PAGECACHE = "linux.pagecache.Files"


class NotShown(Exception):
    """The plugin's output does not show the fact (the reason says what was missing)."""


def column(row: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in row:
            return row[name]
    raise NotShown(f"no column {' / '.join(names)} in the output")


def is_memory_image(record: Any) -> bool:
    return isinstance(record, dict) and {"kernel_release", "symbols_file"} <= record.keys()


def iso(value: Any) -> str:
    """vol's JSON times are ISO 8601 strings (UTC)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).isoformat()
    raise NotShown(f"not a time: {value!r}")


class MemoryView:
    """The facts of one memory action (or image) as volatility3 shows them."""

    views: ClassVar[list[type[MemoryView]]] = []
    #: The actions (facts.json's ``action``) whose facts this view reads; "memory image" for an image.
    kinds: ClassVar[tuple[str, ...]] = ()
    tools: ClassVar[dict[str, str]] = {}
    tool: ClassVar[str] = "vol linux.pslist"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kinds:
            MemoryView.views.append(cls)

    def __init__(self, vol: VolatilityImage, record: dict[str, Any]) -> None:
        self.vol = vol
        self.record = record

    @classmethod
    def for_record(cls, record: dict[str, Any]) -> type[MemoryView] | None:
        kind = "memory image" if is_memory_image(record) else record.get("action")
        return cls.for_kind(str(kind))

    @classmethod
    def for_kind(cls, kind: str) -> type[MemoryView] | None:
        return next((view for view in cls.views if kind in view.kinds), None)

    def observe(self, fact: str) -> Observation:
        method = getattr(self, f"fact_{fact}", None)
        if method is None:
            return Observation(None, NO_READER)
        tool = self.tools.get(fact, self.tool)
        try:
            return Observation(method(), tool)
        except NotShown as reason:
            return Observation(None, f"{tool}: {reason}")
        except VerificationError as exc:
            return Observation(None, str(exc))

    # -- shared readers ---------------------------------------------------------------------------------

    def task(self, pid: int | None = None) -> dict[str, Any]:
        """The pslist row of ``pid`` (psscan's for a task hidden from the list)."""
        pid = self.record["pid"] if pid is None else pid
        for plugin in (PSLIST, PSSCAN):
            for row in self.vol.rows(plugin):
                if column(row, "PID") == pid and column(row, "TID", "PID") == pid:
                    return row
        raise NotShown(f"no task with pid {pid}")

    def in_pslist(self, pid: int) -> bool:
        return any(column(row, "PID") == pid for row in self.vol.rows(PSLIST))

    def fact_pid(self) -> int:
        return int(column(self.task(), "PID"))

    def fact_ppid(self) -> int:
        return int(column(self.task(), "PPID"))

    def fact_name(self) -> str:
        return str(column(self.task(), "COMM"))

    def fact_uid(self) -> int:
        return int(column(self.task(), "UID"))

    def fact_started(self) -> str:
        return iso(column(self.task(), "CREATION TIME", "Creation Time"))

    def fact_parent_name(self) -> str:
        return str(column(self.task(int(column(self.task(), "PPID"))), "COMM"))

    def fact_command_line(self) -> str:
        for row in self.vol.rows(PSAUX):
            if column(row, "PID") == self.record["pid"]:
                return str(column(row, "ARGS"))
        raise NotShown(f"linux.psaux lists no pid {self.record['pid']}")

    def fact_user(self) -> str:
        # vol shows the uid; the name comes from the scenario's account table when the uid agrees.
        uid = self.fact_uid()
        if uid != self.record.get("uid"):
            raise NotShown(f"uid {uid} is not the key's {self.record.get('uid')}")
        return str(self.record["user"])


class ProcessView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("process.start",)
    tools: ClassVar[dict[str, str]] = {
        "command_line": "vol linux.psaux",
        "exe": "vol linux.proc.Maps",
        "exe_inode": "vol linux.proc.Maps",
        "exe_deleted": "vol linux.proc.Maps",
    }

    def _text_mapping(self) -> dict[str, Any]:
        for row in self.vol.rows(MAPS):
            if column(row, "PID") == self.record["pid"] and "x" in str(column(row, "Flags")):
                return row
        raise NotShown(f"no executable mapping of pid {self.record['pid']}")

    def fact_exe(self) -> str:
        return str(column(self._text_mapping(), "File Path")).strip().removesuffix(" (deleted)")

    def fact_exe_inode(self) -> int:
        return int(column(self._text_mapping(), "Inode"))

    def fact_exe_deleted(self) -> bool:
        path = str(column(self._text_mapping(), "File Path"))
        if path.endswith(" (deleted)"):
            return True
        for row in self.vol.rows(LSOF):  # maps has no marker: lsof marks an open deleted file
            if column(row, "Inode") == self.record["exe_inode"]:
                return str(column(row, "Path")).endswith("(deleted)")
        return False


class HiddenProcessView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("process.hide",)
    tool = "vol linux.psscan"

    def fact_pid(self) -> int:
        pid = self.record["pid"]
        if self.in_pslist(pid):
            raise NotShown(f"pid {pid} is still in linux.pslist: it is not hidden")
        return int(column(self.task(), "PID"))


class ShellCommandView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("shell.command",)
    tool = "vol linux.bash"

    def _entry(self) -> dict[str, Any]:
        for row in self.vol.rows(BASH):
            if (
                column(row, "PID") == self.record["shell_pid"]
                and column(row, "Command") == self.record["line"]
            ):
                return row
        raise NotShown(f"no history line {self.record['line']!r} of pid {self.record['shell_pid']}")

    def fact_line(self) -> str:
        return str(column(self._entry(), "Command"))

    def fact_time(self) -> str:
        return iso(column(self._entry(), "CommandTime"))

    def fact_shell_pid(self) -> int:
        return int(column(self._entry(), "PID"))


class SocketView(MemoryView):
    """A socket a process holds on a descriptor: sockstat for its tuple and state, lsof for its inode."""

    tool = "vol linux.sockstat"
    #: Which descriptor holds the socket (a reverse shell's is fd 0).
    fd_fact: ClassVar[str | None] = "fd"

    def descriptor(self) -> int:
        return int(self.record[self.fd_fact]) if self.fd_fact else 0

    def _socket(self) -> dict[str, Any]:
        pid, fd = self.record["pid"], self.descriptor()
        for row in self.vol.rows(SOCKSTAT):
            if column(row, "PID") == pid and column(row, "FD") == fd:
                return row
        raise NotShown(f"no socket on fd {fd} of pid {pid}")

    def _lsof_inode(self) -> int:
        pid, fd = self.record["pid"], self.descriptor()
        for row in self.vol.rows(LSOF):
            if column(row, "PID") == pid and column(row, "FD") == fd:
                return int(column(row, "Inode"))
        raise NotShown(f"no fd {fd} in pid {pid}")

    def fact_fd(self) -> int:
        return int(column(self._socket(), "FD"))

    def fact_state(self) -> str:
        return str(column(self._socket(), "State"))

    def fact_local_port(self) -> int:
        return int(column(self._socket(), "Source Port"))

    def fact_remote_ip(self) -> str:
        return str(column(self._socket(), "Destination Addr"))

    def fact_remote_port(self) -> int:
        return int(column(self._socket(), "Destination Port"))


class ReverseShellView(SocketView):
    kinds: ClassVar[tuple[str, ...]] = ("shell.reverse",)
    tools: ClassVar[dict[str, str]] = {
        "socket_inode": "vol linux.lsof",
        "state": "vol linux.sockstat",
        "local_port": "vol linux.sockstat",
        "remote_ip": "vol linux.sockstat",
        "remote_port": "vol linux.sockstat",
        "command_line": "vol linux.psaux",
    }
    fd_fact = None

    def fact_sh_pid(self) -> int:
        return self.fact_ppid()

    def fact_origin_pid(self) -> int:
        return int(column(self.task(self.fact_sh_pid()), "PPID"))

    def fact_origin_name(self) -> str:
        return str(column(self.task(self.fact_origin_pid()), "COMM"))

    def fact_socket_inode(self) -> int:
        return self._lsof_inode()


class ConnectView(SocketView):
    kinds: ClassVar[tuple[str, ...]] = ("socket.connect",)
    tools: ClassVar[dict[str, str]] = {"inode": "vol linux.lsof"}

    def fact_inode(self) -> int:
        return self._lsof_inode()


class InjectionView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("code.inject",)
    tool = "vol linux.malware.malfind"

    def _region(self) -> dict[str, Any]:
        for row in self.vol.rows(MALFIND):
            if (
                column(row, "PID") == self.record["pid"]
                and _hex(column(row, "Start")) == self.record["address"]
            ):
                return row
        raise NotShown(f"no region at {self.record['address']} in pid {self.record['pid']}")

    def fact_pid(self) -> int:
        return int(column(self._region(), "PID"))

    def fact_address(self) -> str:
        return _hex(column(self._region(), "Start"))

    def fact_end(self) -> str:
        return (
            _hex(int(column(self._region(), "End")) + 1)
            if self._inclusive()
            else _hex(column(self._region(), "End"))
        )

    def _inclusive(self) -> bool:
        end = column(self._region(), "End")
        return isinstance(end, int) and end % 2 == 1

    def fact_perms(self) -> str:
        return str(column(self._region(), "Protection")).lower().replace("vm_", "").strip()

    def fact_size(self) -> int:
        region = self._region()
        start, end = int(column(region, "Start")), int(column(region, "End"))
        return end + 1 - start if end % 2 else end - start

    def _sockaddr(self) -> tuple[str, int]:
        data = _hexdump_bytes(column(self._region(), "Hexdump"))
        at = data.find(b"\x48\xb9\x02\x00")
        if at < 0 or at + 12 > len(data):
            raise NotShown("no `mov rcx, sockaddr_in` in the region's first bytes")
        port = struct.unpack(">H", data[at + 4 : at + 6])[0]
        return str(ipaddress.IPv4Address(data[at + 6 : at + 10])), port

    def fact_connects_to(self) -> str:
        return self._sockaddr()[0]

    def fact_connects_port(self) -> int:
        return self._sockaddr()[1]


class ModuleView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("module.load",)
    tool = "vol linux.lsmod + linux.malware.hidden_modules"

    def _listed(self) -> dict[str, Any] | None:
        return next(
            (r for r in self.vol.rows(LSMOD) if column(r, "Name", "Module Name") == self.record["name"]), None
        )

    def _hidden(self) -> dict[str, Any] | None:
        return next(
            (
                r
                for r in self.vol.rows(HIDDEN_MODULES)
                if column(r, "Name", "Module Name") == self.record["name"]
            ),
            None,
        )

    def fact_name(self) -> str:
        row = self._listed() or self._hidden()
        if row is None:
            raise NotShown(f"module {self.record['name']!r} is neither listed nor found hidden")
        return str(column(row, "Name", "Module Name"))

    def fact_hidden(self) -> bool:
        if self._listed() is not None:
            return False
        if self._hidden() is not None:
            return True
        raise NotShown(f"module {self.record['name']!r} is neither listed nor found hidden")

    def fact_size(self) -> int:
        row = self._listed() or self._hidden()
        if row is None:
            raise NotShown("module not found")
        return int(column(row, "Size", "Code Size"))


class KernelLogView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("kernel.log",)
    tool = "vol linux.kmsg"
    tools: ClassVar[dict[str, str]] = {"time": "vol linux.kmsg + linux.boottime"}

    def _line(self) -> dict[str, Any]:
        for row in self.vol.rows(KMSG):
            if column(row, "line") == self.record["text"]:
                return row
        raise NotShown("the line is not in the kernel log")

    def fact_text(self) -> str:
        return str(column(self._line(), "line"))

    def fact_time(self) -> str:
        rows = self.vol.rows(BOOTTIME)
        if not rows:
            raise NotShown("linux.boottime shows no boot time")
        boot = datetime.fromisoformat(str(column(rows[0], "Boot Time")))
        return (boot + timedelta(seconds=float(column(self._line(), "timestamp")))).isoformat()

    def fact_uptime(self) -> str:
        return f"{float(column(self._line(), 'timestamp')):.6f}"


class OpenFileView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("file.open",)
    tool = "vol linux.lsof"

    def _fd(self) -> dict[str, Any]:
        for row in self.vol.rows(LSOF):
            if column(row, "PID") == self.record["pid"] and column(row, "FD") == self.record["fd"]:
                return row
        raise NotShown(f"no fd {self.record['fd']} in pid {self.record['pid']}")

    def fact_fd(self) -> int:
        return int(column(self._fd(), "FD"))

    def fact_path(self) -> str:
        return str(column(self._fd(), "Path")).strip().removesuffix(" (deleted)")

    def fact_inode(self) -> int:
        return int(column(self._fd(), "Inode"))

    def fact_deleted(self) -> bool:
        return str(column(self._fd(), "Path")).endswith("(deleted)")


class CachedFileView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("file.cached",)
    tool = "vol linux.pagecache.Files"

    def _file(self) -> dict[str, Any]:
        for row in self.vol.rows(PAGECACHE):
            if (
                column(row, "FilePath") == self.record["path"]
                and column(row, "InodeNum") == self.record["inode"]
            ):
                return row
        raise NotShown(f"{self.record['path']} (inode {self.record['inode']}) is not in the page cache")

    def fact_path(self) -> str:
        return str(column(self._file(), "FilePath"))

    def fact_inode(self) -> int:
        return int(column(self._file(), "InodeNum"))

    def fact_written(self) -> str:
        return iso(column(self._file(), "ModificationTime"))


class UnlinkView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("file.unlink",)
    tool = "vol linux.proc.Maps / linux.lsof"

    def _holders(self) -> list[int]:
        pids = {
            int(column(row, "PID"))
            for row in self.vol.rows(MAPS)
            if column(row, "Inode") == self.record["inode"]
        }
        pids |= {
            int(column(row, "PID"))
            for row in self.vol.rows(LSOF)
            if column(row, "Inode") == self.record["inode"]
        }
        return sorted(pids)

    def fact_held_by(self) -> list[int]:
        return self._holders()

    def fact_inode(self) -> int:
        for row in self.vol.rows(LSOF):
            if column(row, "Inode") == self.record["inode"] and str(column(row, "Path")).endswith(
                "(deleted)"
            ):
                return int(column(row, "Inode"))
        for row in self.vol.rows(MAPS):
            if column(row, "Inode") == self.record["inode"]:
                return int(column(row, "Inode"))
        raise NotShown("no mapping or open file with that inode")

    def fact_path(self) -> str:
        for row in self.vol.rows(MAPS):
            if column(row, "Inode") == self.record["inode"]:
                return str(column(row, "File Path")).strip().removesuffix(" (deleted)")
        raise NotShown("no mapping with that inode")


class ListenView(SocketView):
    kinds: ClassVar[tuple[str, ...]] = ("socket.listen",)

    def fact_port(self) -> int:
        return int(column(self._socket(), "Source Port"))

    def fact_address(self) -> str:
        return str(column(self._socket(), "Source Addr"))

    def fact_protocol(self) -> str:
        row = self._socket()
        if str(column(row, "Family")) == "AF_UNIX":
            return "unix"
        proto = str(column(row, "Proto")).lower()
        return proto + ("6" if "6" in str(column(row, "Family")) else "")

    def fact_inode(self) -> int:
        return self._lsof_inode()


class ImageView(MemoryView):
    kinds: ClassVar[tuple[str, ...]] = ("memory image",)
    tools: ClassVar[dict[str, str]] = {
        "md5": "hashlib",
        "sha1": "hashlib",
        "sha256": "hashlib",
        "size": "os.stat",
        "kernel_release": "vol banners.Banners",
        "banner": "vol banners.Banners",
        "booted": "vol linux.boottime",
        "hostname": "vol linux.kmsg",
        "acquisition_pid": "vol linux.pslist",
    }

    @cached_property
    def _digests(self) -> dict[str, str]:
        """MD5, SHA-1 and SHA-256 of the image file, read once (hashlib, not the writer's hashing)."""
        return hash_file(self.vol.image, ("md5", "sha1", "sha256"))

    def fact_md5(self) -> str:
        return self._digests["md5"]

    def fact_sha1(self) -> str:
        return self._digests["sha1"]

    def fact_sha256(self) -> str:
        return self._digests["sha256"]

    def fact_size(self) -> int:
        return self.vol.image.stat().st_size

    def fact_file_name(self) -> str:
        return self.vol.image.name

    def fact_banner(self) -> str:
        banners = {str(column(row, "Banner")).rstrip("\n") for row in self.vol.rows(BANNERS)}
        if len(banners) != 1:
            raise NotShown(f"{len(banners)} different banners")
        return banners.pop()

    def fact_kernel_release(self) -> str:
        return self.fact_banner().split()[2]

    def fact_booted(self) -> str:
        rows = self.vol.rows(BOOTTIME)
        if not rows:
            raise NotShown("no boot time")
        return iso(column(rows[0], "Boot Time"))

    def fact_hostname(self) -> str:
        for row in self.vol.rows(KMSG):
            line = str(column(row, "line"))
            if line.startswith("systemd[1]: Hostname set to <"):
                return line.split("<", 1)[1].rstrip(">.")
        raise NotShown("no 'Hostname set to' line in the kernel log")

    def fact_acquisition_pid(self) -> int:
        pids = [int(column(r, "PID")) for r in self.vol.rows(PSLIST) if column(r, "COMM") == "insmod"]
        if len(pids) != 1:
            raise NotShown(f"{len(pids)} insmod processes")
        return pids[0]


def _hex(value: Any) -> str:
    return f"0x{int(value):x}"


def _hexdump_bytes(text: Any) -> bytes:
    """The bytes of vol's hexdump column (`00 11 22 ...  ascii` lines)."""
    out = bytearray()
    for line in str(text).splitlines():
        for word in line.split("  ")[0].split():
            if len(word) == 2:
                try:
                    out.append(int(word, 16))
                except ValueError:
                    break
    return bytes(out)


class MemoryEvidence:
    """The memory images of one lab, each read by vol on first use; close() removes the caches."""

    def __init__(self, evidence_dir: Path, facts: dict[str, dict[str, Any]]) -> None:
        self.evidence_dir = evidence_dir
        self.facts = facts
        self._images: dict[str, VolatilityImage] = {}
        self._views: dict[str, MemoryView] = {}

    def __enter__(self) -> MemoryEvidence:
        return self

    def __exit__(self, *exc: object) -> None:
        for image in self._images.values():
            image.close()
        self._images.clear()

    def image_ids(self) -> list[str]:
        return sorted(owner for owner, record in self.facts.items() if is_memory_image(record))

    def image(self, image_id: str) -> VolatilityImage | None:
        record = self.facts.get(image_id)
        if not is_memory_image(record):
            return None
        path = self.evidence_dir / str(record["file_name"])  # type: ignore[index]
        if not path.is_file():
            return None
        if image_id not in self._images:
            self._images[image_id] = VolatilityImage(path, self.evidence_dir / "symbols")
        return self._images[image_id]

    def integrity(self, image_id: str) -> tuple[bool, str]:
        """Every plugin of the acceptance list runs without error on the image."""
        image = self.image(image_id)
        if image is None:
            return False, "the memory image is missing"
        image.prefetch(PLUGINS)
        failures = image.failures()
        if failures:
            plugin, message = sorted(failures.items())[0]
            return False, f"{len(failures)} plugin(s) failed, e.g. {plugin}: {message}"
        return True, f"{len(PLUGINS)} volatility3 plugins ran cleanly"

    def observe(self, owner: str, fact: str) -> Observation:
        record = self.facts.get(owner)
        if not isinstance(record, dict):
            return Observation(None, "no such action in the facts")
        view = MemoryView.for_record(record)
        if view is None:
            return Observation(None, NO_READER)
        image_id = owner if is_memory_image(record) else str(record.get("memory"))
        image = self.image(image_id)
        if image is None:
            return Observation(None, f"the memory image {image_id!r} is missing")
        if owner not in self._views:
            self._views[owner] = view(image, record)
        return self._views[owner].observe(fact)

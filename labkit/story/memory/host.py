"""One Linux host's state in RAM while the story runs: tasks, inodes, sockets, modules, kernel log.

Actions change it in time order; at the end it becomes a `MemoryImageSpec` for the image writer. Pids
and socket inode numbers grow with time as the kernel hands them out (the uptime's churn of cron jobs
and connections between two story processes shows as a gap); file inode numbers are those of an ext4
root file system of the host's size.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

from labkit.evidence.memory.spec import (
    Injected,
    KernelBuild,
    KmsgLine,
    MemFile,
    MemModule,
    MemoryImageSpec,
    MemProcess,
    MemSocket,
    NetworkInterface,
    OpenFile,
)
from labkit.story.base import ActionFailed
from labkit.story.memory.accounts import Account
from labkit.story.memory.programs import LIBRARIES, PROGRAMS, resolve_command

REGULAR = 0o100000
#: New pids per hour of uptime on a quiet server (cron, timers, logins, package checks).
PID_CHURN_PER_HOUR = (40, 160)
#: Churn stops short of this pid: volatility3 2.28.2's psscan skips tasks with a pid of 65535 or more as
#: implausible (Linux allows up to 4194304), and a hidden task must stay findable.
PID_CHURN_CEILING = 48_000
#: New socket inodes per hour (every connection, every DNS lookup gets one).
SOCKET_CHURN_PER_HOUR = (300, 1500)


@dataclass
class MemoryHost:
    """A Linux host of the story that will be imaged (``hosts[].memory``)."""

    host_id: str
    image_id: str
    hostname: str
    kernel: KernelBuild
    boot: datetime
    accounts: dict[str, Account]
    rng: Random
    #: The NIC as the kernel knows it (same MAC and address as on the wire); None without a network identity.
    interface: NetworkInterface | None = None
    processes: dict[int, MemProcess] = field(default_factory=dict)
    files: dict[str, MemFile] = field(default_factory=dict)
    sockets: dict[int, MemSocket] = field(default_factory=dict)
    modules: list[MemModule] = field(default_factory=list)
    kmsg: list[KmsgLine] = field(default_factory=list)
    noise: list[bytes] = field(default_factory=list)
    #: Names later actions use for processes: action ids and the baseline's handles (sshd, php_worker...).
    handles: dict[str, int] = field(default_factory=dict)
    last_pid: int = 0
    last_pid_time: datetime | None = None
    last_socket_inode: int = 0
    last_socket_time: datetime | None = None
    used_inodes: set[int] = field(default_factory=set)
    exited: set[int] = field(default_factory=set)
    #: Requests the host's web server answered: (time, client, method, target, status, bytes, user agent).
    web_requests: list[tuple[Any, ...]] = field(default_factory=list)
    #: Open reverse shells by the shell's pid (labkit.story.shell_actions.ReverseSession).
    sessions: dict[int, Any] = field(default_factory=dict)

    # -- identities -------------------------------------------------------------------------------------

    def account(self, name_or_uid: str | int) -> Account:
        for account in self.accounts.values():
            if account.name == name_or_uid or account.uid == name_or_uid:
                return account
        raise ActionFailed(
            f"no account {name_or_uid!r} on {self.host_id}; add it to hosts[].memory.accounts "
            f"(known: {', '.join(sorted(self.accounts))})"
        )

    def login(self) -> Account:
        """The first login account (uid 1000 and up)."""
        return min(
            (a for a in self.accounts.values() if a.uid >= 1000 and a.uid < 65534), key=lambda a: a.uid
        )

    def process(self, ref: str | int) -> MemProcess:
        """A running process by handle (action id or baseline name) or pid."""
        pid = ref if isinstance(ref, int) else self.handles.get(ref)
        if pid is None or pid not in self.processes:
            known = ", ".join(sorted(self.handles))
            raise ActionFailed(f"no process {ref!r} runs on {self.host_id} at this time (known: {known})")
        if pid in self.exited:
            raise ActionFailed(f"process {ref!r} (pid {pid}) has already exited on {self.host_id}")
        return self.processes[pid]

    # -- counters that grow with time -------------------------------------------------------------------

    def next_pid(self, when: datetime) -> int:
        low, high = PID_CHURN_PER_HOUR
        pid = self.last_pid + 1
        if self.last_pid_time is not None and when > self.last_pid_time:
            hours = (when - self.last_pid_time).total_seconds() / 3600
            gap = int(hours * self.rng.uniform(low, high))
            if pid + gap > PID_CHURN_CEILING:  # see PID_CHURN_CEILING: slow down near it, never wrap
                room = max(0, PID_CHURN_CEILING - pid)
                gap = room // 2 + self.rng.randrange(0, 40) if room > 200 else self.rng.randrange(0, 40)
            pid += gap
        self.last_pid, self.last_pid_time = pid, max(when, self.last_pid_time or when)
        return pid

    def next_socket_inode(self, when: datetime) -> int:
        low, high = SOCKET_CHURN_PER_HOUR
        inode = self.last_socket_inode + 1 + self.rng.randrange(0, 4)
        if self.last_socket_time is not None and when > self.last_socket_time:
            hours = (when - self.last_socket_time).total_seconds() / 3600
            inode += int(hours * self.rng.uniform(low, high))
        self.last_socket_inode, self.last_socket_time = inode, max(when, self.last_socket_time or when)
        return inode

    def new_inode(self, path: str) -> int:
        """An ext4 inode number where such a path's inode would be (low for /etc, higher for /usr, /tmp)."""
        if path.startswith("/dev/pts/"):
            return 3 + int(path.rsplit("/", 1)[1])
        if path.startswith(("/dev/", "/run/", "/proc/", "/sys/")):
            low, high = (2, 900)
        elif path.startswith("/etc/"):
            low, high = (130_000, 160_000)
        elif path.startswith(("/usr/", "/lib")):
            low, high = (260_000, 1_300_000)
        elif path.startswith("/var/"):
            low, high = (1_300_000, 1_420_000)
        else:
            low, high = (1_420_000, 2_600_000)
        while True:
            inode = self.rng.randrange(low, high)
            if inode not in self.used_inodes:
                self.used_inodes.add(inode)
                return inode

    # -- inodes -----------------------------------------------------------------------------------------

    def file(
        self,
        path: str,
        *,
        size: int | None = None,
        mode: int = REGULAR | 0o644,
        content: bytes = b"",
        mtime: datetime | None = None,
        uid: int = 0,
        gid: int = 0,
    ) -> MemFile:
        """The inode at ``path``, created on first use (a program's size from the package table)."""
        existing = self.files.get(path)
        if existing is not None and not existing.deleted:
            if content:
                existing.cached, existing.size = content, len(content)
            return existing
        if size is None:
            size = len(content) if content else PROGRAMS.get(path, (LIBRARIES.get(path, 4096),))[0]
        record = MemFile(path, self.new_inode(path), size, mode, uid, gid, mtime, cached=content)
        if existing is not None:  # a new file under the name of a deleted one: keep both inodes
            self.files[f"{path}\0{existing.inode}"] = existing
        self.files[path] = record
        return record

    def unlink(self, path: str) -> MemFile:
        record = self.files.get(path)
        if record is None or record.deleted:
            raise ActionFailed(f"{path} does not exist in {self.host_id}'s memory at this time")
        record.deleted = True
        return record

    def socket(self, when: datetime, **fields: object) -> MemSocket:
        record = MemSocket(inode=self.next_socket_inode(when), created=when, **fields)  # type: ignore[arg-type]
        self.sockets[record.inode] = record
        return record

    # -- tasks ------------------------------------------------------------------------------------------

    def spawn(
        self,
        *,
        parent: MemProcess | None,
        command: str | list[str],
        user: Account,
        when: datetime,
        env: list[str] | None = None,
        exe: str | None = None,
        comm: str | None = None,
        pid: int | None = None,
        handle: str | None = None,
        fds: list[OpenFile] | None = None,
    ) -> MemProcess:
        """Start a process: fork from ``parent`` and exec ``command`` (inheriting its environment)."""
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not argv:
            raise ActionFailed("an empty command line")
        exe = exe or resolve_command(argv[0]) or argv[0]
        if not exe.startswith("/"):
            raise ActionFailed(f"{argv[0]!r}: give the program's full path (it is not a known command)")
        if parent is not None and parent.exe == exe and exe in self.files:
            exe_file = self.files[exe]  # a fork of the same program: the same inode, deleted or not
        else:
            exe_file = self.file(exe, mode=REGULAR | 0o755)
        libraries = [self.file(lib).path for lib in PROGRAMS.get(exe, (0, ()))[1]]
        inherited = list(parent.env) if parent is not None and env is None else list(env or [])
        process = MemProcess(
            pid=pid if pid is not None else self.next_pid(when),
            ppid=parent.pid if parent is not None else 0,
            comm=(comm or exe.rsplit("/", 1)[1])[:15],
            start=when,
            uid=user.uid,
            gid=user.gid,
            argv=argv,
            env=inherited,
            exe=exe_file.path,
            libraries=libraries,
            files=list(fds) if fds is not None else _inherited_fds(parent),
        )
        self.processes[process.pid] = process
        if handle:
            self.handles[handle] = process.pid
        return process

    def kernel_thread(self, pid: int, comm: str, when: datetime, parent: int = 2) -> MemProcess:
        process = MemProcess(pid=pid, ppid=parent, comm=comm[:15], start=when, kernel_thread=True)
        self.processes[pid] = process
        self.last_pid = max(self.last_pid, pid)
        return process

    def exit(self, process: MemProcess) -> None:
        """A process that ended is gone from RAM's task lists (its children are re-parented to init)."""
        self.exited.add(process.pid)
        del self.processes[process.pid]
        for child in self.processes.values():
            if child.ppid == process.pid:
                child.ppid = 1

    def inject(self, process: MemProcess, content: bytes, perms: str = "rwx") -> int:
        process.injected.append(
            Injected(content=content, perms=perms, size=max(4096, -(-len(content) // 4096) * 4096))
        )
        return len(process.injected) - 1

    def log(self, when: datetime, text: str, level: int = 6) -> KmsgLine:
        line = KmsgLine(at=when, text=text, level=level)
        self.kmsg.append(line)
        return line

    def seconds_since_boot(self, when: datetime) -> float:
        return (when - self.boot).total_seconds()

    # -- the image --------------------------------------------------------------------------------------

    def image_spec(
        self, *, size: int, seed: int, acquired: datetime, image_format: str, fill: float
    ) -> MemoryImageSpec:
        live = {path: record for path, record in self.files.items()}
        return MemoryImageSpec(
            kernel=self.kernel,
            hostname=self.hostname,
            boot_time=self.boot,
            acquired_at=acquired,
            size=size,
            seed=seed,
            format=image_format,  # type: ignore[arg-type]
            files=list(live.values()),
            sockets=sorted(self.sockets.values(), key=lambda s: s.inode),
            processes=sorted(self.processes.values(), key=lambda p: p.pid),
            modules=list(self.modules),
            kmsg=sorted(self.kmsg, key=lambda line: line.at),
            noise=list(self.noise),
            fill=fill,
            interface=self.interface,
        )

    def after_boot(self, seconds: float) -> datetime:
        return self.boot + timedelta(seconds=seconds)


def _inherited_fds(parent: MemProcess | None) -> list[OpenFile]:
    """A child keeps its parent's standard descriptors (0, 1, 2): the terminal, a socket, /dev/null."""
    if parent is None:
        return []
    return [OpenFile(fd=f.fd, path=f.path, socket=f.socket) for f in parent.files if f.fd <= 2]


def command_line(process: MemProcess) -> str:
    """The command line as `ps`/linux.psaux show it (arguments joined by spaces)."""
    return " ".join(process.argv)

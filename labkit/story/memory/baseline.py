"""What a Linux server runs before the story starts: kernel threads, systemd's services, a login.

Pids, command lines (as the daemons rewrite them), users, listening sockets and open files follow what
`ps -ef`, `ss -tulpn` and `ls -l /proc/PID/fd` show on a fresh Ubuntu 22.04 server of each role.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from labkit.evidence.memory.spec import MemModule, MemProcess, OpenFile
from labkit.story.memory.guest_modules import UBUNTU_KVM_GUEST
from labkit.story.memory.host import MemoryHost

CHAR_DEVICE = 0o020000
SOCKET_DIR = "/run/systemd/journal/"

#: Kernel threads of a 2-CPU 5.15 guest, in the order the kernel starts them (pid gaps are real).
KERNEL_THREADS = (
    (3, "rcu_gp"),
    (4, "rcu_par_gp"),
    (5, "slub_flushwq"),
    (6, "netns"),
    (8, "kworker/0:0H"),
    (10, "mm_percpu_wq"),
    (11, "rcu_tasks_rude_"),
    (12, "rcu_tasks_trace"),
    (13, "ksoftirqd/0"),
    (14, "rcu_sched"),
    (15, "migration/0"),
    (16, "idle_inject/0"),
    (18, "cpuhp/0"),
    (19, "cpuhp/1"),
    (20, "idle_inject/1"),
    (21, "migration/1"),
    (22, "ksoftirqd/1"),
    (24, "kworker/1:0H"),
    (25, "kdevtmpfs"),
    (26, "inet_frag_wq"),
    (27, "kauditd"),
    (28, "khungtaskd"),
    (29, "oom_reaper"),
    (30, "writeback"),
    (31, "kcompactd0"),
    (32, "ksmd"),
    (33, "khugepaged"),
    (79, "kintegrityd"),
    (80, "kblockd"),
    (81, "blkcg_punt_bio"),
    (82, "tpm_dev_wq"),
    (83, "ata_sff"),
    (84, "md"),
    (85, "edac-poller"),
    (86, "devfreq_wq"),
    (87, "watchdogd"),
    (89, "kworker/1:1H"),
    (90, "kswapd0"),
    (91, "ecryptfs-kthrea"),
    (93, "kthrotld"),
    (97, "acpi_thermal_pm"),
    (99, "scsi_eh_0"),
    (100, "scsi_tmf_0"),
    (102, "vfio-irqfd-clea"),
    (104, "mld"),
    (105, "ipv6_addrconf"),
    (115, "kstrp"),
    (118, "zswap-shrink"),
    (124, "charger_manager"),
    (178, "jbd2/sda1-8"),
    (179, "ext4-rsv-conver"),
)

SERVICE_ENV = (
    "LANG=C.UTF-8",
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin",
)


def build_baseline(host: MemoryHost, role: str, first_story_time: datetime, *, lvm: bool = True) -> None:
    """Populate ``host`` with what ran before the story: boot, services of ``role``, an admin login.

    Pids are handed out in fork order, so start times grow with them: pid 1 and 2 first, then the kernel
    threads, then the services."""
    rng = host.rng
    boot = host.boot
    root = host.account("root")
    _devices(host)
    host.modules += [MemModule(name=name, size=size) for name, size in UBUNTU_KVM_GUEST]
    host.last_socket_inode = rng.randrange(14_000, 22_000)
    clock = boot + timedelta(milliseconds=rng.randrange(600, 900), microseconds=rng.randrange(1000))
    systemd = host.spawn(
        parent=None,
        command=["/sbin/init"],
        user=root,
        when=clock,
        env=[
            "HOME=/", "init=/sbin/init", "NETWORK_SKIP_ENSLAVED=", "TERM=linux",
            "BOOT_IMAGE=/boot/vmlinuz-" + host.kernel.release, "drop_caps=",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PWD=/", "rootmnt=/root",
        ],
        exe="/usr/lib/systemd/systemd",
        comm="systemd",
        pid=1,
        handle="systemd",
        fds=[OpenFile(0, "/dev/null"), OpenFile(1, "/dev/null"), OpenFile(2, "/dev/null")],
    )  # fmt: skip
    clock += timedelta(microseconds=rng.randrange(20, 400))
    host.kernel_thread(2, "kthreadd", clock, parent=0)
    threads = list(KERNEL_THREADS)
    if lvm:
        threads = [(pid, "jbd2/dm-0-8" if name == "jbd2/sda1-8" else name) for pid, name in threads]
        threads.insert(-2, (174, "kdmflush"))
    for pid, comm in threads:
        clock += timedelta(microseconds=rng.randrange(30, 9000))
        if pid >= 170:  # the root file system's threads start once the initramfs has found the disk
            clock = max(clock, boot + timedelta(seconds=2, milliseconds=rng.randrange(0, 90)))
        host.kernel_thread(pid, comm, clock)
    host.last_pid = 200
    host.last_pid_time = clock
    clock = max(clock, boot + timedelta(seconds=2)) + timedelta(milliseconds=rng.randrange(500))

    def service(
        command: list[str],
        user: str = "root",
        *,
        exe: str,
        comm: str | None = None,
        handle: str | None = None,
        step: tuple[int, int] = (20, 400),
    ) -> MemProcess:
        nonlocal clock
        clock += timedelta(milliseconds=rng.randrange(*step))
        journal = host.socket(
            clock, family="AF_UNIX", type="STREAM", state="ESTABLISHED", local_addr=SOCKET_DIR + "stdout"
        )
        env = [
            *SERVICE_ENV,
            f"INVOCATION_ID={rng.getrandbits(128):032x}",
            f"JOURNAL_STREAM=8:{journal.inode}",
        ]
        return host.spawn(
            parent=systemd,
            command=command,
            user=host.account(user),
            when=clock,
            env=env,
            exe=exe,
            comm=comm,
            handle=handle,
            fds=[
                OpenFile(0, "/dev/null"),
                OpenFile(1, socket=journal.inode),
                OpenFile(2, socket=journal.inode),
            ],
        )

    journald = service(
        ["/lib/systemd/systemd-journald"],
        exe="/usr/lib/systemd/systemd-journald",
        comm="systemd-journal",
        handle="journald",
        step=(100, 300),
    )
    for offset, name in enumerate(("socket", "stdout", "dev-log")):
        sock = host.socket(
            clock,
            family="AF_UNIX",
            type="DGRAM" if name != "stdout" else "STREAM",
            state="UNCONNECTED" if name != "stdout" else "LISTEN",
            local_addr=SOCKET_DIR + name if name != "dev-log" else "/run/systemd/journal/dev-log",
        )
        journald.files.append(OpenFile(3 + offset, socket=sock.inode))
    host.last_pid = max(host.last_pid, 300 + rng.randrange(0, 60))
    service(["/lib/systemd/systemd-udevd"], exe="/usr/lib/systemd/systemd-udevd", handle="udevd")
    host.last_pid += rng.randrange(150, 280)  # udev workers, modprobe, fsck come and go
    service(["/sbin/multipathd", "-d", "-s"], exe="/usr/sbin/multipathd", handle="multipathd")
    service(
        ["/lib/systemd/systemd-timesyncd"],
        "systemd-timesync",
        exe="/usr/lib/systemd/systemd-timesyncd",
        comm="systemd-timesyn",
    )
    service(
        ["/lib/systemd/systemd-networkd"],
        "systemd-network",
        exe="/usr/lib/systemd/systemd-networkd",
        comm="systemd-network",
    )
    resolved = service(
        ["/lib/systemd/systemd-resolved"],
        "systemd-resolve",
        exe="/usr/lib/systemd/systemd-resolved",
        comm="systemd-resolve",
    )
    _listen(host, resolved, clock, "AF_INET", "DGRAM", "127.0.0.53", 53, fd=12)
    _listen(host, resolved, clock, "AF_INET", "STREAM", "127.0.0.53", 53, fd=13)
    service(["/usr/sbin/cron", "-f", "-P"], exe="/usr/sbin/cron", handle="cron")
    dbus = service(
        [
            "@dbus-daemon",
            "--system",
            "--address=systemd:",
            "--nofork",
            "--nopidfile",
            "--systemd-activation",
            "--syslog-only",
        ],
        "messagebus",
        exe="/usr/bin/dbus-daemon",
        comm="dbus-daemon",
    )
    bus = host.socket(
        clock, family="AF_UNIX", type="STREAM", state="LISTEN", local_addr="/run/dbus/system_bus_socket"
    )
    dbus.files.append(OpenFile(3, socket=bus.inode))
    service(
        ["/usr/bin/python3", "/usr/bin/networkd-dispatcher", "--run-startup-triggers"],
        exe="/usr/bin/python3.10",
        comm="networkd-dispat",
    )
    service(["/usr/libexec/polkitd", "--no-debug"], exe="/usr/libexec/polkitd", comm="polkitd")
    rsyslog = service(["/usr/sbin/rsyslogd", "-n", "-iNONE"], "syslog", exe="/usr/sbin/rsyslogd")
    for fd, path in ((7, "/var/log/syslog"), (8, "/var/log/auth.log"), (9, "/var/log/kern.log")):
        host.file(path, mode=0o100640, uid=host.account("syslog").uid, size=rng.randrange(40_000, 900_000))
        rsyslog.files.append(OpenFile(fd, path))
    service(["/lib/systemd/systemd-logind"], exe="/usr/lib/systemd/systemd-logind")
    service(["/sbin/agetty", "-o", "-p -- \\u", "--noclear", "tty1", "linux"], exe="/usr/sbin/agetty")
    sshd = service(
        ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"],
        exe="/usr/sbin/sshd",
        comm="sshd",
        handle="sshd",
    )
    _listen(host, sshd, clock, "AF_INET", "STREAM", "0.0.0.0", 22, fd=3)
    _listen(host, sshd, clock, "AF_INET6", "STREAM", "::", 22, fd=4)
    service(
        [
            "/usr/bin/python3",
            "/usr/share/unattended-upgrades/unattended-upgrade-shutdown",
            "--wait-for-signal",
        ],
        exe="/usr/bin/python3.10",
        comm="unattended-upgr",
    )
    if role == "web-server":
        _web_server(host, service, clock)
    elif role == "database-server":
        _database_server(host, service, clock)
    _admin_login(host, first_story_time)


def _web_server(host: MemoryHost, service, clock: datetime) -> None:  # type: ignore[no-untyped-def]
    rng = host.rng
    fpm = service(
        ["php-fpm: master process (/etc/php/8.1/fpm/php-fpm.conf)"],
        exe="/usr/sbin/php-fpm8.1",
        comm="php-fpm8.1",
        handle="php_fpm",
    )
    pool = host.socket(
        clock, family="AF_UNIX", type="STREAM", state="LISTEN", local_addr="/run/php/php8.1-fpm.sock"
    )
    fpm.files.append(OpenFile(8, socket=pool.inode))
    host.file("/var/log/php8.1-fpm.log", mode=0o100600, size=rng.randrange(2_000, 40_000))
    fpm.files.append(OpenFile(7, "/var/log/php8.1-fpm.log"))
    for index in range(2):
        host.spawn(
            parent=fpm,
            command=["php-fpm: pool www"],
            user=host.account("www-data"),
            when=fpm.start + timedelta(milliseconds=rng.randrange(5, 60)),
            env=[],  # php-fpm clears its workers' environment (clear_env = yes)
            exe="/usr/sbin/php-fpm8.1",
            comm="php-fpm8.1",
            handle="php_worker" if index == 0 else f"php_worker_{index + 1}",
            fds=[
                OpenFile(0, "/dev/null"),
                OpenFile(1, "/dev/null"),
                OpenFile(2, "/dev/null"),
                OpenFile(8, socket=pool.inode),
            ],
        )
    nginx = service(
        ["nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"],
        exe="/usr/sbin/nginx",
        comm="nginx",
        handle="nginx",
    )
    sockets = [
        _listen(host, nginx, clock, "AF_INET", "STREAM", "0.0.0.0", 80, fd=6),
        _listen(host, nginx, clock, "AF_INET6", "STREAM", "::", 80, fd=7),
        _listen(host, nginx, clock, "AF_INET", "STREAM", "0.0.0.0", 443, fd=8),
    ]
    for path in ("/var/log/nginx/access.log", "/var/log/nginx/error.log"):
        host.file(path, mode=0o100640, uid=33, gid=4, size=rng.randrange(50_000, 4_000_000))
    listening = [f for f in nginx.files if f.socket is not None and f.fd > 2]
    nginx.files = [
        OpenFile(0, "/dev/null"),
        OpenFile(1, "/dev/null"),
        OpenFile(2, "/var/log/nginx/error.log"),
        OpenFile(4, "/var/log/nginx/error.log"),
        OpenFile(5, "/var/log/nginx/access.log"),
        *listening,
    ]
    for index in range(2):
        host.spawn(
            parent=nginx,
            command=["nginx: worker process"],
            user=host.account("www-data"),
            when=nginx.start + timedelta(milliseconds=rng.randrange(2, 30)),
            exe="/usr/sbin/nginx",
            comm="nginx",
            handle="nginx_worker" if index == 0 else f"nginx_worker_{index + 1}",
            fds=[
                OpenFile(0, "/dev/null"),
                OpenFile(1, "/dev/null"),
                OpenFile(2, "/var/log/nginx/error.log"),
                OpenFile(4, "/var/log/nginx/error.log"),
                OpenFile(5, "/var/log/nginx/access.log"),
                *(OpenFile(6 + i, socket=s.inode) for i, s in enumerate(sockets)),
            ],
        )


def _database_server(host: MemoryHost, service, clock: datetime) -> None:  # type: ignore[no-untyped-def]
    mysqld = service(["/usr/sbin/mysqld"], "mysql", exe="/usr/sbin/mysqld", handle="mysqld")
    _listen(host, mysqld, clock, "AF_INET", "STREAM", "127.0.0.1", 3306, fd=24)
    _listen(host, mysqld, clock, "AF_INET", "STREAM", "127.0.0.1", 33060, fd=21)
    sock = host.socket(
        clock, family="AF_UNIX", type="STREAM", state="LISTEN", local_addr="/run/mysqld/mysqld.sock"
    )
    mysqld.files.append(OpenFile(26, socket=sock.inode))
    for fd, path in (
        (3, "/var/log/mysql/error.log"),
        (4, "/var/lib/mysql/ibdata1"),
        (10, "/var/lib/mysql/undo_001"),
    ):
        host.file(path, mode=0o100640, uid=114, gid=120, size=host.rng.randrange(1, 64) * 1024 * 1024)
        mysqld.files.append(OpenFile(fd, path))


def ssh_login(
    host: MemoryHost,
    when: datetime,
    tty: str,
    environment: Callable[[], list[str]],
    *,
    handle: str,
    privileged_handle: str | None = None,
) -> MemProcess:
    """An SSH login as OpenSSH forks it: `sshd: USER [priv]` (root), `sshd: USER@pts/N`, the login shell
    `-bash` on the terminal; returns the shell. ``environment`` is asked for the shell's variables."""
    rng = host.rng
    login = host.login()
    quiet = [OpenFile(0, "/dev/null"), OpenFile(1, "/dev/null"), OpenFile(2, "/dev/null")]
    privileged = host.spawn(
        parent=host.process("sshd"),
        command=[f"sshd: {login.name} [priv]"],
        user=host.account("root"),
        when=when,
        exe="/usr/sbin/sshd",
        comm="sshd",
        handle=privileged_handle,
        fds=list(quiet),
    )
    session = host.spawn(
        parent=privileged,
        command=[f"sshd: {login.name}@{tty.removeprefix('/dev/')}"],
        user=login,
        when=when + timedelta(milliseconds=rng.randrange(300, 900)),
        exe="/usr/sbin/sshd",
        comm="sshd",
        fds=list(quiet),
    )
    host.file(tty, mode=CHAR_DEVICE | 0o620, uid=login.uid, gid=5, size=0)
    env = environment()
    return host.spawn(
        parent=session,
        command=["-bash"],
        user=login,
        when=session.start + timedelta(milliseconds=rng.randrange(40, 200)),
        exe="/usr/bin/bash",
        comm="bash",
        env=env,
        handle=handle,
        fds=[OpenFile(0, tty), OpenFile(1, tty), OpenFile(2, tty), OpenFile(255, tty)],
    )


def _admin_login(host: MemoryHost, first_story_time: datetime) -> None:
    """The administrator logged in over SSH some hours before the story and left a shell open."""
    rng = host.rng
    login = host.login()
    when = first_story_time - timedelta(hours=rng.uniform(2, 30))
    when = max(when, host.boot + timedelta(minutes=rng.randrange(10, 90)))

    def environment() -> list[str]:
        return [
            "SHELL=/bin/bash",
            f"PWD={login.home}",
            f"LOGNAME={login.name}",
            "XDG_SESSION_TYPE=tty",
            "MOTD_SHOWN=pam",
            f"HOME={login.home}",
            "LANG=C.UTF-8",
            f"USER={login.name}",
            "SHLVL=1",
            f"XDG_SESSION_ID={rng.randrange(1, 40)}",
            f"XDG_RUNTIME_DIR=/run/user/{login.uid}",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin",
            f"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{login.uid}/bus",
            "SSH_TTY=/dev/pts/0",
            "TERM=xterm-256color",
        ]

    shell = ssh_login(
        host, when, "/dev/pts/0", environment, handle="admin_shell", privileged_handle="admin_sshd"
    )
    commands = (
        "sudo apt update",
        "systemctl status nginx",
        "df -h",
        "free -m",
        "tail -n 50 /var/log/nginx/error.log",
        "uptime",
        "sudo journalctl -u ssh --since today",
        "ls -la /var/www/html",
    )
    moment = shell.start
    for command in rng.sample(commands, 4):
        moment += timedelta(seconds=rng.randrange(20, 400))
        shell.history.append((moment, command))
    host.spawn(
        parent=shell,
        command=["top"],
        user=login,
        when=moment + timedelta(seconds=rng.randrange(10, 60)),
        exe="/usr/bin/top",
        handle="admin_top",
    )


def _listen(
    host: MemoryHost,
    process: MemProcess,
    when: datetime,
    family: str,
    kind: str,
    address: str,
    port: int,
    *,
    fd: int,
):  # type: ignore[no-untyped-def]
    state = "LISTEN" if kind == "STREAM" else "UNCONNECTED"
    sock = host.socket(when, family=family, type=kind, state=state, local_addr=address, local_port=port)
    process.files.append(OpenFile(fd, socket=sock.inode))
    return sock


def _devices(host: MemoryHost) -> None:
    host.file("/dev/null", mode=CHAR_DEVICE | 0o666, size=0)
    host.file("/dev/urandom", mode=CHAR_DEVICE | 0o666, size=0)

"""How the responder acquired the RAM: an SSH session, sudo, and LiME's insmod running at dump time.

The responder copied LiME (built for this kernel) to /tmp and dumped over the network
(`path=tcp:4444`, received with `nc` on the forensic workstation), so nothing was written to the
server's disks. LiME dumps from its module's init function: the image shows the `insmod` that is
loading it, with the environment sudo gave it, the `lime` module itself, its taint messages in the
kernel log, and the responder's shell history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from labkit.evidence.memory.spec import MemModule, MemProcess, OpenFile
from labkit.story.memory.baseline import ssh_login
from labkit.story.memory.host import MemoryHost


def acquire(host: MemoryHost, acquired: datetime, image_format: str) -> MemProcess:
    """Add the acquisition's traces to ``host``; return the insmod process."""
    rng = host.rng
    login = host.login()
    start = acquired - timedelta(seconds=rng.randrange(90, 400))
    tty = "/dev/pts/1"
    start += timedelta(microseconds=rng.randrange(1_000_000))
    admin = host.processes.get(host.handles.get("admin_shell", -1))

    def environment() -> list[str]:  # the same account's login: the admin's variables, on this terminal
        return [e.replace("/dev/pts/0", tty) for e in admin.env] if admin is not None else []

    shell = ssh_login(host, start, tty, environment, handle="responder_shell")
    module = f"/tmp/lime-{host.kernel.release}.ko"
    lime_format = "lime" if image_format == "lime" else "padded"
    arguments = f"path=tcp:4444 format={lime_format}"
    typed = [
        (shell.start + timedelta(seconds=rng.randrange(8, 20), milliseconds=rng.randrange(1000)), "uname -r"),
        (
            shell.start + timedelta(seconds=rng.randrange(25, 40), milliseconds=rng.randrange(1000)),
            f"sha256sum {module}",
        ),
        (
            acquired - timedelta(seconds=rng.randrange(3, 9), milliseconds=rng.randrange(1000)),
            f'sudo insmod {module} "{arguments}"',
        ),
    ]
    shell.history.extend((when.replace(microsecond=0), line) for when, line in typed)
    sudo_start = typed[-1][0] + timedelta(
        milliseconds=rng.randrange(200, 900), microseconds=rng.randrange(1000)
    )
    sudo = host.spawn(
        parent=shell,
        command=["sudo", "insmod", module, arguments],
        user=host.account("root"),
        when=sudo_start,
        exe="/usr/bin/sudo",
    )
    reset = [  # sudo's env_reset on Ubuntu: the target user's basics plus SUDO_*
        "LANG=C.UTF-8", "TERM=xterm-256color",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin",
        "MAIL=/var/mail/root", "LOGNAME=root", "USER=root", "HOME=/root", "SHELL=/bin/bash",
        f"SUDO_COMMAND=/usr/sbin/insmod {module} {arguments}", f"SUDO_USER={login.name}",
        f"SUDO_UID={login.uid}", f"SUDO_GID={login.gid}",
    ]  # fmt: skip
    insmod = host.spawn(
        parent=sudo,
        command=["insmod", module, arguments],
        user=host.account("root"),
        when=sudo_start + timedelta(milliseconds=rng.randrange(20, 80), microseconds=rng.randrange(1000)),
        exe="/usr/bin/kmod",
        comm="insmod",
        env=reset,
    )
    insmod.files.append(OpenFile(3, module))
    host.file(
        module,
        size=rng.randrange(30_000, 60_000),
        uid=login.uid,
        gid=login.gid,
        mtime=shell.start + timedelta(seconds=rng.randrange(1, 6)),
    )
    loaded = insmod.start + timedelta(milliseconds=rng.randrange(5, 40))
    if not any(m.taints for m in host.modules):
        host.log(loaded, "lime: loading out-of-tree module taints kernel.", level=4)
        host.log(
            loaded,
            "lime: module verification failed: signature and/or required key missing - tainting kernel",
            level=4,
        )
    host.modules.insert(
        0,
        MemModule(  # lsmod lists the newest first
            name="lime", size=rng.randrange(16_384, 24_576), taints="OE"
        ),
    )
    return insmod

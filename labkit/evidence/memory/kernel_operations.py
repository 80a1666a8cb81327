"""Operation tables in the kernel's read-only data: sched classes, file and dentry operations,
protocol operations, file system type names and the taint flag table, each pointing at the
functions of the model kernel's link map (so volatility resolves them to symbol names)."""

from __future__ import annotations

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_symbols import SCHED_CLASSES, link_map

FILE_OPERATIONS = {
    "socket_file_ops": {
        "llseek": "no_llseek",
        "read_iter": "sock_read_iter",
        "write_iter": "sock_write_iter",
        "poll": "sock_poll",
        "unlocked_ioctl": "sock_ioctl",
        "compat_ioctl": "compat_sock_ioctl",
        "mmap": "sock_mmap",
        "release": "sock_close",
        "fasync": "sock_fasync",
        "sendpage": "sock_sendpage",
        "splice_read": "sock_splice_read",
        "show_fdinfo": "sock_show_fdinfo",
    },
    "ext4_file_operations": {
        "llseek": "ext4_llseek",
        "read_iter": "ext4_file_read_iter",
        "write_iter": "ext4_file_write_iter",
        "unlocked_ioctl": "ext4_ioctl",
        "mmap": "ext4_file_mmap",
        "open": "ext4_file_open",
        "release": "ext4_release_file",
        "fsync": "ext4_sync_file",
        "splice_read": "generic_file_splice_read",
        "splice_write": "iter_file_splice_write",
        "fallocate": "ext4_fallocate",
    },
    "ext4_dir_operations": {
        "llseek": "ext4_llseek",
        "read": "generic_read_dir",
        "iterate_shared": "ext4_readdir",
        "unlocked_ioctl": "ext4_ioctl",
        "fsync": "ext4_sync_file",
        "open": "ext4_dir_open",
    },
    "shmem_file_operations": {
        "llseek": "shmem_file_llseek",
        "read_iter": "shmem_file_read_iter",
        "write_iter": "generic_file_write_iter",
        "mmap": "shmem_mmap",
        "fallocate": "shmem_fallocate",
    },
    "pipefifo_fops": {
        "open": "fifo_open",
        "llseek": "no_llseek",
        "read_iter": "pipe_read",
        "write_iter": "pipe_write",
        "poll": "pipe_poll",
        "unlocked_ioctl": "pipe_ioctl",
        "release": "pipe_release",
        "fasync": "pipe_fasync",
    },
    "tty_fops": {
        "llseek": "no_llseek",
        "read_iter": "tty_read",
        "write_iter": "tty_write",
        "poll": "tty_poll",
        "unlocked_ioctl": "tty_ioctl",
        "open": "tty_open",
        "release": "tty_release",
        "fasync": "tty_fasync",
    },
    "null_fops": {
        "llseek": "null_lseek",
        "read": "read_null",
        "write": "write_null",
        "read_iter": "read_iter_null",
        "write_iter": "write_iter_null",
        "splice_write": "splice_write_null",
    },
    "random_fops": {
        "read_iter": "random_read_iter",
        "write_iter": "random_write_iter",
        "poll": "random_poll",
        "unlocked_ioctl": "random_ioctl",
        "fasync": "random_fasync",
        "llseek": "no_llseek",
    },
    "urandom_fops": {
        "read_iter": "urandom_read_iter",
        "write_iter": "random_write_iter",
        "unlocked_ioctl": "random_ioctl",
        "fasync": "random_fasync",
        "llseek": "no_llseek",
    },
    "def_chr_fops": {"open": "chrdev_open", "llseek": "no_llseek"},
    "eventpoll_fops": {
        "show_fdinfo": "ep_show_fdinfo",
        "release": "ep_eventpoll_release",
        "poll": "ep_eventpoll_poll",
        "llseek": "no_llseek",
    },
}
DENTRY_OPERATIONS = {
    "sockfs_dentry_operations": "sockfs_dname",
    "pipefs_dentry_operations": "pipefs_dname",
    "anon_inodefs_dentry_operations": "anon_inodefs_dname",
}
TAINT_FLAGS = [
    ("P", "G", True),
    ("F", " ", True),
    ("S", " ", False),
    ("R", " ", False),
    ("M", " ", False),
    ("B", " ", False),
    ("U", " ", False),
    ("D", " ", False),
    ("A", " ", False),
    ("W", " ", False),
    ("C", " ", True),
    ("I", " ", False),
    ("O", " ", True),
    ("E", " ", True),
    ("L", " ", False),
    ("K", " ", True),
    ("X", " ", True),
    ("T", " ", True),
]
FILE_SYSTEM_NAMES = {
    "ext4_fs_type": "ext4",
    "shmem_fs_type": "tmpfs",
    "dev_fs_type": "devtmpfs",
    "proc_fs_type": "proc",
    "sysfs_fs_type": "sysfs",
    "devpts_fs_type": "devpts",
    "sock_fs_type": "sockfs",
    "pipe_fs_type": "pipefs",
    "anon_inode_fs_type": "anon_inodefs",
}
PROTOCOL_NAMES = {
    "tcp_prot": "TCP",
    "udp_prot": "UDP",
    "tcpv6_prot": "TCPv6",
    "udpv6_prot": "UDPv6",
    "unix_dgram_proto": "UNIX",
    "unix_stream_proto": "UNIX-STREAM",
}


def build_operation_tables(ctx: BuildContext) -> None:
    memory, symbol = ctx.memory, ctx.symbol
    functions = {function.name for function in link_map().functions()}
    for sched in SCHED_CLASSES:
        table = memory.symbol_object(f"{sched}_sched_class")
        for member in ("enqueue_task", "dequeue_task", "pick_next_task", "task_tick"):
            if f"{member}_{sched}" in functions:
                table.set(member, symbol(f"{member}_{sched}"))
    for fops, members in FILE_OPERATIONS.items():
        table = memory.symbol_object(fops)
        for member, function in members.items():
            table.set(member, symbol(function))
    for dops, function in DENTRY_OPERATIONS.items():
        memory.symbol_object(dops).set("d_dname", symbol(function))
    taints = memory.symbol_object("taint_flags")
    taints.put(
        0, b"".join(true.encode() + false.encode() + bytes([module]) for true, false, module in TAINT_FLAGS)
    )
    names_at = symbol("fs_type_names")
    cursor = names_at
    for fs_type, name in FILE_SYSTEM_NAMES.items():
        memory.blob(cursor, name.encode() + b"\0")
        memory.symbol_object(fs_type).fill(
            {"name": cursor, "fs_flags": 0x1 if fs_type == "ext4_fs_type" else 0x8}
        )
        cursor += len(name) + 1
    for proto, name in PROTOCOL_NAMES.items():
        memory.symbol_object(proto).set("name", name.encode())
    for ops in ("inet_stream_ops", "inet_dgram_ops", "inet6_stream_ops", "inet6_dgram_ops"):
        memory.symbol_object(ops).set("family", 10 if "6" in ops else 2).set(
            "release", symbol("inet_release")
        )
    for ops in ("unix_stream_ops", "unix_dgram_ops"):
        memory.symbol_object(ops).set("family", 1).set("release", symbol("unix_release"))

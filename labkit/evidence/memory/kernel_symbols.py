"""Where the model kernel's symbols lie before KASLR: one fixed link map per kernel model, so the
ISF and the image agree. The link map mimics vmlinux's: text, rodata, data and bss in that order
from 0xffffffff81000000, function and object addresses spread the way a linker spreads them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from labkit.evidence.memory.kernel_types import kernel_types

START_KERNEL_MAP = 0xFFFFFFFF80000000
TEXT_START = 0xFFFFFFFF81000000
RODATA_START = 0xFFFFFFFF82000000
DATA_START = 0xFFFFFFFF82600000
BSS_START = 0xFFFFFFFF82C00000
IMAGE_END = 0xFFFFFFFF83000000
BANNER_SLOT = 512
LOG_BUF_SHIFT = 18  # CONFIG_LOG_BUF_SHIFT on Ubuntu and Debian: a 256 KiB ring
PRINTK_DESCS = 1 << (LOG_BUF_SHIFT - 5)
SCHED_CLASSES = ("stop", "dl", "rt", "fair", "idle")  # linker order in 5.15

FUNCTIONS = (
    "startup_64 secondary_startup_64 do_syscall_64 entry_SYSCALL_64 schedule __schedule "
    "enqueue_task_fair dequeue_task_fair yield_task_fair check_preempt_wakeup pick_next_task_fair "
    "put_prev_task_fair set_next_task_fair select_task_rq_fair task_tick_fair task_fork_fair "
    "enqueue_task_rt dequeue_task_rt pick_next_task_rt task_tick_rt enqueue_task_dl dequeue_task_dl "
    "pick_next_task_dl task_tick_dl enqueue_task_stop dequeue_task_stop pick_next_task_stop "
    "pick_next_task_idle task_tick_idle do_idle cpu_startup_entry kthread kthreadd worker_thread "
    "smpboot_thread_fn rcu_gp_kthread rescuer_thread watchdog kauditd_thread khugepaged kswapd oom_reaper "
    "kcompactd inet_sock_destruct unix_sock_destructor sock_def_destruct noqueue_enqueue pfifo_fast_enqueue "
    "pfifo_fast_dequeue sockfs_dname pipefs_dname anon_inodefs_dname simple_dname "
    "ns_dname sock_read_iter sock_write_iter sock_poll sock_ioctl compat_sock_ioctl sock_mmap "
    "sock_close sock_fasync sock_sendpage sock_splice_read sock_show_fdinfo no_llseek "
    "ext4_file_read_iter ext4_file_write_iter ext4_file_mmap ext4_file_open ext4_release_file "
    "ext4_sync_file ext4_llseek ext4_readdir ext4_dir_open ext4_ioctl ext4_fallocate "
    "generic_file_llseek generic_read_dir generic_file_splice_read iter_file_splice_write "
    "shmem_file_llseek shmem_file_read_iter generic_file_write_iter shmem_mmap shmem_fallocate "
    "pipe_read pipe_write pipe_poll pipe_ioctl fifo_open pipe_release pipe_fasync "
    "tty_read tty_write tty_poll tty_ioctl tty_open tty_release tty_fasync hung_up_tty_read "
    "read_null write_null read_iter_null write_iter_null splice_write_null null_lseek "
    "random_read_iter random_write_iter random_poll random_ioctl random_fasync urandom_read_iter "
    "chrdev_open ep_eventpoll_poll ep_eventpoll_release ep_show_fdinfo signalfd_read signalfd_poll "
    "timerfd_read timerfd_poll inotify_read inotify_poll inotify_ioctl "
    "inet_release inet_bind inet_stream_connect inet_accept inet_getname tcp_poll inet_ioctl "
    "inet_listen inet_shutdown sock_common_setsockopt sock_common_getsockopt inet_sendmsg "
    "inet_recvmsg udp_poll inet_dgram_connect inet6_release inet6_bind inet6_getname inet6_ioctl "
    "unix_release unix_bind unix_stream_connect unix_socketpair unix_accept unix_getname unix_poll "
    "unix_dgram_poll unix_ioctl unix_listen unix_shutdown unix_stream_sendmsg unix_stream_recvmsg "
    "unix_dgram_sendmsg unix_dgram_recvmsg unix_dgram_connect "
    "tcp_close tcp_v4_connect tcp_disconnect tcp_v6_connect udp_lib_close ip4_datagram_connect "
    "ip6_datagram_connect unix_close sock_def_readable sock_def_wakeup tcp_data_ready "
    "param_get_int param_get_uint param_get_long param_get_ulong param_get_ullong param_get_short "
    "param_get_ushort param_get_byte param_get_bool param_get_invbool param_get_charp "
    "param_get_string param_array_get printk vprintk_emit devkmsg_read do_exit do_group_exit "
    "kernel_clone copy_process wake_up_new_task __x64_sys_read __x64_sys_write __x64_sys_openat "
    "__x64_sys_close __x64_sys_mmap __x64_sys_execve __x64_sys_clone __x64_sys_exit_group "
    "__x64_sys_kill __x64_sys_getdents64 __x64_sys_init_module __x64_sys_delete_module "
    "filemap_fault handle_mm_fault do_page_fault asm_exc_page_fault native_irq_return_iret"
).split()


@dataclass(frozen=True)
class Symbol:
    name: str
    address: int  # link-time (unslid) virtual address
    size: int
    type: str | None  # kernel type expression; None for functions and labels


@dataclass(frozen=True)
class LinkMap:
    symbols: dict[str, Symbol]
    text_end: int
    rodata_end: int
    data_end: int

    def address(self, name: str) -> int:
        return self.symbols[name].address

    def functions(self) -> list[Symbol]:
        return [symbol for symbol in self.symbols.values() if symbol.type is None and symbol.size]


class _Section:
    def __init__(self, symbols: dict[str, Symbol], start: int) -> None:
        self.symbols = symbols
        self.cursor = start

    def place(self, name: str, type_expression: str | None, size: int, alignment: int = 64) -> Symbol:
        self.cursor = (self.cursor + alignment - 1) & -alignment
        symbol = Symbol(name, self.cursor, size, type_expression)
        self.symbols[name] = symbol
        self.cursor += size
        return symbol

    def object(self, name: str, type_expression: str, alignment: int = 64) -> Symbol:
        return self.place(name, type_expression, kernel_types().size_of(type_expression), alignment)


def _spacing(name: str) -> int:
    """A function's distance to the next one, stable per name (the linker's order is arbitrary too)."""
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")
    return 0x4000 + (digest % 0x18000) & ~0xF


@cache
def link_map() -> LinkMap:
    symbols: dict[str, Symbol] = {}
    text = _Section(symbols, TEXT_START)
    symbols["_text"] = Symbol("_text", TEXT_START, 0, None)
    symbols["_stext"] = Symbol("_stext", TEXT_START, 0, None)
    for name in FUNCTIONS:
        text.place(name, None, 0x80 + (_spacing(name) % 0x700), alignment=16)
        text.cursor += _spacing(name)
    text_end = (text.cursor + 0xFFF) & ~0xFFF
    symbols["_etext"] = Symbol("_etext", text_end, 0, None)

    rodata = _Section(symbols, RODATA_START)
    symbols["__start_rodata"] = Symbol("__start_rodata", RODATA_START, 0, None)
    rodata.place("linux_banner", "char[0]", BANNER_SLOT, alignment=32)
    for sched in SCHED_CLASSES:
        rodata.object(f"{sched}_sched_class", "sched_class", alignment=32)
    for fops in (
        "socket_file_ops ext4_file_operations ext4_dir_operations shmem_file_operations pipefifo_fops "
        "tty_fops null_fops zero_fops random_fops urandom_fops def_chr_fops eventpoll_fops signalfd_fops "
        "timerfd_fops inotify_fops"
    ).split():
        rodata.object(fops, "file_operations")
    for dops in "sockfs_dentry_operations pipefs_dentry_operations anon_inodefs_dentry_operations".split():
        rodata.object(dops, "dentry_operations")
    protocol_operations = (
        "inet_stream_ops inet_dgram_ops inet6_stream_ops inet6_dgram_ops unix_stream_ops unix_dgram_ops"
    )
    for ops in protocol_operations.split():
        rodata.object(ops, "proto_ops")
    rodata.object("taint_flags", "taint_flag[18]", alignment=16)
    rodata.object("pfifo_fast_ops", "Qdisc_ops")
    rodata.object("noqueue_qdisc_ops", "Qdisc_ops")
    rodata.place("fs_type_names", None, 256, alignment=16)
    rodata_end = (rodata.cursor + 0xFFF) & ~0xFFF

    data = _Section(symbols, DATA_START)
    symbols["_sdata"] = Symbol("_sdata", DATA_START, 0, None)
    for table in ("init_top_pgt", "level3_kernel_pgt", "level2_kernel_pgt"):
        data.object(table, "pgd_t[512]", alignment=0x2000 if table == "init_top_pgt" else 0x1000)
    data.object("init_task", "task_struct")
    for name, type_expression in (
        ("init_mm", "mm_struct"),
        ("init_files", "files_struct"),
        ("init_fs", "fs_struct"),
        ("init_cred", "cred"),
        ("init_signals", "signal_struct"),
        ("init_sighand", "sighand_struct"),
        ("init_nsproxy", "nsproxy"),
        ("init_uts_ns", "uts_namespace"),
        ("init_time_ns", "time_namespace"),
        ("init_pid_ns", "pid_namespace"),
        ("init_user_ns", "user_namespace"),
        ("init_net", "net"),
        ("net_namespace_list", "list_head"),
        ("modules", "list_head"),
        ("module_kset", "*kset"),
        ("mod_tree", "mod_tree_root"),
        ("tk_core", "unnamed_tk_core"),
        ("prb", "*printk_ringbuffer"),
        ("printk_rb_static", "printk_ringbuffer"),
        ("log_buf", "*char"),
        ("log_buf_len", "u32"),
        ("page_offset_base", "ulong"),
        ("vmalloc_base", "ulong"),
        ("vmemmap_base", "ulong"),
        ("mem_section", "**void"),
        ("cap_last_cap", "int"),
        ("jiffies", "ulong"),
        ("jiffies_64", "u64"),
        ("ext4_fs_type", "file_system_type"),
        ("shmem_fs_type", "file_system_type"),
        ("dev_fs_type", "file_system_type"),
        ("proc_fs_type", "file_system_type"),
        ("sysfs_fs_type", "file_system_type"),
        ("devpts_fs_type", "file_system_type"),
        ("sock_fs_type", "file_system_type"),
        ("pipe_fs_type", "file_system_type"),
        ("anon_inode_fs_type", "file_system_type"),
        ("iomem_resource", "resource"),
        ("tcp_prot", "proto"),
        ("udp_prot", "proto"),
        ("tcpv6_prot", "proto"),
        ("udpv6_prot", "proto"),
        ("unix_dgram_proto", "proto"),
        ("unix_stream_proto", "proto"),
    ):
        data.object(name, type_expression)
    data.object("vdso_image_64", "char[8192]", alignment=0x1000)
    data.object("_printk_rb_static_descs", f"prb_desc[{PRINTK_DESCS}]", alignment=0x1000)
    data.object("_printk_rb_static_infos", f"printk_info[{PRINTK_DESCS}]", alignment=0x1000)
    data_end = (data.cursor + 0xFFF) & ~0xFFF
    symbols["_edata"] = Symbol("_edata", data_end, 0, None)

    bss = _Section(symbols, BSS_START)
    symbols["__bss_start"] = Symbol("__bss_start", BSS_START, 0, None)
    bss.object("__log_buf", f"char[{1 << LOG_BUF_SHIFT}]", alignment=0x1000)
    symbols["_end"] = Symbol("_end", IMAGE_END, 0, None)
    if not (
        text_end <= RODATA_START
        and rodata_end <= DATA_START
        and data_end <= BSS_START < bss.cursor <= IMAGE_END
    ):
        raise AssertionError("kernel link map sections overlap")
    return LinkMap(symbols, text_end, rodata_end, data_end)

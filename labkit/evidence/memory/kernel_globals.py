"""The kernel's own data at fixed symbols: banner, namespaces, init_mm/init_files/init_fs/init_cred,
the timekeeper, operation tables (sched classes, file and dentry operations) pointing at functions,
file system types, taint flags and the memory-layout variables KASLR randomised."""

from __future__ import annotations

import re

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.clock import NSEC
from labkit.evidence.memory.kernel_operations import build_operation_tables
from labkit.evidence.memory.physical import PAGE_SHIFT
from labkit.evidence.memory.task_files import fill_files_struct
from labkit.evidence.memory.tasks import CAP_FULL

NS_INUM = {
    "ipc": 4026531839,
    "uts": 4026531838,
    "user": 4026531837,
    "pid": 4026531836,
    "cgroup": 4026531835,
    "time": 4026531834,
    "net": 4026531992,
}
HZ, INITIAL_JIFFIES = 250, 0xFFFEDB08  # CONFIG_HZ=250; INITIAL_JIFFIES = -300 * HZ


def build_kernel_globals(ctx: BuildContext, kernel_threads: int, user_tasks: int, init_pid: int) -> None:
    memory, layout, spec = ctx.memory, ctx.layout, ctx.spec
    banner = spec.kernel.banner.encode()
    memory.blob(layout.symbol("linux_banner"), banner + b"\0")
    version = re.search(rb"(#\S.*)$", banner.rstrip(b"\n"))
    uts = memory.symbol_object("init_uts_ns")
    uts.fill(
        {
            "name.sysname": b"Linux",
            "name.nodename": spec.hostname.encode()[:64],
            "name.release": spec.kernel.release.encode()[:64],
            "name.version": (version.group(1) if version else b"#1 SMP")[:64],
            "name.machine": b"x86_64",
            "name.domainname": b"(none)",
            "ns.inum": NS_INUM["uts"],
            "ns.count.refs.counter": user_tasks + 2,
            "user_ns": ctx.symbol("init_user_ns"),
        }
    )
    memory.symbol_object("init_user_ns").fill(
        {"uid_map[0]": 1, "uid_map[3]": 0xFFFFFFFF, "ns.inum": NS_INUM["user"], "ns.count.refs.counter": 40}
    )
    memory.symbol_object("init_pid_ns").fill(
        {
            "ns.inum": NS_INUM["pid"],
            "child_reaper": init_pid,
            "user_ns": ctx.symbol("init_user_ns"),
            "ns.count.refs.counter": 2,
        }
    )
    memory.symbol_object("init_time_ns").fill(
        {"ns.inum": NS_INUM["time"], "ns.count.refs.counter": 3, "user_ns": ctx.symbol("init_user_ns")}
    )
    memory.symbol_object("init_nsproxy").fill(
        {
            "count.counter": kernel_threads + user_tasks + 1,
            "uts_ns": uts.address,
            "mnt_ns": ctx.vfs.namespace.address,
            "pid_ns_for_children": ctx.symbol("init_pid_ns"),
            "net_ns": ctx.symbol("init_net"),
            "time_ns": ctx.symbol("init_time_ns"),
            "time_ns_for_children": ctx.symbol("init_time_ns"),
        }
    )
    cred = memory.symbol_object("init_cred")
    cred.fill({"usage.counter": kernel_threads + 4, "user_ns": ctx.symbol("init_user_ns")})
    for name in ("cap_permitted", "cap_effective", "cap_bset"):
        cred.set(f"{name}.cap[0]", CAP_FULL[0]).set(f"{name}.cap[1]", CAP_FULL[1])
    files = memory.symbol_object("init_files")
    fill_files_struct(files, memory, ctx.slab, {})
    files.set("count.counter", kernel_threads + 1)
    root = ctx.vfs.mounted["/"]
    assert root.root_dentry is not None
    memory.symbol_object("init_fs").fill(
        {
            "users": kernel_threads + 1,
            "umask": 0o022,
            "root.mnt": root.vfsmount,
            "root.dentry": root.root_dentry.address,
            "pwd.mnt": root.vfsmount,
            "pwd.dentry": root.root_dentry.address,
        }
    )
    init_mm = memory.symbol_object("init_mm")
    init_mm.fill(
        {
            "pgd": ctx.symbol("init_top_pgt"),
            "mm_users.counter": 2,
            "mm_count.counter": 1,
            "start_code": ctx.symbol("_text"),
            "end_code": ctx.symbol("_etext"),
            "start_data": ctx.symbol("_sdata"),
            "end_data": ctx.symbol("_edata"),
            "brk": ctx.symbol("_end"),
            "user_ns": ctx.symbol("init_user_ns"),
            "task_size": 0x7FFFFFFFF000,
        }
    )
    init_mm.empty_list("mmlist")
    _timekeeping(ctx)
    build_operation_tables(ctx)
    for symbol, value in (
        ("page_offset_base", layout.page_offset_base),
        ("vmalloc_base", layout.vmalloc_base),
        ("vmemmap_base", layout.vmemmap_base),
        ("mem_section", ctx.slab.kmalloc(4096)),
    ):
        memory.symbol_object(symbol).put(0, value.to_bytes(8, "little"))
    memory.symbol_object("cap_last_cap").put(0, (40).to_bytes(4, "little"))


def _timekeeping(ctx: BuildContext) -> None:
    clock = ctx.clock
    uptime = clock.uptime_ns
    keeper = ctx.memory.symbol_object("tk_core")
    wall_to_monotonic = -clock.boot_ns
    keeper.fill(
        {
            "seq": 2 * (uptime // (NSEC // HZ)) & 0xFFFFFFFF,
            "timekeeper.tkr_mono.base": uptime,
            "timekeeper.tkr_mono.mult": 0x8000000,
            "timekeeper.tkr_mono.shift": 24,
            "timekeeper.tkr_mono.mask": 0xFFFFFFFFFFFFFFFF,
            "timekeeper.tkr_mono.base_real": clock.acquired_ns,
            "timekeeper.tkr_raw.base": uptime,
            "timekeeper.tkr_raw.mult": 0x8000000,
            "timekeeper.tkr_raw.shift": 24,
            "timekeeper.xtime_sec": clock.acquired_ns // NSEC,
            "timekeeper.ktime_sec": uptime // NSEC,
            "timekeeper.wall_to_monotonic.tv_sec": wall_to_monotonic // NSEC,
            "timekeeper.wall_to_monotonic.tv_nsec": wall_to_monotonic % NSEC,
            "timekeeper.offs_real": clock.boot_ns,
            "timekeeper.offs_boot": 0,
            "timekeeper.offs_tai": clock.boot_ns,
            "timekeeper.raw_sec": uptime // NSEC,
            "timekeeper.clock_was_set_seq": 3,
            "timekeeper.next_leap_ktime": 0x7FFFFFFFFFFFFFFF,
            "timekeeper.ntp_error_shift": 8,
        }
    )
    jiffies = (INITIAL_JIFFIES + uptime * HZ // NSEC) & 0xFFFFFFFFFFFFFFFF
    ctx.memory.symbol_object("jiffies").put(0, jiffies.to_bytes(8, "little"))
    ctx.memory.symbol_object("jiffies_64").put(0, jiffies.to_bytes(8, "little"))


def vdso_frames(ctx: BuildContext) -> list[int]:
    """The vDSO image lives in the kernel's data; every process maps the same two frames."""
    start = ctx.layout.symbol_physical("vdso_image_64") >> PAGE_SHIFT
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00\x3e\x00\x01\x00\x00\x00"
    ctx.memory.blob(
        ctx.symbol("vdso_image_64"),
        header + bytes(0x300 - len(header)) + b"linux-vdso.so.1\0LINUX_2.6\0"
        b"__vdso_clock_gettime\0__vdso_gettimeofday\0__vdso_time\0__vdso_getcpu\0__vdso_clock_getres\0",
    )
    return [start, start + 1]

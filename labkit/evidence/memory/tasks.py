"""Tasks: init_task (swapper/0) and one task_struct per spec process with its credentials, signal
and sighand structs, fs and files, linked into init_task.tasks (unless hidden by a rootkit's
list_del()), into their parents' children lists and into their own thread group."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_object import LIST_POISON1, LIST_POISON2, KernelObject, link_list
from labkit.evidence.memory.pids import build_pids
from labkit.evidence.memory.spec import MemProcess
from labkit.evidence.memory.task_files import build_fs_struct, fill_files_struct
from labkit.evidence.memory.user_space import UserSpace, build_user_space

SocketFiles = Callable[[int, MemProcess, int], int]  # (socket inode, owner, its cred) -> struct file
PF_IDLE, PF_WQ_WORKER, PF_FORKNOEXEC, PF_SUPERPRIV, PF_NOFREEZE = 0x2, 0x20, 0x40, 0x100, 0x8000
PF_KTHREAD, PF_RANDOMIZE, PF_NO_SETAFFINITY = 0x200000, 0x400000, 0x4000000
TASK_RUNNING, TASK_INTERRUPTIBLE, SIGCHLD = 0, 1, 17
CAP_FULL = (0xFFFFFFFF, 0x1FF)  # CAP_LAST_CAP 40 on 5.15
RESCUERS = {
    "rcu_gp",
    "rcu_par_gp",
    "slub_flushwq",
    "netns",
    "mm_percpu_wq",
    "kblockd",
    "kintegrityd",
    "md",
    "edac-poller",
    "devfreq_wq",
    "watchdogd",
    "kthrotld",
    "mld",
    "ipv6_addrconf",
    "kstrp",
    "ata_sff",
    "cryptd",
    "inet_frag_wq",
    "tpm_dev_wq",
    "blkcg_punt_bio",
    "kaluad",
    "kmpath_rdacd",
}
THREAD_FUNCTIONS = {
    "kauditd": "kauditd_thread",
    "khugepaged": "khugepaged",
    "kswapd0": "kswapd",
    "oom_reaper": "oom_reaper",
    "kcompactd0": "kcompactd",
}
DEFAULT_RLIMITS = (
    (-1, -1),
    (-1, -1),
    (-1, -1),
    (8 << 20, -1),
    (0, -1),
    (-1, -1),
    (15408, 15408),
    (1024, 524288),
    (8 << 20, 8 << 20),
    (-1, -1),
    (-1, -1),
    (15408, 15408),
    (819200, 819200),
    (0, 0),
    (0, 0),
    (-1, -1),
)


@dataclass
class BuiltTask:
    process: MemProcess
    task: KernelObject
    user: UserSpace | None


def build_tasks(ctx: BuildContext, socket_file: SocketFiles) -> tuple[KernelObject, dict[int, BuiltTask]]:
    init_task = _init_task(ctx)
    processes = sorted(ctx.spec.processes, key=lambda process: (process.start, process.pid))
    built: dict[int, BuiltTask] = {}
    for process in processes:
        built[process.pid] = _task(ctx, process, socket_file)
    by_pid = {pid: entry.task for pid, entry in built.items()}
    children: dict[int, list[tuple[KernelObject, str]]] = {}
    for process in processes:
        task = built[process.pid].task
        parent = by_pid.get(process.ppid, init_task)
        task.set("real_parent", parent.address).set("parent", parent.address)
        children.setdefault(parent.address, []).append((task, "sibling"))
    for entry in [init_task, *by_pid.values()]:
        if entry.address in children:
            link_list(entry, "children", children[entry.address])
        else:
            entry.empty_list("children")
    build_pids(ctx, [(process, built[process.pid].task) for process in processes])
    visible = [(built[p.pid].task, "tasks") for p in processes if not p.hidden]
    link_list(init_task, "tasks", visible)
    for process in processes:
        if process.hidden:  # list_del(&task->tasks)
            built[process.pid].task.set("tasks.next", LIST_POISON1).set("tasks.prev", LIST_POISON2)
    return init_task, built


def _common(ctx: BuildContext, task: KernelObject, signal: KernelObject, sighand: KernelObject) -> None:
    for list_head in (
        "ptraced",
        "ptrace_entry",
        "thread_group",
        "pending.list",
        "cg_list",
        "perf_event_list",
    ):
        task.empty_list(list_head)
    link_list(signal, "thread_head", [(task, "thread_node")])
    signal.fill({"sigcnt.refs.counter": 1, "live.counter": 1, "nr_threads": 1, "curr_target": task.address})
    for index, (current, maximum) in enumerate(DEFAULT_RLIMITS):
        signal.set(f"rlim[{index}].rlim_cur", current).set(f"rlim[{index}].rlim_max", maximum)
    for list_head in ("shared_pending.list", "posix_timers"):
        signal.empty_list(list_head)
    sighand.set("count.refs.counter", 1)
    task.fill(
        {
            "signal": signal.address,
            "sighand": sighand.address,
            "group_leader": task.address,
            "nsproxy": ctx.symbol("init_nsproxy"),
            "usage.refs.counter": 2,
            "exit_signal": SIGCHLD,
            "stack_canary": ctx.seeds.rng("canary", task.address).getrandbits(64) & ~0xFF,
            "timer_slack_ns": 50000,
            "default_timer_slack_ns": 50000,
            "stack_refcount.refs.counter": 1,
        }
    )


def _init_task(ctx: BuildContext) -> KernelObject:
    task = ctx.memory.symbol_object("init_task")
    signal = ctx.memory.symbol_object("init_signals")
    sighand = ctx.memory.symbol_object("init_sighand")
    _common(ctx, task, signal, sighand)
    task.fill(
        {
            "comm": b"swapper/0",
            "flags": PF_KTHREAD | PF_IDLE,
            "__state": TASK_RUNNING,
            "prio": 120,
            "static_prio": 120,
            "normal_prio": 120,
            "sched_class": ctx.symbol("idle_sched_class"),
            "active_mm": ctx.symbol("init_mm"),
            "real_parent": task.address,
            "parent": task.address,
            "cred": ctx.symbol("init_cred"),
            "real_cred": ctx.symbol("init_cred"),
            "fs": ctx.symbol("init_fs"),
            "files": ctx.symbol("init_files"),
            "stack": ctx.layout.symbol("__bss_start") - 0x4000,
        }
    )
    return task


def _task(ctx: BuildContext, process: MemProcess, socket_file: SocketFiles) -> BuiltTask:
    rng = ctx.seeds.rng("task", process.pid)
    task = ctx.memory.object("task_struct", ctx.slab.allocate("task_struct"))
    signal = ctx.memory.object("signal_struct", ctx.slab.allocate("signal_cache"))
    sighand = ctx.memory.object("sighand_struct", ctx.slab.allocate("sighand_cache"))
    _common(ctx, task, signal, sighand)
    comm = process.comm.encode()[:15]
    started = ctx.clock.task_start(process.start)
    runtime = rng.randrange(1, 400) * 1_000_000
    prio, sched, policy = 120, "fair_sched_class", 0
    if process.kernel_thread:
        flags = PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC
        if comm.startswith(b"kworker/"):
            flags |= PF_WQ_WORKER | PF_NO_SETAFFINITY
            prio = 100 if comm.rstrip(b"-").split(b"-")[0].endswith(b"H") else 120
        if comm.decode(errors="replace") in RESCUERS:
            prio = 100
        if comm.startswith(b"migration/"):
            prio, sched, policy = 0, "stop_sched_class", 1
        cred = ctx.symbol("init_cred")
        if process.pid != 2:  # every kernel thread but kthreadd runs kthread() with its own struct kthread
            task.set("set_child_tid", _kthread(ctx, comm.decode(errors="replace"), rng))
        fs, files, mm, active_mm = ctx.symbol("init_fs"), ctx.symbol("init_files"), 0, ctx.symbol("init_mm")
        user = None
    else:
        euid = process.euid if process.euid is not None else process.uid
        flags = PF_RANDOMIZE | (PF_SUPERPRIV if euid == 0 else 0)
        cred = _cred(ctx, process)
        cwd = next((entry.split("=", 1)[1] for entry in process.env if entry.startswith("PWD=")), "/")
        fs = build_fs_struct(ctx.memory, ctx.slab, ctx.vfs, cwd)
        files_object = ctx.memory.object("files_struct", ctx.slab.allocate("files_cache"))
        descriptors = {
            opened.fd: ctx.vfs.open(opened.path, cred)
            if opened.path is not None
            else socket_file(opened.socket or 0, process, cred)
            for opened in process.files
        }
        fill_files_struct(files_object, ctx.memory, ctx.slab, descriptors)
        files = files_object.address
        user = build_user_space(ctx, process, task.address, cred)
        mm = active_mm = user.mm
    task.fill(
        {
            "pid": process.pid,
            "tgid": process.pid,
            "comm": comm,
            "flags": flags,
            "__state": TASK_INTERRUPTIBLE,
            "prio": prio,
            "static_prio": 120 if prio == 0 else prio,
            "normal_prio": prio,
            "policy": policy,
            "rt_priority": 99 if policy else 0,
            "sched_class": ctx.symbol(sched),
            "mm": mm,
            "active_mm": active_mm,
            "cred": cred,
            "real_cred": cred,
            "fs": fs,
            "files": files,
            "start_time": started,
            "start_boottime": started,
            "utime": runtime * 2 // 3,
            "stime": runtime // 3,
            "se.sum_exec_runtime": runtime,
            "nvcsw": rng.randrange(1, 50000),
            "nivcsw": rng.randrange(0, 900),
            "min_flt": rng.randrange(100, 20000) if not process.kernel_thread else 0,
            "cpu": rng.randrange(2),
            "loginuid.val": process.uid if not process.kernel_thread and process.uid else 0xFFFFFFFF,
            "sessionid": 0xFFFFFFFF,
            "nr_cpus_allowed": 2,
            "se.on_rq": 0,
            "stack": ctx.layout.vmalloc_base + 0x4000 * (2 * process.pid + 1),
        }
    )
    return BuiltTask(process, task, user)


def _cred(ctx: BuildContext, process: MemProcess) -> int:
    cred = ctx.memory.object("cred", ctx.slab.allocate("cred_jar"))
    euid = process.euid if process.euid is not None else process.uid
    egid = process.egid if process.egid is not None else process.gid
    cred.fill(
        {
            "usage.counter": 1,
            "uid.val": process.uid,
            "gid.val": process.gid,
            "suid.val": euid,
            "sgid.val": egid,
            "euid.val": euid,
            "egid.val": egid,
            "fsuid.val": euid,
            "fsgid.val": egid,
            "user_ns": ctx.symbol("init_user_ns"),
        }
    )
    for name in ("cap_bset", *(("cap_permitted", "cap_effective") if euid == 0 else ())):
        cred.set(f"{name}.cap[0]", CAP_FULL[0]).set(f"{name}.cap[1]", CAP_FULL[1])
    return cred.address


def _kthread(ctx: BuildContext, comm: str, rng: random.Random) -> int:
    """struct kthread, which a 5.15 kernel keeps in the task's set_child_tid."""
    name = comm.split("/")[0].split("-")[0]
    if comm.startswith("kworker/"):
        function = "worker_thread"
    elif "/" in comm and name in ("ksoftirqd", "migration", "cpuhp", "watchdog", "idle_inject"):
        function = "smpboot_thread_fn"
    elif name in ("rcu_sched", "rcu_preempt"):
        function = "rcu_gp_kthread"
    else:
        function = THREAD_FUNCTIONS.get(name, "rescuer_thread" if name in RESCUERS else "worker_thread")
    kthread = ctx.memory.object("kthread", ctx.slab.kmalloc(128))
    kthread.fill({"cpu": rng.randrange(2), "threadfn": ctx.symbol(function), "data": ctx.slab.kmalloc(64)})
    return kthread.address

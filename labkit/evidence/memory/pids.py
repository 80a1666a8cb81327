"""struct pid for every task and the IDR of the initial PID namespace (an XArray indexed by pid
number), which linux.pidhashtable walks. A hidden task's pid is removed from the IDR, as a rootkit
that also unhashes its pid does."""

from __future__ import annotations

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.spec import MemProcess
from labkit.evidence.memory.xarray import build_xarray

PIDTYPE_PID, PIDTYPE_TGID = 0, 1


def build_pids(ctx: BuildContext, tasks: list[tuple[MemProcess, KernelObject]]) -> None:
    memory, slab = ctx.memory, ctx.slab
    namespace = memory.symbol_object("init_pid_ns")
    entries: dict[int, int] = {}
    for process, task in tasks:
        pid = memory.object("pid", slab.allocate("pid"))
        pid.fill(
            {
                "count.refs.counter": 3,
                "level": 0,
                "numbers[0].nr": process.pid,
                "numbers[0].ns": namespace.address,
            }
        )
        for kind in (PIDTYPE_PID, PIDTYPE_TGID):  # hlist of the tasks using this pid as PID and as TGID
            pid.set(f"tasks[{kind}].first", task.address_of(f"pid_links[{kind}]"))
            task.set(f"pid_links[{kind}].pprev", pid.address_of(f"tasks[{kind}]"))
        task.set("thread_pid", pid.address)
        if not process.hidden:
            entries[process.pid] = pid.address
    highest = max(entries, default=0)
    namespace.fill(
        {
            "idr.idr_rt.xa_flags": 0x4000000 | 0x400,  # XA_FLAGS_LOCK_IRQ | XA_FLAGS_ALLOC
            "idr.idr_rt.xa_head": build_xarray(memory, slab, entries, namespace.address_of("idr.idr_rt")),
            "idr.idr_next": highest + 1,
            "level": 0,
        }
    )

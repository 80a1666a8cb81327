"""What a long-running kernel leaves behind: freed slab objects keep old bytes, and the scenario's
noise fragments lie scattered in free pages and in freed kmalloc objects."""

from __future__ import annotations

import random

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.physical import PAGE_SIZE

# Caches whose stale objects get only pointer-like data: never anything a scanner could take for a
# live task, module or socket (no sched_class pointer, no "swapper/0", no self-referencing module).
_OBJECT_CACHES = (
    "task_struct",
    "signal_cache",
    "sighand_cache",
    "mm_struct",
    "files_cache",
    "cred_jar",
    "sock_inode_cache",
    "TCP",
    "TCPv6",
    "UDP",
    "UDPv6",
    "UNIX",
    "mnt_cache",
    "radix_tree_node",
)


def fill_stale_slab_objects(ctx: BuildContext, rng: random.Random) -> None:
    fragments = list(ctx.spec.noise)
    for cache, address, size in ctx.slab.stale_slots():
        roll = rng.random()
        if roll < 0.45:
            continue  # never used since the slab was allocated: zeros
        if cache.startswith("kmalloc-") and fragments and size >= 32 and rng.random() < 0.2:
            fragment = fragments.pop(0)[: size - 16]
            ctx.memory.blob(address + 8, fragment)
            continue
        if cache in _OBJECT_CACHES or cache in ("dentry", "filp", "vm_area_struct", "pid", "fs_cache"):
            kind = "kernel_objects"
        else:
            kind = rng.choice(("text", "kernel_objects", "user_data"))
        ctx.memory.blob(address, ctx.noise.slice(kind, size, rng))


def plan_overlays(ctx: BuildContext, rng: random.Random) -> dict[int, list[tuple[int, bytes]]]:
    """Each noise fragment in one or two free pages, at a random offset."""
    overlays: dict[int, list[tuple[int, bytes]]] = {}
    used, total = ctx.frames.used, ctx.frames.total_pages
    for fragment in ctx.spec.noise:
        for _copy in range(rng.choice((1, 1, 2))):
            for _attempt in range(1000):
                pfn = rng.randrange(256, total)
                if not used[pfn] and pfn not in overlays:
                    break
            else:
                continue
            piece = fragment[:PAGE_SIZE]
            overlays[pfn] = [(rng.randrange(0, PAGE_SIZE - len(piece) + 1), piece)]
    return overlays

"""SLUB-style object caches: objects of one kind share slabs of 2^order pages and are handed out
in a shuffled order (CONFIG_SLAB_FREELIST_RANDOM, on in Ubuntu and Debian kernels), so related
objects end up scattered, and the slots never handed out keep stale bytes from earlier owners."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from labkit.evidence.memory.address_space import KernelMemory
from labkit.evidence.memory.physical import PAGE_SIZE

# name: (object size, slab order); sizes as /proc/slabinfo shows them on a 5.15 generic kernel.
CACHES: dict[str, tuple[int, int]] = {
    "task_struct": (9856, 3),
    "mm_struct": (1088, 3),
    "vm_area_struct": (200, 0),
    "cred_jar": (192, 0),
    "files_cache": (704, 3),
    "fs_cache": (64, 0),
    "filp": (256, 1),
    "dentry": (192, 0),
    "ext4_inode_cache": (1184, 3),
    "shmem_inode_cache": (768, 2),
    "proc_inode_cache": (704, 3),
    "inode_cache": (624, 3),
    "sock_inode_cache": (768, 3),
    "TCP": (2432, 3),
    "TCPv6": (2624, 3),
    "UDP": (1152, 3),
    "UDPv6": (1344, 3),
    "UNIX": (1088, 3),
    "signal_cache": (1088, 3),
    "sighand_cache": (2112, 3),
    "pid": (128, 0),
    "mnt_cache": (320, 2),
    "radix_tree_node": (576, 2),
    "kmalloc-8": (8, 0),
    "kmalloc-16": (16, 0),
    "kmalloc-32": (32, 0),
    "kmalloc-64": (64, 0),
    "kmalloc-96": (96, 0),
    "kmalloc-128": (128, 0),
    "kmalloc-192": (192, 0),
    "kmalloc-256": (256, 1),
    "kmalloc-512": (512, 1),
    "kmalloc-1k": (1024, 2),
    "kmalloc-2k": (2048, 3),
    "kmalloc-4k": (4096, 3),
    "kmalloc-8k": (8192, 3),
}
KMALLOC_SIZES = (8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192)


@dataclass
class SlabCache:
    name: str
    object_size: int
    order: int
    free: list[int] = field(default_factory=list)  # slots of the current slab not yet handed out

    @property
    def objects_per_slab(self) -> int:
        return (PAGE_SIZE << self.order) // self.object_size


class SlabAllocator:
    """All caches of one image; deterministic given the seed-derived ``rng``."""

    def __init__(self, memory: KernelMemory, rng: random.Random) -> None:
        self.memory = memory
        self._rng = rng
        self.caches = {name: SlabCache(name, size, order) for name, (size, order) in CACHES.items()}

    def allocate(self, cache_name: str) -> int:
        cache = self.caches[cache_name]
        if not cache.free:
            base = self.memory.page_frames(1 << cache.order)
            slots = [base + index * cache.object_size for index in range(cache.objects_per_slab)]
            self._rng.shuffle(slots)
            cache.free = slots
        return cache.free.pop()

    def kmalloc(self, size: int) -> int:
        for bucket in KMALLOC_SIZES:
            if size <= bucket:
                name = (
                    "kmalloc-1k"
                    if bucket == 1024
                    else f"kmalloc-{bucket}"
                    if bucket < 1024
                    else f"kmalloc-{bucket // 1024}k"
                )
                return self.allocate(name)
        raise ValueError(f"kmalloc of {size} bytes: use whole pages")

    def stale_slots(self) -> list[tuple[str, int, int]]:
        """(cache, address, size) of every slot never handed out, in a stable order."""
        slots = []
        for cache in self.caches.values():
            for address in sorted(cache.free):
                slots.append((cache.name, address, cache.object_size))
        return slots

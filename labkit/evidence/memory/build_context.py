"""Everything the object builders of one image share: RAM, allocators, the kernel layout, the VFS."""

from __future__ import annotations

from dataclasses import dataclass, field

from labkit.evidence.memory.address_space import KernelLayout, KernelMemory
from labkit.evidence.memory.clock import BootClock
from labkit.evidence.memory.noise import NoisePools
from labkit.evidence.memory.page_cache import PageCache
from labkit.evidence.memory.physical import PageFrameAllocator, PhysicalMemory
from labkit.evidence.memory.seeded import Seeds
from labkit.evidence.memory.slab import SlabAllocator
from labkit.evidence.memory.spec import MemFile, MemoryImageSpec
from labkit.evidence.memory.vfs import Vfs


@dataclass
class BuildContext:
    spec: MemoryImageSpec
    seeds: Seeds
    clock: BootClock
    layout: KernelLayout
    physical: PhysicalMemory
    frames: PageFrameAllocator
    memory: KernelMemory
    slab: SlabAllocator
    noise: NoisePools
    vfs: Vfs
    page_cache: PageCache
    files: dict[str, MemFile]
    user_pages: dict[int, dict[int, tuple[int, int]]] = field(
        default_factory=dict
    )  # pgd pfn -> page -> (pfn, flags)
    vdso_frames: list[int] = field(default_factory=list)

    def symbol(self, name: str) -> int:
        return self.layout.symbol(name)

"""The kernel's virtual address space for one image: KASLR slides, the randomised direct map,
vmalloc and vmemmap bases, and a memory through which builders write by virtual address."""

from __future__ import annotations

import random
from dataclasses import dataclass

from labkit.errors import EvidenceError
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.kernel_symbols import IMAGE_END, START_KERNEL_MAP, TEXT_START, link_map
from labkit.evidence.memory.physical import PAGE_SHIFT, PAGE_SIZE, PageFrameAllocator, PhysicalMemory

MIB = 1 << 20
GIB = 1 << 30
TIB = 1 << 40
HUGE_PAGE = 2 * MIB
DIRECT_MAP_BASE = 0xFFFF888000000000  # __PAGE_OFFSET_BASE_L4
MODULES_VADDR = 0xFFFFFFFFC0000000
CPU_ENTRY_AREA_BASE = 0xFFFFFE0000000000
PHYSICAL_START = 0x1000000  # CONFIG_PHYSICAL_START
IMAGE_SIZE = IMAGE_END - TEXT_START


@dataclass(frozen=True)
class KernelLayout:
    """Everything about where the kernel lies that KASLR and CONFIG_RANDOMIZE_MEMORY decide."""

    ram_size: int
    virtual_slide: int  # what vmcoreinfo calls KERNELOFFSET
    physical_slide: int
    page_offset_base: int
    vmalloc_base: int
    vmemmap_base: int
    module_base: int

    @classmethod
    def choose(cls, ram_size: int, rng: random.Random) -> KernelLayout:
        # The physical load address stays in the lower quarter of RAM: real KASLR may pick any
        # free region, but volatility finds the banner and init_task sooner when it is low.
        physical_room = max(0, ram_size // 4 - PHYSICAL_START - IMAGE_SIZE) // HUGE_PAGE
        virtual_room = (GIB - PHYSICAL_START - IMAGE_SIZE) // HUGE_PAGE
        direct, vmalloc, vmemmap = _randomize_memory(ram_size, rng)
        return cls(
            ram_size=ram_size,
            virtual_slide=rng.randrange(1, virtual_room) * HUGE_PAGE,
            physical_slide=rng.randrange(0, physical_room + 1) * HUGE_PAGE,
            page_offset_base=direct,
            vmalloc_base=vmalloc,
            vmemmap_base=vmemmap,
            module_base=MODULES_VADDR + rng.randrange(1, 1025) * PAGE_SIZE,
        )

    def symbol(self, name: str) -> int:
        """The running (slid) virtual address of a kernel symbol."""
        return link_map().address(name) + self.virtual_slide

    def image_physical(self, link_address: int) -> int:
        return link_address - START_KERNEL_MAP + self.physical_slide

    def symbol_physical(self, name: str) -> int:
        return self.image_physical(link_map().address(name))

    def direct(self, physical: int) -> int:
        """The direct-map virtual address of a physical address (what __va() returns)."""
        return self.page_offset_base + physical

    @property
    def image_physical_range(self) -> tuple[int, int]:
        return self.image_physical(TEXT_START), self.image_physical(IMAGE_END)


def _randomize_memory(ram_size: int, rng: random.Random) -> tuple[int, int, int]:
    """kernel_randomize_memory(): the direct map, vmalloc and vmemmap regions, in that order, each
    moved by a random number of 1 GiB steps taken from an equal share of the spare room."""
    sizes = (
        ram_size // TIB + 10,
        32,
        1,
    )  # TiB: RAM + CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING, VMALLOC, vmemmap
    remaining = CPU_ENTRY_AREA_BASE - DIRECT_MAP_BASE - sum(sizes) * TIB
    address = DIRECT_MAP_BASE
    bases = []
    for index, size in enumerate(sizes):
        share = remaining // (len(sizes) - index)
        address += (rng.randrange(share) + GIB - 1) & ~(GIB - 1)
        bases.append(address)
        address = (address + size * TIB + GIB) & ~(GIB - 1)
        remaining -= share
    return bases[0], bases[1], bases[2]


class KernelMemory:
    """Kernel objects and byte blobs placed by virtual address, written to RAM by :meth:`commit`."""

    def __init__(self, layout: KernelLayout, physical: PhysicalMemory, frames: PageFrameAllocator) -> None:
        self.layout = layout
        self.physical = physical
        self.frames = frames
        self.mapped_pages: dict[int, tuple[int, int]] = {}  # virtual page -> (pfn, PTE flags)
        self._objects: list[KernelObject] = []
        self._symbols: dict[str, KernelObject] = {}
        self._blobs: list[tuple[int, bytes]] = []

    def to_physical(self, virtual: int) -> int:
        layout = self.layout
        if layout.page_offset_base <= virtual < layout.page_offset_base + layout.ram_size:
            return virtual - layout.page_offset_base
        image_start = TEXT_START + layout.virtual_slide
        if image_start <= virtual < IMAGE_END + layout.virtual_slide:
            return layout.image_physical(virtual - layout.virtual_slide)
        page = self.mapped_pages.get(virtual & ~(PAGE_SIZE - 1))
        if page is None:
            raise EvidenceError(f"kernel address {virtual:#x} is not mapped")
        return (page[0] << PAGE_SHIFT) | (virtual & (PAGE_SIZE - 1))

    def object(self, type_name: str, address: int, size: int | None = None) -> KernelObject:
        created = KernelObject(type_name, address, size)
        self._objects.append(created)
        return created

    def symbol_object(self, name: str) -> KernelObject:
        """The object at a kernel symbol: one per symbol, however many builders fill it in."""
        if name not in self._symbols:
            symbol = link_map().symbols[name]
            assert symbol.type is not None
            self._symbols[name] = self.object(symbol.type, self.layout.symbol(name), symbol.size)
        return self._symbols[name]

    def blob(self, virtual: int, data: bytes) -> None:
        self._blobs.append((virtual, bytes(data)))

    def page_frames(self, pages: int = 1) -> int:
        """Fresh physical frames, returned as the direct-map address of the first."""
        return self.layout.direct(self.frames.allocate(pages) << PAGE_SHIFT)

    def map_pages(self, virtual: int, pages: int, flags: int) -> list[int]:
        """Back ``pages`` pages at ``virtual`` (vmalloc, modules, vmemmap) with scattered frames."""
        frames = []
        for index in range(pages):
            pfn = self.frames.allocate()
            self.mapped_pages[virtual + index * PAGE_SIZE] = (pfn, flags)
            frames.append(pfn)
        return frames

    def commit(self) -> None:
        for created in self._objects:
            self._write(created.address, created.data)
        for virtual, data in self._blobs:
            self._write(virtual, data)
        self._objects.clear()
        self._blobs.clear()

    def _write(self, virtual: int, data: bytes | bytearray) -> None:
        view = memoryview(data)
        while view:
            chunk = min(len(view), PAGE_SIZE - (virtual & (PAGE_SIZE - 1)))
            self.physical.write(self.to_physical(virtual), view[:chunk])
            virtual += chunk
            view = view[chunk:]

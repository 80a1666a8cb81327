"""The page cache: file pages in RAM (a file's cached contents, or the parts of a mapped binary a
process touched), shared by every process that maps them, and indexed from the inode through its
address_space's XArray of struct page pointers into vmemmap, as linux.pagecache walks them."""

from __future__ import annotations

import random
import struct

from labkit.evidence.memory.address_space import KernelMemory
from labkit.evidence.memory.noise import NoisePools
from labkit.evidence.memory.paging import KERNEL_DATA
from labkit.evidence.memory.physical import PAGE_SHIFT, PAGE_SIZE, PageFrameAllocator, PhysicalMemory
from labkit.evidence.memory.slab import SlabAllocator
from labkit.evidence.memory.spec import MemFile
from labkit.evidence.memory.vfs import Vfs
from labkit.evidence.memory.xarray import build_xarray

STRUCT_PAGE_SIZE = 64
PAGE_FLAGS = (
    0x17FFFFC0000000 | 1 << 17 | 1 << 5 | 1 << 4 | 1 << 2 | 1 << 1
)  # mappedtodisk active lru uptodate referenced


class PageCache:
    def __init__(
        self,
        physical: PhysicalMemory,
        frames: PageFrameAllocator,
        noise: NoisePools,
        files: dict[str, MemFile],
        rng: random.Random,
    ) -> None:
        self.physical, self.frames, self.noise, self.files, self._rng = physical, frames, noise, files, rng
        self.cached: dict[str, dict[int, int]] = {}  # path -> page index -> pfn

    def load_cached_contents(self) -> None:
        """Every MemFile.cached byte lies in page-cache pages."""
        for path, memfile in self.files.items():
            for index in range((len(memfile.cached) + PAGE_SIZE - 1) // PAGE_SIZE):
                self.frame(path, index, "data")

    def frame(self, path: str, index: int, role: str) -> int:
        """The page frame caching page ``index`` of ``path``; synthesised by ``role`` (header, code,
        data) when the spec does not give the file's contents."""
        pages = self.cached.setdefault(path, {})
        if index in pages:
            return pages[index]
        memfile = self.files[path]
        content = memfile.cached[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]
        if not content:
            if role == "header" and index == 0:
                content = elf_header_page(self._rng)
            elif role == "code":
                content = self.noise.slice("code", PAGE_SIZE, self._rng)
            else:
                content = self.noise.slice(
                    self._rng.choice(("user_data", "kernel_strings")), PAGE_SIZE, self._rng
                )
            end = memfile.size - index * PAGE_SIZE
            if 0 < end < PAGE_SIZE:
                content = content[:end]
        pfn = self.frames.allocate()
        self.physical.write(pfn << PAGE_SHIFT, content)
        pages[index] = pfn
        return pfn

    def index_pages(self, memory: KernelMemory, slab: SlabAllocator, vfs: Vfs) -> None:
        """struct page entries and each inode's XArray, so the cached pages can be found again."""
        for path, pages in self.cached.items():
            node = vfs.lookup(path)
            mapping = node.inode.address_of("i_data")
            entries = {index: self._struct_page(memory, pfn, mapping, index) for index, pfn in pages.items()}
            head = build_xarray(memory, slab, entries, node.inode.address_of("i_data.i_pages"))
            node.inode.set("i_data.i_pages.xa_head", head).set("i_data.nrpages", len(pages))

    def _struct_page(self, memory: KernelMemory, pfn: int, mapping: int, index: int) -> int:
        address = memory.layout.vmemmap_base + pfn * STRUCT_PAGE_SIZE
        page_base = address & ~(PAGE_SIZE - 1)
        if page_base not in memory.mapped_pages:
            memory.map_pages(page_base, 1, KERNEL_DATA)
        page = memory.object("page", address)
        page.fill(
            {
                "flags": PAGE_FLAGS,
                "mapping": mapping,
                "index": index,
                "_refcount.counter": 2,
                "_mapcount.counter": 0,
            }
        )
        page.empty_list("lru")
        return address


def elf_header_page(rng: random.Random) -> bytes:
    """The first page of a PIE x86-64 ELF object: ELF header, program headers and .interp."""
    header = struct.pack(
        "<4sBBBBB7sHHIQQQIHHHHHH",
        b"\x7fELF",
        2,
        1,
        1,
        0,
        0,
        bytes(7),
        3,
        0x3E,
        1,
        rng.randrange(0x4000, 0x30000, 16),
        64,
        rng.randrange(0x40000, 0x200000, 8),
        0,
        64,
        56,
        13,
        64,
        rng.randrange(28, 32),
        rng.randrange(26, 31),
    )
    program = [(6, 4, 0x40, 0x2D8), (3, 4, 0x318, 0x1C), (1, 4, 0, 0x3000), (1, 5, 0x4000, 0x20000)]
    for kind, flags, offset, size in program:
        header += struct.pack(
            "<IIQQQQQQ", kind, flags, offset, offset, offset, size, size, 0x1000 if kind == 1 else 8
        )
    page = bytearray(PAGE_SIZE)
    page[: len(header)] = header
    page[0x318 : 0x318 + 28] = b"/lib64/ld-linux-x86-64.so.2\0"
    return bytes(page)

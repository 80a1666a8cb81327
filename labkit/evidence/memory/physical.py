"""Physical RAM while it is being built: a sparse dict of the pages that hold something the writer
placed on purpose, and a page-frame allocator that scatters allocations the way a long-running
kernel's buddy allocator does (short runs inside random 2 MiB blocks, never one neat heap)."""

from __future__ import annotations

import random

from labkit.errors import EvidenceError

PAGE_SIZE = 4096
PAGE_SHIFT = 12
BLOCK_PAGES = 512  # one 2 MiB pageblock
LOW_MEMORY_END = 0x100000  # the first MiB: real-mode IVT, BIOS data, VGA hole and option ROMs


class PhysicalMemory:
    """The deliberately written pages of RAM, by page frame number; everything else is filler."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pages: dict[int, bytearray] = {}

    def page(self, pfn: int) -> bytearray:
        if not 0 <= pfn < self.size >> PAGE_SHIFT:
            raise EvidenceError(f"physical page {pfn:#x} is outside RAM of {self.size} bytes")
        page = self.pages.get(pfn)
        if page is None:
            page = self.pages[pfn] = bytearray(PAGE_SIZE)
        return page

    def write(self, address: int, data: bytes | bytearray) -> None:
        view = memoryview(data)
        while view:
            pfn, offset = divmod(address, PAGE_SIZE)
            chunk = min(len(view), PAGE_SIZE - offset)
            self.page(pfn)[offset : offset + chunk] = view[:chunk]
            address += chunk
            view = view[chunk:]


class PageFrameAllocator:
    """Hands out free page frames; remembers which frames are taken so filler never lands on them."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.total_pages = size >> PAGE_SHIFT
        self.used = bytearray(self.total_pages)
        self._rng = rng
        self._cursor: int | None = None
        self.reserve(0, LOW_MEMORY_END)

    def reserve(self, start: int, end: int) -> None:
        """Mark ``[start, end)`` (bytes) as not available (low memory, the kernel image)."""
        first, last = start >> PAGE_SHIFT, (end + PAGE_SIZE - 1) >> PAGE_SHIFT
        self.used[first:last] = b"\x01" * (last - first)

    def is_used(self, pfn: int) -> bool:
        return bool(self.used[pfn])

    def allocate(self, pages: int = 1) -> int:
        """The first frame of ``pages`` free, contiguous frames aligned to their power-of-two order."""
        alignment = 1 << (pages - 1).bit_length()
        for _attempt in range(64):
            if self._cursor is None or self._rng.random() < 0.08:
                block = self._rng.randrange(self.total_pages // BLOCK_PAGES)
                self._cursor = block * BLOCK_PAGES + self._rng.randrange(0, BLOCK_PAGES, alignment)
            found = self._search(self._cursor, alignment, pages)
            if found is not None:
                self.used[found : found + pages] = b"\x01" * pages
                self._cursor = found + pages
                return found
            self._cursor = None
        found = self._search(0, alignment, pages, whole=True)
        if found is None:
            raise EvidenceError("the memory image is too small for what it must hold; choose a larger size")
        self.used[found : found + pages] = b"\x01" * pages
        return found

    def _search(self, start: int, alignment: int, pages: int, whole: bool = False) -> int | None:
        start -= start % alignment
        limit = self.total_pages if whole else min(self.total_pages, start + BLOCK_PAGES)
        free_run = bytes(pages)
        for candidate in range(start, limit - pages + 1, alignment):
            if self.used[candidate : candidate + pages] == free_run:
                return candidate
        return None

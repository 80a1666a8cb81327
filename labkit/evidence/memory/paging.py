"""x86-64 4-level page tables: the kernel's (direct map and kernel image in 2 MiB pages; vmalloc,
modules and vmemmap in 4 KiB pages) and each process's, whose PGD shares the kernel half and
sits in an 8 KiB pair with its PTI user copy as on a Meltdown-mitigated kernel."""

from __future__ import annotations

import struct

from labkit.evidence.memory.physical import PAGE_SHIFT, PAGE_SIZE, PageFrameAllocator, PhysicalMemory

PRESENT, WRITABLE, USER, ACCESSED, DIRTY, HUGE, GLOBAL = 0x1, 0x2, 0x4, 0x20, 0x40, 0x80, 0x100
NO_EXECUTE = 1 << 63
KERNEL_TABLE = PRESENT | WRITABLE | ACCESSED | DIRTY  # _KERNPG_TABLE
USER_TABLE = KERNEL_TABLE | USER  # _PAGE_TABLE
KERNEL_DATA = PRESENT | WRITABLE | ACCESSED | DIRTY | GLOBAL | NO_EXECUTE
KERNEL_TEXT = PRESENT | ACCESSED | DIRTY | GLOBAL
KERNEL_RODATA = KERNEL_TEXT | NO_EXECUTE
ADDRESS_MASK = 0x000FFFFFFFFFF000
_SHIFTS = (39, 30, 21, 12)


class PageTables:
    """Writes page-table entries straight into physical pages; intermediate tables on demand."""

    def __init__(self, physical: PhysicalMemory, frames: PageFrameAllocator) -> None:
        self.physical = physical
        self.frames = frames

    def entry(self, table_pfn: int, index: int) -> int:
        return struct.unpack_from("<Q", self.physical.page(table_pfn), index * 8)[0]

    def set_entry(self, table_pfn: int, index: int, value: int) -> None:
        struct.pack_into("<Q", self.physical.page(table_pfn), index * 8, value)

    def map(
        self,
        root_pfn: int,
        virtual: int,
        pfn: int,
        flags: int,
        level: int = 3,
        tables: dict[int, int] | None = None,
    ) -> None:
        """Map ``virtual``: level 3 is a 4 KiB PTE, level 2 a 2 MiB PDE (``flags`` must hold HUGE).
        ``tables`` optionally supplies frames for new tables (e.g. level3_kernel_pgt in the image)."""
        table = root_pfn
        table_flags = USER_TABLE if flags & USER else KERNEL_TABLE
        for depth in range(level):
            index = (virtual >> _SHIFTS[depth]) & 511
            current = self.entry(table, index)
            if not current & PRESENT:
                child = (tables or {}).get(depth + 1) or self.frames.allocate()
                current = (child << PAGE_SHIFT) | table_flags
                self.set_entry(table, index, current)
            elif flags & USER and not current & USER:
                self.set_entry(table, index, current | USER)
            table = (current & ADDRESS_MASK) >> PAGE_SHIFT
        self.set_entry(table, (virtual >> _SHIFTS[level]) & 511, (pfn << PAGE_SHIFT) | flags)

    def copy_kernel_half(self, kernel_root: int, process_root: int) -> None:
        page = self.physical.page(kernel_root)
        self.physical.page(process_root)[PAGE_SIZE // 2 :] = page[PAGE_SIZE // 2 :]

    def pti_user_copy(self, process_root: int) -> None:
        """The user-mode PGD that follows the kernel one: the same user half."""
        self.physical.page(process_root + 1)[: PAGE_SIZE // 2] = self.physical.page(process_root)[
            : PAGE_SIZE // 2
        ]

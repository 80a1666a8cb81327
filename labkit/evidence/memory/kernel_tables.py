"""Build every page table once all kernel and user memory is placed: the kernel's (direct map and
image in 2 MiB pages, vmalloc/modules/vmemmap in 4 KiB pages) and each process's."""

from __future__ import annotations

from labkit.evidence.memory.address_space import HUGE_PAGE
from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_symbols import IMAGE_END, RODATA_START, TEXT_START, link_map
from labkit.evidence.memory.paging import HUGE, KERNEL_DATA, KERNEL_RODATA, KERNEL_TEXT, PageTables
from labkit.evidence.memory.physical import PAGE_SHIFT


def build_page_tables(ctx: BuildContext) -> int:
    """Returns the DTB: the physical address of init_top_pgt."""
    layout = ctx.layout
    tables = PageTables(ctx.physical, ctx.frames)
    root = layout.symbol_physical("init_top_pgt") >> PAGE_SHIFT
    image_tables = {
        1: layout.symbol_physical("level3_kernel_pgt") >> PAGE_SHIFT,
        2: layout.symbol_physical("level2_kernel_pgt") >> PAGE_SHIFT,
    }
    rodata_end = link_map().address("_sdata")
    for link_address in range(TEXT_START, IMAGE_END, HUGE_PAGE):
        flags = (
            KERNEL_TEXT
            if link_address < RODATA_START
            else KERNEL_RODATA
            if link_address < rodata_end
            else KERNEL_DATA
        )
        physical = layout.image_physical(link_address)
        tables.map(
            root, link_address + layout.virtual_slide, physical >> PAGE_SHIFT, flags | HUGE, 2, image_tables
        )
    for physical in range(0, layout.ram_size, HUGE_PAGE):
        tables.map(root, layout.page_offset_base + physical, physical >> PAGE_SHIFT, KERNEL_DATA | HUGE, 2)
    for virtual, (pfn, flags) in sorted(ctx.memory.mapped_pages.items()):
        tables.map(root, virtual, pfn, flags)
    for pgd, pages in ctx.user_pages.items():
        for virtual, (pfn, flags) in sorted(pages.items()):
            tables.map(pgd, virtual, pfn, flags)
        tables.copy_kernel_half(root, pgd)
        tables.pti_user_copy(pgd)
    return root << PAGE_SHIFT

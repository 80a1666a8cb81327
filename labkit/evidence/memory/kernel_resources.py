"""iomem_resource: the physical address map /proc/iomem shows, with the kernel image inside RAM."""

from __future__ import annotations

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.kernel_symbols import link_map

IORESOURCE_MEM, IORESOURCE_BUSY, IORESOURCE_SYSTEM_RAM = 0x200, 0x80000000, 0x1000000


def build_iomem(ctx: BuildContext) -> None:
    layout, symbols = ctx.layout, link_map()
    size = ctx.spec.size
    root = ctx.memory.symbol_object("iomem_resource")
    root.fill({"name": ctx.vfs.string("PCI mem"), "start": 0, "end": (1 << 46) - 1, "flags": IORESOURCE_MEM})
    top_level = [
        ("Reserved", 0x0, 0xFFF, IORESOURCE_MEM | IORESOURCE_BUSY),
        ("System RAM", 0x1000, 0x9FFFF, IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM),
        ("PCI Bus 0000:00", 0xA0000, 0xBFFFF, IORESOURCE_MEM),
        ("Video ROM", 0xC0000, 0xC97FF, IORESOURCE_MEM | IORESOURCE_BUSY),
        ("System ROM", 0xF0000, 0xFFFFF, IORESOURCE_MEM | IORESOURCE_BUSY),
        ("System RAM", 0x100000, size - 1, IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM),
    ]
    children = _chain(ctx, root, top_level)
    image = [
        (
            "Kernel code",
            layout.image_physical(symbols.address("_text")),
            layout.image_physical(symbols.text_end) - 1,
        ),
        (
            "Kernel rodata",
            layout.image_physical(symbols.address("__start_rodata")),
            layout.image_physical(symbols.rodata_end) - 1,
        ),
        (
            "Kernel data",
            layout.image_physical(symbols.address("_sdata")),
            layout.image_physical(symbols.data_end) - 1,
        ),
        (
            "Kernel bss",
            layout.image_physical(symbols.address("__bss_start")),
            layout.image_physical(symbols.address("_end")) - 1,
        ),
    ]
    _chain(
        ctx,
        children[-1],
        [
            (name, start, end, IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM)
            for name, start, end in image
        ],
    )


def _chain(
    ctx: BuildContext, parent: KernelObject, entries: list[tuple[str, int, int, int]]
) -> list[KernelObject]:
    """Children of ``parent`` linked by ``sibling`` in address order."""
    built = []
    for name, start, end, flags in entries:
        resource = ctx.memory.object("resource", ctx.slab.kmalloc(64))
        resource.fill(
            {
                "name": ctx.vfs.string(name),
                "start": start,
                "end": end,
                "flags": flags,
                "parent": parent.address,
            }
        )
        if built:
            built[-1].set("sibling", resource.address)
        built.append(resource)
    if built:
        parent.set("child", built[0].address)
    return built

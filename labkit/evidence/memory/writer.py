"""Write a Linux memory image (raw or LiME) and the ISF symbol table volatility3 needs to read it.

The image models a 5.15 x86-64 kernel: KASLR-slid kernel image with the spec's banner, 4-level page
tables, the direct map and vmalloc, tasks with their credentials, files, sockets and address spaces,
modules, the printk ring buffer, and realistic stale data in the rest of RAM.
"""

from __future__ import annotations

from pathlib import Path

from labkit.evidence.memory.address_space import KernelLayout, KernelMemory
from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.clock import BootClock
from labkit.evidence.memory.image_stream import FillerRegion, StreamPlan, write_image
from labkit.evidence.memory.isf import write_isf
from labkit.evidence.memory.kernel_globals import build_kernel_globals, vdso_frames
from labkit.evidence.memory.kernel_network import build_network_namespace
from labkit.evidence.memory.kernel_resources import build_iomem
from labkit.evidence.memory.kernel_symbols import DATA_START, TEXT_START, link_map
from labkit.evidence.memory.kernel_tables import build_page_tables
from labkit.evidence.memory.kmsg import build_kmsg
from labkit.evidence.memory.modules import build_modules
from labkit.evidence.memory.noise import NoisePools
from labkit.evidence.memory.page_cache import PageCache
from labkit.evidence.memory.physical import PAGE_SHIFT, PageFrameAllocator, PhysicalMemory
from labkit.evidence.memory.seeded import Seeds
from labkit.evidence.memory.slab import SlabAllocator
from labkit.evidence.memory.sockets import Sockets
from labkit.evidence.memory.spec import MemoryImageResult, MemoryImageSpec, ProcessFacts
from labkit.evidence.memory.stale_data import fill_stale_slab_objects, plan_overlays
from labkit.evidence.memory.tasks import build_tasks
from labkit.evidence.memory.validation import validate_spec
from labkit.evidence.memory.vfs import Vfs

__all__ = ["write_memory_image"]


def write_memory_image(spec: MemoryImageSpec, image_path: Path, symbols_dir: Path) -> MemoryImageResult:
    """Write ``image_path`` and an ISF under ``symbols_dir/linux``; same spec, same bytes.

    ``MemoryImageResult.kaslr_shift`` is the virtual KASLR slide (what vmcoreinfo calls KERNELOFFSET);
    ``dtb`` is the physical address of init_top_pgt.

    Raises:
        EvidenceError: the spec is inconsistent, or the image or symbol table cannot be written.
    """
    validate_spec(spec)
    image_path, symbols_dir = Path(image_path), Path(symbols_dir)
    ctx = _context(spec)
    sockets = Sockets(ctx)
    _init_task, built = build_tasks(ctx, sockets.file_for)
    sockets.finish()
    module_facts = build_modules(ctx)
    build_kmsg(ctx)
    build_network_namespace(ctx)
    build_iomem(ctx)
    kernel_threads = sum(1 for process in spec.processes if process.kernel_thread)
    init = built.get(1)
    build_kernel_globals(
        ctx, kernel_threads, len(spec.processes) - kernel_threads, init.task.address if init else 0
    )
    ctx.page_cache.index_pages(ctx.memory, ctx.slab, ctx.vfs)
    ctx.vfs.link_directories()
    fill_stale_slab_objects(ctx, ctx.seeds.rng("stale slabs"))
    ctx.memory.commit()
    dtb = build_page_tables(ctx)

    plan = StreamPlan(
        ctx.physical,
        ctx.frames.used,
        _filler_regions(ctx.layout),
        plan_overlays(ctx, ctx.seeds.rng("overlays")),
        ctx.noise,
        spec.fill,
    )
    image_size, digests = write_image(image_path, spec.format, plan, ctx.seeds.rng("stream"))
    try:
        isf_path, isf_sha256 = write_isf(symbols_dir, spec.kernel.banner)
    except BaseException:
        image_path.unlink(missing_ok=True)  # an image without its symbol table is of no use
        raise
    processes = {
        pid: ProcessFacts(
            pid=pid,
            task_address=entry.task.address,
            task_physical=ctx.memory.to_physical(entry.task.address),
            mappings=entry.user.mappings if entry.user else [],
            injected=entry.user.injected if entry.user else [],
        )
        for pid, entry in sorted(built.items())
    }
    return MemoryImageResult(
        image_path=str(image_path),
        isf_path=str(isf_path),
        image_size=image_size,
        md5=digests["md5"],
        sha1=digests["sha1"],
        sha256=digests["sha256"],
        isf_sha256=isf_sha256,
        kaslr_shift=ctx.layout.virtual_slide,
        dtb=dtb,
        processes=processes,
        modules=module_facts,
    )


def _context(spec: MemoryImageSpec) -> BuildContext:
    seeds = Seeds(spec.seed)
    clock = BootClock(spec.boot_time, spec.acquired_at)
    layout = KernelLayout.choose(spec.size, seeds.rng("kaslr"))
    physical = PhysicalMemory(spec.size)
    frames = PageFrameAllocator(spec.size, seeds.rng("frames"))
    frames.reserve(*layout.image_physical_range)
    memory = KernelMemory(layout, physical, frames)
    slab = SlabAllocator(memory, seeds.rng("slab"))
    noise = NoisePools(seeds.rng("noise"), layout, spec.hostname, spec.boot_time)
    files = {memfile.path: memfile for memfile in spec.files}
    distribution = "ubuntu" if "ubuntu" in spec.kernel.banner.lower() else "debian"
    vfs = Vfs(memory, slab, clock, seeds.rng("vfs"), distribution, spec.files)
    page_cache = PageCache(physical, frames, noise, files, seeds.rng("page cache"))
    ctx = BuildContext(
        spec, seeds, clock, layout, physical, frames, memory, slab, noise, vfs, page_cache, files
    )
    ctx.vdso_frames = vdso_frames(ctx)
    page_cache.load_cached_contents()
    for memfile in spec.files:  # the dentry cache knows every file of the spec, open or not
        vfs.lookup(memfile.path)
    return ctx


def _filler_regions(layout: KernelLayout) -> tuple[FillerRegion, ...]:
    """Kernel text holds code and the rest of .rodata holds strings, not zeros."""
    symbols = link_map()

    def frame(link_address: int) -> int:
        return layout.image_physical(link_address) >> PAGE_SHIFT

    return (
        FillerRegion(frame(TEXT_START), frame(symbols.text_end), "code"),
        FillerRegion(frame(symbols.rodata_end), frame(DATA_START), "kernel_strings"),
    )

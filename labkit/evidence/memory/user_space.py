"""A user process's memory: mm_struct, its VMA list, and the pages it touched (ELF headers and some
code shared with the page cache, private data, heap, initial stack, injected code), recorded per
process for its page tables."""

from __future__ import annotations

import random
from dataclasses import dataclass

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.kernel_types.memory import AT_VECTOR_SIZE
from labkit.evidence.memory.paging import ACCESSED, DIRTY, NO_EXECUTE, PRESENT, USER, WRITABLE
from labkit.evidence.memory.physical import PAGE_SHIFT, PAGE_SIZE
from labkit.evidence.memory.spec import MappingFacts, MemProcess
from labkit.evidence.memory.user_heap import GlibcHeap, bash_heap, generic_heap
from labkit.evidence.memory.user_layout import TASK_SIZE, PlannedVma, ProcessLayout, plan_process
from labkit.evidence.memory.user_stack import InitialStack, build_initial_stack

VM_READ, VM_WRITE, VM_EXEC, VM_MAYREAD, VM_MAYWRITE, VM_MAYEXEC = 0x1, 0x2, 0x4, 0x10, 0x20, 0x40
VM_GROWSDOWN, VM_ACCOUNT, VM_IO, VM_PFNMAP, VM_DONTEXPAND, VM_DONTDUMP = (
    0x100,
    0x100000,
    0x4000,
    0x400,
    0x40000,
    0x4000000,
)
SHELLS = ("bash", "sh", "dash")


@dataclass
class UserSpace:
    mm: int
    pgd_pfn: int
    mappings: list[MappingFacts]
    injected: list[MappingFacts]


def build_user_space(ctx: BuildContext, process: MemProcess, task: int, cred: int) -> UserSpace:
    seeds = ctx.seeds
    comm = process.comm[:15]
    heap_size = len(_heap(ctx, process, comm, 0).data) + 0x1000
    layout = plan_process(process, ctx.files, heap_size, seeds.rng("aslr", process.pid))
    pgd_pfn = ctx.frames.allocate(2)  # the kernel PGD and its PTI user copy
    pages: dict[int, tuple[int, int]] = {}
    ctx.user_pages[pgd_pfn] = pages
    mm = ctx.memory.object("mm_struct", ctx.slab.allocate("mm_struct"))
    opened: dict[str, int] = {}
    vmas = [_vma(ctx, mm, planned, opened, cred) for planned in layout.vmas]
    for previous, current, following in zip([None, *vmas[:-1]], vmas, [*vmas[1:], None], strict=True):
        current.set("vm_prev", previous.address if previous else 0).set(
            "vm_next", following.address if following else 0
        )
    root = _rb_tree(vmas)

    rng = seeds.rng("pages", process.pid)
    for planned in layout.vmas:
        _touch(ctx, process, planned, pages, rng)
    heap = _heap(ctx, process, comm, layout.start_brk).finish(layout.brk - layout.start_brk)
    _write(ctx, pages, layout.start_brk, heap, dirty=True)
    stack = _stack(ctx, process, layout, rng)
    stale_start = (stack.start & ~(PAGE_SIZE - 1)) - PAGE_SIZE  # old frames below the entry stack pointer
    _write(ctx, pages, stale_start, ctx.noise.slice("user_data", stack.start - stale_start, rng), dirty=True)
    _write(ctx, pages, stack.start, stack.data, dirty=True)

    _fill_mm(
        ctx, mm, process, layout, stack, pages, task, pgd_pfn, vmas, root, opened.get(process.exe or "", 0)
    )
    mappings = [MappingFacts(v.start, v.end, v.perms, v.label) for v in layout.vmas]
    injected = sorted((v for v in layout.vmas if v.kind == "injected"), key=lambda v: v.injected_index or 0)
    return UserSpace(
        mm.address, pgd_pfn, mappings, [MappingFacts(v.start, v.end, v.perms, "") for v in injected]
    )


def _fill_mm(
    ctx: BuildContext,
    mm: KernelObject,
    process: MemProcess,
    layout: ProcessLayout,
    stack: InitialStack,
    pages: dict[int, tuple[int, int]],
    task: int,
    pgd_pfn: int,
    vmas: list[KernelObject],
    root: int,
    exe_file: int,
) -> None:
    """mm_struct: the VMA list and tree, page table root, code/data/heap/stack/argument bounds, the
    saved auxiliary vector, counters and owner."""

    def pages_of(kinds: tuple[str, ...], perms: tuple[str, ...]) -> int:
        return sum(
            (v.end - v.start) >> PAGE_SHIFT for v in layout.vmas if v.kind in kinds and v.perms in perms
        )

    counts = {
        "total": sum((v.end - v.start) >> PAGE_SHIFT for v in layout.vmas),
        "exec": pages_of(("file",), ("r-x",)),
        "stack": pages_of(("stack",), ("rw-",)),
        "data": pages_of(("file", "heap", "anon", "injected"), ("rw-", "rwx")),
    }
    auxv = [value for pair in stack.auxv for value in pair]
    mm.fill(
        {
            "mmap": vmas[0].address,
            "mm_rb.rb_node": root,
            "mmap_base": layout.mmap_base,
            "task_size": TASK_SIZE,
            "highest_vm_end": layout.vmas[-1].end,
            "pgd": ctx.layout.direct(pgd_pfn << PAGE_SHIFT),
            "mm_users.counter": 1,
            "mm_count.counter": 1,
            "map_count": len(vmas),
            "pgtables_bytes.counter": 8 * PAGE_SIZE,
            "total_vm": counts["total"],
            "data_vm": counts["data"],
            "exec_vm": counts["exec"],
            "stack_vm": counts["stack"],
            "start_code": layout.start_code,
            "end_code": layout.end_code,
            "start_data": layout.start_data,
            "end_data": layout.end_data,
            "start_brk": layout.start_brk,
            "brk": layout.brk,
            "start_stack": stack.start,
            "arg_start": stack.arg_start,
            "arg_end": stack.arg_end,
            "env_start": stack.env_start,
            "env_end": stack.env_end,
            "context.ctx_id": process.pid + 3,
            "context.vdso": layout.vdso,
            "flags": 0xCD,
            "owner": task,
            "user_ns": ctx.symbol("init_user_ns"),
            "exe_file": exe_file,
            "rss_stat[0].counter": sum(1 for _, flags in pages.values() if not flags & DIRTY),
            "rss_stat[1].counter": sum(1 for _, flags in pages.values() if flags & DIRTY),
        }
    )
    for index, value in enumerate(auxv[:AT_VECTOR_SIZE]):
        mm.set(f"saved_auxv[{index}]", value)
    mm.empty_list("mmlist")
    for index, value in enumerate(auxv[:AT_VECTOR_SIZE]):
        mm.set(f"saved_auxv[{index}]", value)
    mm.empty_list("mmlist")


def _vma(
    ctx: BuildContext, mm: KernelObject, planned: PlannedVma, opened: dict[str, int], cred: int
) -> KernelObject:
    vma = ctx.memory.object("vm_area_struct", ctx.slab.allocate("vm_area_struct"))
    perms = planned.perms
    flags = (
        (VM_READ if "r" in perms else 0)
        | (VM_WRITE if "w" in perms else 0)
        | (VM_EXEC if "x" in perms else 0)
    )
    if planned.kind == "vvar":
        flags |= VM_MAYREAD | VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP
    elif planned.kind == "vdso":
        flags |= VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND | VM_DONTDUMP
    else:
        flags |= VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | (VM_ACCOUNT if "w" in perms else 0)
        flags |= VM_GROWSDOWN if planned.kind == "stack" else 0
    protection = PRESENT | USER | ACCESSED | (0 if "x" in perms else NO_EXECUTE)
    vma.fill(
        {
            "vm_start": planned.start,
            "vm_end": planned.end,
            "vm_mm": mm.address,
            "vm_flags": flags,
            "vm_page_prot.pgprot": protection,
            "vm_pgoff": planned.start >> PAGE_SHIFT,
        }
    )
    if planned.kind == "file":
        if planned.path not in opened:
            opened[planned.path] = ctx.vfs.open(planned.path, cred, access=0)
        vma.set("vm_file", opened[planned.path]).set("vm_pgoff", planned.file_offset >> PAGE_SHIFT)
    vma.empty_list("anon_vma_chain")
    return vma


def _rb_tree(vmas: list[KernelObject], parent: int = 0) -> int:
    """A balanced tree over the VMAs' vm_rb nodes (all black: the kernel's exact colouring differs)."""
    if not vmas:
        return 0
    middle = len(vmas) // 2
    node = vmas[middle]
    node.set("vm_rb.__rb_parent_color", parent | 1)
    node_address = node.address_of("vm_rb")
    node.set("vm_rb.rb_left", _rb_tree(vmas[:middle], node_address))
    node.set("vm_rb.rb_right", _rb_tree(vmas[middle + 1 :], node_address))
    return node_address


def _touch(
    ctx: BuildContext,
    process: MemProcess,
    planned: PlannedVma,
    pages: dict[int, tuple[int, int]],
    rng: random.Random,
) -> None:
    """Map the pages of a VMA that a running process has certainly touched."""
    shared = PRESENT | USER | ACCESSED
    if planned.kind == "file":
        first = planned.file_offset >> PAGE_SHIFT
        if planned.perms == "r-x":
            for index in range(min(3, (planned.end - planned.start) >> PAGE_SHIFT)):
                pfn = ctx.page_cache.frame(planned.path, first + index, "code")
                pages[planned.start + index * PAGE_SIZE] = (pfn, shared)
        elif planned.perms == "r--" and planned.file_offset == 0:
            pages[planned.start] = (ctx.page_cache.frame(planned.path, 0, "header"), shared | NO_EXECUTE)
        elif planned.perms in ("r--", "rw-"):  # RELRO and .data: private copies ld.so wrote to
            _write(ctx, pages, planned.start, ctx.noise.slice("user_data", PAGE_SIZE, rng), dirty=True)
            if planned.perms == "r--":
                pfn, flags = pages[planned.start]
                pages[planned.start] = (pfn, flags & ~WRITABLE)
    elif planned.kind == "vdso":
        for index, pfn in enumerate(ctx.vdso_frames):
            pages[planned.start + index * PAGE_SIZE] = (pfn, shared)
    elif planned.kind == "injected":
        injected = process.injected[planned.injected_index or 0]
        size = planned.end - planned.start
        _write(ctx, pages, planned.start, injected.content.ljust(size, b"\0"), dirty=True, executable=True)
    elif planned.kind == "anon":
        _write(ctx, pages, planned.start, ctx.noise.slice("user_data", PAGE_SIZE, rng), dirty=True)


def _write(
    ctx: BuildContext,
    pages: dict[int, tuple[int, int]],
    address: int,
    data: bytes,
    dirty: bool,
    executable: bool = False,
) -> None:
    """Write anonymous (private) memory, allocating a frame for each page first touched."""
    flags = PRESENT | USER | ACCESSED | WRITABLE | (DIRTY if dirty else 0) | (0 if executable else NO_EXECUTE)
    view = memoryview(data)
    while view:
        page = address & ~(PAGE_SIZE - 1)
        offset = address - page
        chunk = min(len(view), PAGE_SIZE - offset)
        if page not in pages:
            pages[page] = (ctx.frames.allocate(), flags)
        ctx.physical.write((pages[page][0] << PAGE_SHIFT) + offset, view[:chunk])
        address += chunk
        view = view[chunk:]


def _heap(ctx: BuildContext, process: MemProcess, comm: str, start: int) -> GlibcHeap:
    rng = ctx.seeds.rng("heap", process.pid)
    heap = GlibcHeap(start, rng)
    if comm in SHELLS:
        bash_heap(heap, process.env, process.history, process.heap, rng)
    else:
        filler = [ctx.noise.slice("text", rng.randrange(24, 400), rng) for _ in range(rng.randrange(4, 24))]
        generic_heap(heap, process.env, process.heap, filler, rng)
    return heap


def _stack(ctx: BuildContext, process: MemProcess, layout: ProcessLayout, rng: random.Random) -> InitialStack:
    argv = process.argv or [process.exe or process.comm]
    uid = process.uid
    ids = (
        uid,
        process.gid,
        process.euid if process.euid is not None else uid,
        process.egid if process.egid is not None else process.gid,
    )
    interpreter = next((base for path, base in layout.bases.items() if "/ld-linux" in path), 0)
    exe_base = layout.bases.get(process.exe or "", 0)
    return build_initial_stack(
        layout.stack_end,
        argv,
        process.env,
        process.exe or argv[0],
        ids,
        layout.vdso,
        exe_base,
        interpreter,
        layout.entry,
        rng,
    )

"""Where a process's mappings lie, as a 5.15 x86-64 kernel with glibc's ld.so would place them:
a PIE executable near 0x55..., the heap a random brk gap above it, shared libraries top-down from
a randomised mmap_base near 0x7f..., the stack near 0x7ffc... with [vvar] and [vdso] just above."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from labkit.evidence.memory.physical import PAGE_SIZE
from labkit.evidence.memory.spec import MemFile, MemProcess

TASK_SIZE = 0x7FFFFFFFF000
ELF_ET_DYN_BASE = 0x555555554AAA & ~(PAGE_SIZE - 1)
STACK_RANDOM_PAGES = 0x3FFFFF  # STACK_RND_MASK: up to 16 GiB below TASK_SIZE
MMAP_RANDOM_PAGES = (1 << 28) - 1  # vm.mmap_rnd_bits = 28
INITIAL_STACK = 0x21000  # 132 KiB: what a fresh process's [stack] spans
VVAR_PAGES, VDSO_PAGES = 4, 2


@dataclass
class PlannedVma:
    start: int
    end: int
    perms: str  # "r-x"
    kind: str  # file, anon, heap, stack, vvar, vdso, injected
    path: str = ""
    file_offset: int = 0
    injected_index: int | None = None

    @property
    def label(self) -> str:
        """The name /proc/PID/maps shows."""
        return {"heap": "[heap]", "stack": "[stack]", "vvar": "[vvar]", "vdso": "[vdso]"}.get(
            self.kind, self.path
        )


@dataclass
class ProcessLayout:
    vmas: list[PlannedVma] = field(default_factory=list)
    start_code: int = 0
    end_code: int = 0
    start_data: int = 0
    end_data: int = 0
    start_brk: int = 0
    brk: int = 0
    stack_end: int = 0
    mmap_base: int = 0
    vdso: int = 0
    bases: dict[str, int] = field(default_factory=dict)  # mapped file -> load address
    entry: int = 0


def elf_segments(size: int) -> list[tuple[str, int, int]]:
    """(perms, first file page, pages) of an ELF object's PT_LOAD mappings: headers, text, rodata,
    RELRO and data, sized from the file size the way typical binaries split."""
    pages = max(5, (size + PAGE_SIZE - 1) // PAGE_SIZE)
    header = max(1, round(pages * 0.08))
    text = max(1, round(pages * 0.58))
    rodata = max(1, pages - header - text - 2)
    layout = [("r--", header), ("r-x", text), ("r--", rodata), ("r--", 1), ("rw-", 1)]
    last_page = max(0, (size - 1) // PAGE_SIZE)  # a mapping may not start beyond the file's end
    segments, offset = [], 0
    for perms, count in layout:
        segments.append((perms, min(offset, last_page), count))
        offset += count
    return segments


def plan_process(
    process: MemProcess, files: dict[str, MemFile], heap_bytes: int, rng: random.Random
) -> ProcessLayout:
    layout = ProcessLayout()
    if process.exe is not None:
        base = ELF_ET_DYN_BASE + rng.randrange(0, 1 << 28) * PAGE_SIZE
        cursor = _map_object(layout, process.exe, files[process.exe], base)
        layout.entry = base + 0x1000 + rng.randrange(0x100, 0x4000) * 16
        text = next(v for v in layout.vmas if v.perms == "r-x")
        layout.start_code, layout.end_code = text.start, text.end
        data = layout.vmas[-1]
        layout.start_data, layout.end_data = data.start, data.end
        layout.start_brk = cursor + rng.randrange(0, 0x2000) * PAGE_SIZE
    else:
        layout.start_brk = ELF_ET_DYN_BASE + rng.randrange(0x10000, 1 << 28) * PAGE_SIZE
    heap_size = max(INITIAL_STACK, (heap_bytes + 0x1FFF) & ~0xFFF)
    layout.brk = layout.start_brk + heap_size
    layout.vmas.append(PlannedVma(layout.start_brk, layout.brk, "rw-", "heap"))

    stack_gap = 8 * 1024 * 1024 + 256 * PAGE_SIZE + (STACK_RANDOM_PAGES + 1) * PAGE_SIZE
    layout.mmap_base = TASK_SIZE - stack_gap - rng.randrange(0, MMAP_RANDOM_PAGES) * PAGE_SIZE
    cursor = layout.mmap_base
    libraries = sorted(process.libraries, key=lambda path: 0 if "/ld-linux" in path else 1)
    for library in libraries:
        size = _object_pages(files[library]) * PAGE_SIZE
        bss = 0xD000 if library.split("/")[-1].startswith("libc.") else 0  # libc's .bss and TLS
        cursor -= size + bss
        _map_object(layout, library, files[library], cursor)
        if bss:
            layout.vmas.append(PlannedVma(cursor + size, cursor + size + bss, "rw-", "anon"))
    for index, injected in enumerate(process.injected):
        pages = max(1, (max(injected.size, len(injected.content)) + PAGE_SIZE - 1) // PAGE_SIZE)
        cursor -= pages * PAGE_SIZE + rng.randrange(1, 64) * PAGE_SIZE
        layout.vmas.append(
            PlannedVma(cursor, cursor + pages * PAGE_SIZE, injected.perms, "injected", injected_index=index)
        )

    layout.stack_end = TASK_SIZE - rng.randrange(0x200, STACK_RANDOM_PAGES) * PAGE_SIZE
    layout.vmas.append(PlannedVma(layout.stack_end - INITIAL_STACK, layout.stack_end, "rw-", "stack"))
    vvar = layout.stack_end + rng.randrange(1, 480) * PAGE_SIZE
    layout.vdso = vvar + VVAR_PAGES * PAGE_SIZE
    layout.vmas.append(PlannedVma(vvar, layout.vdso, "r--", "vvar"))
    layout.vmas.append(PlannedVma(layout.vdso, layout.vdso + VDSO_PAGES * PAGE_SIZE, "r-x", "vdso"))
    layout.vmas.sort(key=lambda vma: vma.start)
    return layout


def _object_pages(memfile: MemFile) -> int:
    return sum(count for _, _, count in elf_segments(memfile.size))


def _map_object(layout: ProcessLayout, path: str, memfile: MemFile, base: int) -> int:
    layout.bases[path] = base
    cursor = base
    for perms, first_page, count in elf_segments(memfile.size):
        layout.vmas.append(
            PlannedVma(cursor, cursor + count * PAGE_SIZE, perms, "file", path, first_page * PAGE_SIZE)
        )
        cursor += count * PAGE_SIZE
    return cursor

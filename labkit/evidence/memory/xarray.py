"""XArrays (lib/xarray.c) as the kernel builds them: a single entry at index 0 sits in xa_head;
anything else hangs from xa_nodes of 64 slots, internal entries tagged with 2. The page cache
(address_space.i_pages) and the IDR of PIDs (pid_namespace.idr) are both XArrays."""

from __future__ import annotations

from labkit.evidence.memory.address_space import KernelMemory
from labkit.evidence.memory.slab import SlabAllocator

XA_CHUNK_SHIFT = 6
XA_CHUNK_SIZE = 1 << XA_CHUNK_SHIFT
INTERNAL = 2  # xa_mk_node(): the low bits that mark a node pointer


def build_xarray(memory: KernelMemory, slab: SlabAllocator, entries: dict[int, int], array: int) -> int:
    """The value for ``xa_head`` of the XArray at ``array`` holding ``index -> pointer``."""
    if not entries:
        return 0
    top = max(entries)
    if top == 0:
        return entries[0]
    shift = 0
    while top >> (shift + XA_CHUNK_SHIFT):
        shift += XA_CHUNK_SHIFT
    return _node(memory, slab, entries, shift, 0, 0, 0, array)


def _node(
    memory: KernelMemory,
    slab: SlabAllocator,
    entries: dict[int, int],
    shift: int,
    base: int,
    parent: int,
    offset: int,
    array: int,
) -> int:
    node = memory.object("xa_node", slab.allocate("radix_tree_node"))
    span = 1 << shift
    slots = {}
    for slot in range(XA_CHUNK_SIZE):
        first = base + slot * span
        inside = {index: value for index, value in entries.items() if first <= index < first + span}
        if not inside:
            continue
        if shift == 0:
            slots[slot] = inside[first]
        else:
            slots[slot] = _node(
                memory, slab, inside, shift - XA_CHUNK_SHIFT, first, node.address, slot, array
            )
    for slot, value in slots.items():
        node.set(f"slots[{slot}]", value)
    node.fill({"shift": shift, "offset": offset, "count": len(slots), "parent": parent, "array": array})
    node.empty_list("private_list")
    return node.address | INTERNAL

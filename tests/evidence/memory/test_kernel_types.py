"""The declared kernel layout: C declarator semantics, bit fields, and builders that agree with it."""

from __future__ import annotations

from labkit.evidence.memory.kernel_object import KernelObject, link_list
from labkit.evidence.memory.kernel_types import kernel_types


def test_arrays_of_pointers_are_arrays_as_in_c() -> None:
    types = kernel_types()
    assert types.size_of("*file[64]") == 512
    assert types.isf_descriptor("*void[64]") == {
        "kind": "array",
        "count": 64,
        "subtype": {"kind": "pointer", "subtype": {"kind": "base", "name": "void"}},
    }
    assert types.offset_of("files_struct", "fd_array[3]") == 160 + 3 * 8
    assert types.structs["files_struct"].size == 704


def test_bit_fields_and_nested_paths_pack_where_the_isf_says() -> None:
    info = KernelObject("printk_info", 0x1000)
    info.set("flags", 2).set("level", 5).set("ts_nsec", 123_456_789)
    assert info.data[19] == (5 << 5) | 2
    assert int.from_bytes(info.data[8:16], "little") == 123_456_789
    assert kernel_types().isf_descriptor("u8", (5, 3))["bit_position"] == 5
    sock = KernelObject("inet_sock", 0x2000)
    sock.set("sk.__sk_common.skc_dport", b"\x11\x5c")  # port 4444, network order
    assert sock.data[12:14] == b"\x11\x5c"


def test_lists_link_circularly_through_their_members() -> None:
    head = KernelObject("list_head", 0x100)
    tasks = [KernelObject("task_struct", 0x10000 * n) for n in (1, 2)]
    link_list(head, "", [(task, "tasks") for task in tasks])
    offset = kernel_types().offset_of("task_struct", "tasks")
    assert int.from_bytes(head.data[:8], "little") == tasks[0].address + offset
    assert int.from_bytes(head.data[8:16], "little") == tasks[1].address + offset
    assert tasks[1].data[offset : offset + 8] == (0x100).to_bytes(8, "little")

"""The printk ring buffer of 5.10+ kernels (kernel/printk/printk_ringbuffer.c): a descriptor ring
and an info array in printk_rb_static, and text blocks "{id}{text}" in __log_buf, as dmesg and
linux.kmsg read them."""

from __future__ import annotations

import struct

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.clock import NSEC
from labkit.evidence.memory.kernel_symbols import LOG_BUF_SHIFT, PRINTK_DESCS
from labkit.evidence.memory.kernel_types import kernel_types

ID_MASK = (1 << 62) - 1
DESC_FINALIZED, DESC_REUSABLE = 2, 3
DESC0_ID = (-(PRINTK_DESCS + 1)) & ID_MASK  # the id _DEFINE_PRINTKRB gives the initial dummy descriptor
BLK0_LPOS = (-(1 << LOG_BUF_SHIFT)) & ((1 << 64) - 1)
LOG_NEWLINE = 2
# linux.kmsg stops before the newest descriptor (which a live kernel may still be filling), so the
# latest record of the running system is one more routine message after the scenario's lines.
LATEST_TEXT = (
    "perf: interrupt took too long (2504 > 2500), lowering kernel.perf_event_max_sample_rate to 79750"
)


def build_kmsg(ctx: BuildContext) -> None:
    memory = ctx.memory
    types = kernel_types()
    ring = memory.symbol_object("printk_rb_static")
    descs = ctx.layout.symbol("_printk_rb_static_descs")
    infos = ctx.layout.symbol("_printk_rb_static_infos")
    log_buf = ctx.layout.symbol("__log_buf")
    lines = sorted(ctx.spec.kmsg, key=lambda line: line.at)
    records = [(line.text, line.level, line.facility, ctx.clock.since_boot(line.at)) for line in lines]
    if records:
        latest = max(records[-1][3] + 1_000_000, ctx.clock.uptime_ns - 2 * NSEC)
        records.append((LATEST_TEXT, 6, 0, latest))
    records = records[-(PRINTK_DESCS - 1) :]
    offset = 0
    text_ring = bytearray()
    desc_size, info_size = types.size_of("prb_desc"), types.size_of("printk_info")
    dummy = memory.object("prb_desc", descs + (PRINTK_DESCS - 1) * desc_size)
    dummy.fill(
        {
            "state_var.counter": (DESC_REUSABLE << 62) | DESC0_ID,
            "text_blk_lpos.begin": 1,
            "text_blk_lpos.next": 1,
        }
    )
    count = 0
    for sequence, (text_str, level, facility, nanoseconds) in enumerate(records):
        text = text_str.encode()
        identifier = (DESC0_ID + 1 + sequence) & ID_MASK
        block = struct.pack("<Q", identifier) + text
        block += bytes(-len(block) % 8)
        if offset + len(block) > (1 << LOG_BUF_SHIFT):
            break
        begin = (BLK0_LPOS + offset) & ((1 << 64) - 1)
        text_ring += block
        offset += len(block)
        descriptor = memory.object("prb_desc", descs + (identifier % PRINTK_DESCS) * desc_size)
        descriptor.fill(
            {
                "state_var.counter": (DESC_FINALIZED << 62) | identifier,
                "text_blk_lpos.begin": begin,
                "text_blk_lpos.next": (begin + len(block)) & ((1 << 64) - 1),
            }
        )
        info = memory.object("printk_info", infos + (identifier % PRINTK_DESCS) * info_size)
        caller = 0x80000000 if nanoseconds < 2 * NSEC else 1 + sequence % 3000  # CPU(0) at boot, then tasks
        info.fill(
            {
                "seq": sequence,
                "ts_nsec": nanoseconds,
                "text_len": len(text),
                "flags": LOG_NEWLINE,
                "level": level,
                "facility": facility,
                "caller_id": caller,
            }
        )
        count += 1
    memory.blob(log_buf, bytes(text_ring))
    ring.fill(
        {
            "desc_ring.count_bits": PRINTK_DESCS.bit_length() - 1,
            "desc_ring.descs": descs,
            "desc_ring.infos": infos,
            "desc_ring.head_id.counter": (DESC0_ID + count) & ID_MASK,
            "desc_ring.tail_id.counter": DESC0_ID,
            "text_data_ring.size_bits": LOG_BUF_SHIFT,
            "text_data_ring.data": log_buf,
            "text_data_ring.head_lpos.counter": (BLK0_LPOS + offset) & ((1 << 64) - 1),
            "text_data_ring.tail_lpos.counter": BLK0_LPOS,
        }
    )
    memory.symbol_object("prb").put(0, ring.address.to_bytes(8, "little"))
    memory.symbol_object("log_buf").put(0, log_buf.to_bytes(8, "little"))
    memory.symbol_object("log_buf_len").put(0, (1 << LOG_BUF_SHIFT).to_bytes(4, "little"))

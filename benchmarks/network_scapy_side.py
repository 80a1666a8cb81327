"""The scapy side of the capture benchmark, run as its own process.

``python -m benchmarks.network_scapy_side PLAN CAPTURE [LIMIT]`` prints one JSON object.

Each planned packet becomes ``Ether()/IP()/TCP()/Raw()`` (or ``UDP()``) with
the plan's field values, the way a scapy user writes it; scapy fills in the
lengths, the IP protocol, the EtherType and the checksums when ``wrpcap``
serialises the packet. A frame shorter than Ethernet's 60 bytes gets a
``Padding`` layer, which labkit's builders add by themselves. ``wrpcap`` is
given a generator, so scapy too holds one packet at a time.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Padding, Raw
from scapy.utils import EDecimal, wrpcap

from .network_packets import TCP as TCP_PROTOCOL
from .network_packets import SynOptions, TimestampOptions
from .network_plan import TrafficPlan
from .process_memory import peak_resident_bytes, reset_peak, resident_bytes

_NOP = ("NOP", None)
_MINIMUM_FRAME = 60
_MICROSECONDS = EDecimal(1_000_000)


def scapy_options(options: SynOptions | TimestampOptions | None) -> list[tuple[str, Any]]:
    """The planned options as scapy's TCP option list, in the order labkit's builders lay them out."""
    if options is None:
        return []
    if type(options) is TimestampOptions:
        return [_NOP, _NOP, ("Timestamp", (options.tsval, options.tsecr))]
    mss, scale, sack, stamp = options.mss, options.window_scale, options.sack_permitted, options.timestamp
    layout: list[tuple[str, Any]] = [("MSS", mss)]
    scaling = [_NOP, ("WScale", scale)] if scale is not None else []
    if stamp is not None:
        tail = [("SAckOK", b"") if sack else _NOP] + ([] if sack else [_NOP]) + [("Timestamp", stamp)]
    else:
        tail = [_NOP, _NOP, ("SAckOK", b"")] if sack else []
    return layout + (tail + scaling if options.order == "linux" else scaling + tail)


def _options_length(options: list[tuple[str, Any]]) -> int:
    sizes = {"NOP": 1, "MSS": 4, "WScale": 3, "SAckOK": 2, "Timestamp": 10}
    return sum(sizes[name] for name, _ in options)


def scapy_packets(plan: TrafficPlan, limit: int) -> Iterator[Packet]:
    """The first ``limit`` planned packets as scapy packets, one at a time, with their capture times."""
    links, blob = plan.links, plan.blob
    for (
        ts_us, link, protocol, src_port, dst_port, offset, length, ip_id, dont_fragment,
        seq, ack, flags, window, options,
    ) in plan.packets[:limit]:  # fmt: skip
        src_mac, dst_mac, src_ip, dst_ip, ttl = links[link]
        ip = IP(src=src_ip, dst=dst_ip, ttl=ttl, id=ip_id, flags="DF" if dont_fragment else 0)
        if protocol == TCP_PROTOCOL:
            option_list = scapy_options(options)
            transport = TCP(
                sport=src_port,
                dport=dst_port,
                seq=seq,
                ack=ack,
                flags=flags,
                window=window,
                options=option_list,
            )
            headers = 54 + _options_length(option_list)
        else:
            transport = UDP(sport=src_port, dport=dst_port)
            headers = 42
        packet = Ether(src=src_mac, dst=dst_mac) / ip / transport
        if length:
            packet = packet / Raw(load=blob[offset : offset + length])
        if headers + length < _MINIMUM_FRAME:
            packet = packet / Padding(load=bytes(_MINIMUM_FRAME - headers - length))
        packet.time = EDecimal(ts_us) / _MICROSECONDS
        yield packet


def main(argv: list[str]) -> int:
    """Build and ``wrpcap`` the first LIMIT planned packets (all by default); print what it took as JSON."""
    plan = TrafficPlan.load(Path(argv[0]))
    capture = Path(argv[1])
    limit = int(argv[2]) if len(argv) > 2 else len(plan.packets)
    limit = min(limit, len(plan.packets))
    peak_reset = reset_peak()
    start_rss = resident_bytes()
    started = time.perf_counter()
    wrpcap(str(capture), scapy_packets(plan, limit))
    seconds = time.perf_counter() - started
    result = {
        "mode": "scapy",
        "work_seconds": seconds,
        "packets": limit,
        "peak_rss_bytes": peak_resident_bytes(),
        "start_rss_bytes": start_rss,
        "peak_is_of_work_alone": peak_reset,
        "file_bytes": capture.stat().st_size,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

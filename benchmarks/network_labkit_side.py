"""The labkit sides of the capture benchmark, each run as its own process.

``python -m benchmarks.network_labkit_side MODE PLAN CAPTURE`` prints one JSON object.

- ``pcap`` / ``pcapng``: the fast path. One :class:`Route` per direction of each
  flow, one ``tcp_frame`` / ``udp_frame`` per planned packet, streamed to a
  :class:`PcapWriter` / :class:`PcapngWriter`; nothing is kept in memory.
- ``sessions``: what the generator really does. Every conversation of the plan
  goes through :class:`TcpSession` (handshake, slow start, delayed ACKs, window
  and timestamp bookkeeping) and every lookup through :class:`UdpFlow`, into a
  :class:`Capture` that sorts, numbers and writes the frames at ``finish``. Its
  frames are its own, not the plan's packets, so its file is not compared.

The time reported is that of the work alone: loading the plan comes before it.
So does the memory: the child resets its high-water mark once the plan is
loaded and reports the peak of the work next to its size when the work began.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from random import Random

from labkit.errors import LabkitError
from labkit.evidence.network.wire import (
    Capture,
    Endpoint,
    PcapngWriter,
    PcapWriter,
    Route,
    TcpSession,
    UdpFlow,
    syn_options,
    timestamp_option,
)

from .network_packets import TCP, SynOptions, TimestampOptions
from .network_plan import Host, TrafficPlan
from .process_memory import peak_resident_bytes, reset_peak, resident_bytes

MODES = ("pcap", "pcapng", "sessions")
_WRITE_BUFFER = 1 << 20


def option_bytes(options: SynOptions | TimestampOptions | None) -> bytes:
    """The TCP options of a planned packet, laid out by labkit's own option builders."""
    if options is None:
        return b""
    if type(options) is TimestampOptions:
        return timestamp_option(options.tsval, options.tsecr)
    return syn_options(
        options.order,
        mss=options.mss,
        window_scale=options.window_scale,
        sack_permitted=options.sack_permitted,
        timestamp=options.timestamp,
    )


def write_fast_path(plan: TrafficPlan, path: Path, file_format: str) -> int:
    """Build every planned frame with ``Route`` and stream it to the file; returns the frame count."""
    routes = [Route(*link) for link in plan.links]
    blob = plan.blob
    with path.open("wb", buffering=_WRITE_BUFFER) as sink:
        writer = PcapWriter(sink) if file_format == "pcap" else PcapngWriter(sink, interface_name="eth0")
        with writer:
            write = writer.write
            for (
                ts_us, link, protocol, src_port, dst_port, offset, length, ip_id, dont_fragment,
                seq, ack, flags, window, options,
            ) in plan.packets:  # fmt: skip
                payload = blob[offset : offset + length]
                if protocol == TCP:
                    frame = routes[link].tcp_frame(
                        src_port, dst_port, seq, ack, flags, window, payload, option_bytes(options),
                        identification=ip_id, dont_fragment=dont_fragment,
                    )  # fmt: skip
                else:
                    frame = routes[link].udp_frame(
                        src_port, dst_port, payload, identification=ip_id, dont_fragment=dont_fragment
                    )
                write(ts_us, frame)
    return writer.packets


def endpoint(host: Host) -> Endpoint:
    """The labkit endpoint of a planned host: the TCP habits of its operating system."""
    linux = host.system == "linux"
    return Endpoint(
        name=host.name,
        mac=host.mac,
        ip=host.ip,
        ttl=host.ttl,
        window=65160 if linux else 64240,
        window_scale=7 if linux else 8,
        timestamps=linux,
        ip_id="zero" if linux else "counter",
        delayed_ack_us=40_000 if linux else 200_000,
    )


def render_sessions(plan: TrafficPlan, path: Path) -> int:
    """Render the plan's conversations with TcpSession and UdpFlow; returns the frame count."""
    capture = Capture(file_format="pcap")
    endpoints = [endpoint(host) for host in plan.hosts]
    rng = Random(plan.seed + 2)
    blob = plan.blob
    for lookup in plan.lookups:
        flow = UdpFlow(
            capture,
            endpoints[lookup.client],
            endpoints[lookup.resolver],
            lookup.client_port,
            53,
            lookup.query_us,
        )
        (q_offset, q_length), (a_offset, a_length) = lookup.query, lookup.answer
        flow.send("client", blob[q_offset : q_offset + q_length], at_us=lookup.query_us)
        flow.send("server", blob[a_offset : a_offset + a_length], at_us=lookup.answer_us)
    for conversation in plan.conversations:
        session = TcpSession(
            capture,
            endpoints[conversation.client],
            endpoints[conversation.server],
            conversation.client_port,
            conversation.server_port,
            conversation.start_us,
            conversation.rtt_us,
            rng,
        )
        session.connect()
        for write in conversation.writes:
            data = blob[write.offset : write.offset + write.length]
            session.send(write.sender, data, think_us=write.think_us)
        session.close("client")
    return capture.finish(path).packets


def main(argv: list[str]) -> int:
    """Load the plan, do the work of MODE, print seconds, frames, peak memory and file size as JSON."""
    mode, plan_path, capture = argv[0], Path(argv[1]), Path(argv[2])
    if mode not in MODES:
        sys.stderr.write(f"mode must be one of {', '.join(MODES)}, not {mode!r}\n")
        return 2
    plan = TrafficPlan.load(plan_path)
    peak_reset = reset_peak()
    start_rss = resident_bytes()  # interpreter, imports and the loaded plan
    started = time.perf_counter()
    try:
        if mode == "sessions":
            packets = render_sessions(plan, capture)
        else:
            packets = write_fast_path(plan, capture, mode)
    except LabkitError as error:
        sys.stderr.write(error.one_line() + "\n")
        return error.exit_code
    seconds = time.perf_counter() - started
    result = {
        "mode": mode,
        "work_seconds": seconds,
        "packets": packets,
        "peak_rss_bytes": peak_resident_bytes(),
        "start_rss_bytes": start_rss,
        "peak_is_of_work_alone": peak_reset,
        "file_bytes": capture.stat().st_size,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

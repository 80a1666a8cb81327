"""``labkit net conversations``: TCP and UDP conversations, as ``tshark -q -z conv,tcp`` counts them."""

from __future__ import annotations

import click

from labkit.cli.disk_render import OutputTable, emit_json, show, use_plain
from labkit.cli.net_options import CAPTURE, JSON, PLAIN, TZ
from labkit.cli.net_render import (
    document,
    endpoint,
    net_jsonable,
    optional,
    shown_time,
    warn_if_truncated,
    zone_label,
    zone_of,
)
from labkit.tools import net as tools


@click.command()
@CAPTURE
@click.option(
    "--protocol",
    type=click.Choice(["tcp", "udp", "all"]),
    default="all",
    show_default=True,
    help="Which conversations to list.",
)
@click.option(
    "--sort",
    type=click.Choice(tools.SORT_KEYS),
    default="bytes",
    show_default=True,
    help="bytes/frames: most first; stream: by index; start: by first frame.",
)
@TZ
@PLAIN
@JSON
def conversations(
    capture: str, protocol: str, sort: str, zone_name: str | None, plain: bool, as_json: bool
) -> None:
    """TCP and UDP conversations with their tcp.stream / udp.stream index, frames and bytes each way.

    A is the sender of the conversation's first frame. Use the index with
    `tshark -r CAPTURE -q -z follow,tcp,ascii,N` or `-Y tcp.stream==N`. Bytes are
    frame lengths on the wire, as tshark counts them; "Rel start" is seconds since the
    first frame of the capture.
    """
    zone = zone_of(zone_name)
    chosen = ("tcp", "udp") if protocol == "all" else (protocol,)
    table = tools.list_conversations(capture, chosen, sort)
    warn_if_truncated(table.truncation)
    if as_json:
        rows = [{**net_jsonable(row, zone), "frames": row.frames, "bytes": row.bytes} for row in table.rows]
        return emit_json(document(table.path, zone_name, table.truncation, conversations=rows))
    output = OutputTable(
        "Proto",
        "Stream",
        "Address A",
        "Address B",
        "A→B frames",
        "A→B bytes",
        "B→A frames",
        "B→A bytes",
        "Frames",
        "Bytes",
        f"Start ({zone_label(zone_name)})",
        "Rel start",
        "Duration",
        "App",
    )
    for row in table.rows:
        output.add_row(
            row.protocol,
            str(row.stream),
            endpoint(row.address_a, row.port_a),
            endpoint(row.address_b, row.port_b),
            str(row.frames_a_to_b),
            str(row.bytes_a_to_b),
            str(row.frames_b_to_a),
            str(row.bytes_b_to_a),
            str(row.frames),
            str(row.bytes),
            shown_time(row.start, zone),
            _seconds(row.relative_start_ns, table.timestamp_digits),
            _seconds(row.duration_ns, table.timestamp_digits),
            optional(row.application),
        )
    show(output, use_plain(plain))


def _seconds(value: int | None, digits: int) -> str:
    return "" if value is None else tools.seconds_text(value, digits)

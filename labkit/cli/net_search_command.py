"""``labkit net search``: a string or bytes regex over reassembled TCP streams and UDP/ICMP payloads."""

from __future__ import annotations

import click

from labkit.cli.disk_render import OutputTable, emit_json, show, use_plain, warn
from labkit.cli.net_options import CAPTURE, JSON, PLAIN, TZ
from labkit.cli.net_render import (
    document,
    escape_bytes,
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
@click.argument("pattern")
@click.option(
    "--regex",
    "-E",
    "regex",
    is_flag=True,
    help="PATTERN is a Python bytes regex (e.g. 'pass(word)?=\\S+'); '.' also matches a line break, "
    "so bound a match with [^\\r\\n]*; add (?m) for ^ and $ at line starts and ends.",
)
@click.option("-i", "--ignore-case", is_flag=True, help="Match upper and lower case alike (ASCII).")
@click.option(
    "--context", default=32, show_default=True, type=click.IntRange(0, 4096), help="Bytes shown each side."
)
@click.option(
    "--max", "limit", default=1000, show_default=True, type=click.IntRange(1), help="Stop after N hits."
)
@TZ
@PLAIN
@JSON
def search(
    capture: str,
    pattern: str,
    regex: bool,
    ignore_case: bool,
    context: int,
    limit: int,
    zone_name: str | None,
    plain: bool,
    as_json: bool,
) -> None:
    """Find PATTERN in reassembled TCP streams (each direction) and in UDP and ICMP payloads.

    Matches split across TCP segments are found. Each hit gives tcp.stream, direction,
    the offset in the reassembled direction (as Follow TCP Stream counts), and the frame
    carrying its first byte; bytes are shown escaped (\\r, \\n, \\xNN).
    """
    zone = zone_of(zone_name)
    report = tools.search_capture(
        capture, pattern, regex=regex, ignore_case=ignore_case, context=context, limit=limit
    )
    warn_if_truncated(report.truncation)
    if report.limit_reached:
        warn(f"stopped after {limit} hits (--max); narrow the pattern or raise --max")
    if as_json:
        hits = [{**net_jsonable(hit, zone), "match_hex": hit.match.hex()} for hit in report.hits]
        return emit_json(
            document(
                report.path,
                zone_name,
                report.truncation,
                pattern=pattern,
                regex=regex,
                ignore_case=ignore_case,
                limit_reached=report.limit_reached,
                hits=hits,
            )
        )
    table = OutputTable(
        "Frame",
        f"Time ({zone_label(zone_name)})",
        "Proto",
        "Stream",
        "Direction",
        "From",
        "To",
        "Offset",
        "Match",
        "Context",
    )
    for hit in report.hits:
        snippet = f"{escape_bytes(hit.before)}[{escape_bytes(hit.match)}]{escape_bytes(hit.after)}"
        table.add_row(
            str(hit.frame),
            shown_time(hit.time, zone),
            hit.protocol,
            optional(hit.stream),
            hit.direction,
            hit.source,
            hit.target,
            str(hit.offset),
            escape_bytes(hit.match),
            snippet,
        )
    show(table, use_plain(plain))

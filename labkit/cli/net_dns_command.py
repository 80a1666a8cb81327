"""``labkit net dns``: DNS lookups with their answers, or statistics per registered domain."""

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
    "--domains",
    is_flag=True,
    help="One row per registered domain (queries, unique names, name length, label entropy): "
    "a DNS tunnel is one domain with many long, high-entropy names.",
)
@TZ
@PLAIN
@JSON
def dns(capture: str, domains: bool, zone_name: str | None, plain: bool, as_json: bool) -> None:
    """Every DNS query (port 53, UDP and TCP) with its response: name, type, rcode, answers.

    Frames are Wireshark's (`tshark -Y dns`); an unanswered query has no response
    frame and no rcode.
    """
    zone = zone_of(zone_name)
    report = tools.list_dns(capture)
    warn_if_truncated(report.truncation)
    if domains:
        statistics = tools.domain_statistics(report.lookups)
        if as_json:
            return emit_json(
                document(report.path, zone_name, report.truncation, domains=net_jsonable(statistics, zone))
            )
        table = OutputTable(
            "Domain",
            "Queries",
            "Unique names",
            "Mean length",
            "Max length",
            "Entropy (bits/char)",
            "NXDOMAIN",
            "Types",
        )
        for item in statistics:
            table.add_row(
                item.domain,
                str(item.queries),
                str(item.unique_names),
                f"{item.mean_name_length:.1f}",
                str(item.max_name_length),
                f"{item.label_entropy:.2f}",
                str(item.nxdomain),
                ",".join(item.query_types),
            )
        return show(table, use_plain(plain))
    if as_json:
        return emit_json(
            document(report.path, zone_name, report.truncation, lookups=net_jsonable(report.lookups, zone))
        )
    table = OutputTable(
        "Query frame",
        "Response frame",
        f"Time ({zone_label(zone_name)})",
        "Client",
        "Server",
        "Proto",
        "ID",
        "Name",
        "Type",
        "Rcode",
        "Answers",
    )
    for lookup in report.lookups:
        table.add_row(
            optional(lookup.query_frame),
            optional(lookup.response_frame),
            shown_time(lookup.time, zone),
            endpoint(lookup.client, lookup.client_port),
            lookup.server,
            lookup.transport,
            f"0x{lookup.id:04x}",
            lookup.name,
            lookup.type,
            lookup.rcode or "(no response)",
            "; ".join(lookup.answers),
        )
    show(table, use_plain(plain))

"""``labkit net http``: HTTP requests with their responses."""

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
@TZ
@PLAIN
@JSON
def http(capture: str, zone_name: str | None, plain: bool, as_json: bool) -> None:
    """Every HTTP/1.x request: frame, client, server, tcp.stream, method, host, URI, User-Agent, status.

    The request frame is the one carrying the request's last byte (where Wireshark
    shows it); the body length is the entity Export Objects saves (de-chunked and
    decompressed). HTTP is recognised on any port.
    """
    zone = zone_of(zone_name)
    report = tools.list_http(capture)
    warn_if_truncated(report.truncation)
    if as_json:
        return emit_json(
            document(
                report.path, zone_name, report.truncation, requests=net_jsonable(report.transactions, zone)
            )
        )
    table = OutputTable(
        "Frame",
        f"Time ({zone_label(zone_name)})",
        "Client",
        "Server",
        "Stream",
        "Method",
        "Host",
        "URI",
        "User-Agent",
        "Status",
        "Content type",
        "Body length",
        "Response frame",
        "Notes",
    )
    for row in report.transactions:
        table.add_row(
            str(row.request_frame),
            shown_time(row.time, zone),
            endpoint(row.client, row.client_port),
            endpoint(row.server, row.server_port),
            str(row.stream),
            row.method,
            row.host,
            row.uri,
            row.user_agent,
            optional(row.status),
            row.content_type,
            optional(row.body_length),
            optional(row.response_frame),
            "; ".join(row.notes),
        )
    show(table, use_plain(plain))

"""``labkit net creds``: credentials sent in cleartext."""

from __future__ import annotations

import click

from labkit.cli.disk_render import OutputTable, Styled, emit_json, show, use_plain
from labkit.cli.net_options import CAPTURE, JSON, PLAIN, TZ
from labkit.cli.net_render import (
    document,
    endpoint,
    net_jsonable,
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
def creds(capture: str, zone_name: str | None, plain: bool, as_json: bool) -> None:
    """Cleartext logins: FTP, HTTP Basic and login forms, SMTP AUTH, POP3, IMAP.

    The frame is the one carrying the password (as `tshark -q -z credentials`
    shows); the result is the server's answer (230/530, 235/535, +OK/-ERR, OK/NO,
    the HTTP status).
    """
    zone = zone_of(zone_name)
    report = tools.find_credentials(capture)
    warn_if_truncated(report.truncation)
    if as_json:
        return emit_json(
            document(
                report.path, zone_name, report.truncation, credentials=net_jsonable(report.credentials, zone)
            )
        )
    table = OutputTable(
        "Protocol",
        "Mechanism",
        "Frame",
        f"Time ({zone_label(zone_name)})",
        "Stream",
        "Client",
        "Server",
        "User",
        "Password",
        "Result",
    )
    for item in report.credentials:
        verdict = "" if item.accepted is None else "green" if item.accepted else "red"
        result = Styled(item.result, verdict) if verdict and item.result else item.result
        table.add_row(
            item.protocol,
            item.mechanism,
            str(item.frame),
            shown_time(item.time, zone),
            str(item.stream),
            endpoint(item.client, item.client_port),
            endpoint(item.server, item.server_port),
            item.user,
            item.password,
            result,
        )
    show(table, use_plain(plain))

"""Options shared by the ``labkit net`` subcommands, declared once."""

from __future__ import annotations

import click

from labkit.cli.disk_options import JSON, PLAIN

__all__ = ["CAPTURE", "JSON", "PLAIN", "TZ"]

CAPTURE = click.argument("capture", type=click.Path(dir_okay=True, path_type=str))
TZ = click.option(
    "--tz",
    "zone_name",
    default=None,
    metavar="ZONE",
    help="Zone to show times in (IANA name, e.g. Asia/Almaty). Capture times are UTC instants; "
    "they are converted and shown with the zone's offset. Default: UTC (+00:00).",
)

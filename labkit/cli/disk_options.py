"""Options shared by the ``labkit disk`` subcommands, declared once."""

from __future__ import annotations

import click

from labkit.tools.disk.fat_decoding import DEFAULT_OEM_CODE_PAGE, OEM_CODE_PAGES

TZ_HELP = (
    "Zone the device's clock was set to (IANA name, e.g. Asia/Almaty). FAT stores the "
    "local wall-clock time of the computer that wrote it, with no zone: without --tz "
    "those times are printed as stored with no offset (zone unknown); with --tz the same "
    "digits are printed in ISO 8601 with that zone's offset (never shifted). File systems "
    "that store UTC are converted to ZONE (default: shown in UTC)."
)
IMAGE = click.argument("image", type=click.Path(dir_okay=True, path_type=str))
PARTITION = click.option(
    "-p",
    "--partition",
    type=int,
    default=None,
    help="Partition # as `labkit disk info` (and mmls' first column) shows it; "
    "default: the first file system found.",
)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
PLAIN = click.option(
    "--plain",
    is_flag=True,
    help="Tab-separated lines instead of a table (the default when stdout is not a terminal).",
)
TZ = click.option("--tz", "zone_name", default=None, metavar="ZONE", help=TZ_HELP)
INODE = click.option("-i", "--inode", type=int, default=None, help="TSK metadata address (as ls shows it).")
CODEPAGE = click.option(
    "--codepage",
    type=click.Choice(OEM_CODE_PAGES),
    default=DEFAULT_OEM_CODE_PAGE,
    show_default=True,
    help="OEM code page the 8.3 short names were written in: FAT does not record it. "
    "cp866 for Russian/Kazakh Windows, cp437 US, cp850 Western Europe, cp852 Central Europe. "
    "(TSK's istat prints these bytes as '^'.)",
)

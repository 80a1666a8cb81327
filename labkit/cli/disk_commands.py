"""``labkit disk``: read-only analysis of raw and E01 images, for trainees.

Parsing and rendering only: the work is in :mod:`labkit.tools.disk`. One module per
subcommand (``disk_*_command.py``); each prints a table for people, tab-separated
lines when piped (or with ``--plain``), or one JSON document with ``--json``.
"""

from __future__ import annotations

import click

from labkit.cli.disk_cat_command import cat
from labkit.cli.disk_hash_command import hash_command
from labkit.cli.disk_info_command import info
from labkit.cli.disk_list_command import list_command
from labkit.cli.disk_recover_command import recover
from labkit.cli.disk_stat_command import stat


@click.group()
def disk() -> None:
    """Analyse disk images (raw .dd/.raw/.img or .E01) read-only, like The Sleuth Kit."""


for _command in (info, list_command, stat, cat, recover, hash_command):
    disk.add_command(_command)

"""``labkit disk cat``: a file's bytes (deleted files too) to stdout, like icat."""

from __future__ import annotations

import sys

import click

from labkit.cli.disk_options import IMAGE, INODE, PARTITION
from labkit.cli.disk_warnings import warn_about_damage, warn_about_truncation
from labkit.tools import disk as tools


@click.command()
@IMAGE
@click.argument("path", required=False)
@INODE
@PARTITION
@click.option(
    "--slack", is_flag=True, help="Only the file slack: bytes after end of file up to the cluster's end."
)
def cat(image: str, path: str | None, inode: int | None, partition: int | None, slack: bool) -> None:
    """Write a file's content (deleted files too) to stdout, byte for byte."""
    out = sys.stdout.buffer
    with tools.open_evidence(image, partition) as file_system:
        target = tools.open_target(file_system, path=path, inode=inode)
        reader = tools.iter_file_slack if slack else tools.iter_file_content
        for chunk in reader(file_system, target):
            out.write(chunk)
        out.flush()
        # After the data, so that a failed read is one error line, not a warning and an error.
        warn_about_truncation(file_system)
        warn_about_damage(file_system.image)

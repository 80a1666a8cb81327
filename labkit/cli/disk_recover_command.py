"""``labkit disk recover``: copy files (deleted included) out of an image, with their SHA-256."""

from __future__ import annotations

import shlex

import click

from labkit.cli.disk_options import IMAGE, JSON, PARTITION, PLAIN
from labkit.cli.disk_render import OutputTable, Styled, emit_json, escape_controls, jsonable, show, use_plain
from labkit.cli.disk_warnings import warn_about_damage, warn_about_truncation
from labkit.errors import EvidenceError
from labkit.tools import disk as tools


@click.command()
@IMAGE
@click.argument("paths", nargs=-1)
@click.option("--out", "output_dir", required=True, help="New (or empty) directory to recover into.")
@click.option("--deleted-only", is_flag=True, help="Only deleted files.")
@PARTITION
@PLAIN
@JSON
def recover(
    image: str,
    paths: tuple[str, ...],
    output_dir: str,
    deleted_only: bool,
    partition: int | None,
    plain: bool,
    as_json: bool,
) -> None:
    """Copy files (deleted included) out of the image into --out, with SHA-256 of each."""
    with tools.open_evidence(image, partition) as file_system:
        warn_about_truncation(file_system)
        report = tools.recover_files(file_system, output_dir, paths, deleted_only=deleted_only)
        warn_about_damage(file_system.image)
    if as_json:
        emit_json(jsonable(report, None))
    else:
        show(_table(report), use_plain(plain))
    live_failures = [item for item in report.failed if not item.deleted]
    if live_failures:
        raise EvidenceError(
            f"{len(live_failures)} of {len(report.files)} allocated files could not be recovered"
        )
    if not as_json:
        # A deleted file whose first cluster is in use again is a finding, not a tool failure.
        for item in report.files:
            if item.deleted and (item.error or item.note):
                click.echo(_recovery_note(image, item), err=True)


def _table(report: tools.RecoveryReport) -> OutputTable:
    table = OutputTable(
        "Inode", "", "Image path", "Size", "Written as", "SHA-256", "Note", title=report.output_dir
    )
    for item in report.files:
        written = item.output_path + (" (renamed)" if item.renamed else "")
        table.add_row(
            str(item.inode), "*" if item.deleted else "", item.image_path, str(item.size),
            Styled(f"not written: {item.error}", "red") if item.error else written, item.sha256 or "",
            Styled(item.note, "yellow") if item.note else "",
        )  # fmt: skip
    return table


def _recovery_note(image: str, item: tools.RecoveredFile) -> str:
    """Why a deleted file's recovered content is not (all) its own, and how the trainee can check it."""
    image_arg = shlex.quote(image)
    check = f"compare `labkit disk stat {image_arg} -i {item.inode}` (first cluster)"
    owner = item.first_cluster_owner
    if item.error is None:
        compare = f"; {check} with `labkit disk stat {image_arg} {shlex.quote(owner)}`" if owner else ""
        lead = f"note: deleted inode {item.inode} ({item.image_path}) was written, but its"
        return escape_controls(f"{lead} {item.note}{compare}")
    lead = (
        f"note: deleted inode {item.inode} ({item.image_path}) could not be recovered whole: "
        "its first cluster"
    )
    if owner is None:
        note = (
            f"{lead} is allocated to another file (or too few free clusters follow it), so TSK gives only "
            f"that cluster; {check} with the first clusters of the allocated files"
        )
    else:
        note = (
            f"{lead} is allocated to {owner}, which may be the same data under a new name (a move "
            f"or rename leaves the old entry behind); {check} with "
            f"`labkit disk stat {image_arg} {shlex.quote(owner)}`"
        )
    return escape_controls(note)

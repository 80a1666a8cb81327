"""``labkit disk ls``: list files like ``fls -r -p``, deleted entries included."""

from __future__ import annotations

from datetime import tzinfo

import click

from labkit.cli.disk_options import CODEPAGE, IMAGE, JSON, PARTITION, PLAIN, TZ
from labkit.cli.disk_render import OutputTable, emit_json, escape_controls, jsonable, show, use_plain
from labkit.cli.disk_time_format import shown_time, time_basis, times_note, times_of, with_basis, zone_of
from labkit.cli.disk_warnings import warn_about_damage, warn_about_truncation
from labkit.tools import disk as tools

_ATTRIBUTE_LETTERS = (("read-only", "R"), ("hidden", "H"), ("system", "S"), ("archive", "A"))


@click.command(name="ls")
@IMAGE
@click.argument("path", default="/")
@click.option("-r", "--recursive", is_flag=True, help="Descend into subdirectories (like fls -r).")
@click.option("--deleted-only", is_flag=True, help="Only deleted entries (fls -d).")
@click.option("-l", "--long", "long_format", is_flag=True, help="Add size and M/A/C/B times.")
@PARTITION
@TZ
@CODEPAGE
@PLAIN
@JSON
def list_command(
    image: str,
    path: str,
    recursive: bool,
    deleted_only: bool,
    long_format: bool,
    partition: int | None,
    zone_name: str | None,
    codepage: str,
    plain: bool,
    as_json: bool,
) -> None:
    """List files like `fls -r -p`: type, inode, path; deleted entries marked `*`.

    Piped (or with --plain) each entry is one fls-style line, `r/r * 5:<TAB>/path`,
    with -l followed by tab-separated attributes, size and M/A/C/B times (after one
    `# Times:` line that says how to read them).
    """
    zone = zone_of(zone_name)
    with tools.open_evidence(image, partition) as file_system:
        warn_about_truncation(file_system)
        entries = tools.list_files(
            file_system, path, recursive=recursive, deleted_only=deleted_only, codepage=codepage
        )
        warn_about_damage(file_system.image)
    basis = time_basis([t for entry in entries for t in times_of(entry)], zone_name)
    if as_json:
        # Every entry says how to read its times, so the listing stays a plain JSON array.
        return emit_json([with_basis(jsonable(entry, zone), basis) for entry in entries])
    if use_plain(plain):
        if long_format:
            click.echo(f"# Times: {times_note(basis)}")
        for entry in entries:
            click.echo(_fls_line(entry, long_format, zone))
        return
    columns = ["Type", "Inode", "", "Path"] + (
        ["Attr", "Size", "Modified", "Accessed", "Changed", "Created"] if long_format else []
    )
    table = OutputTable(*columns, caption=f"Times: {times_note(basis)}" if long_format else None)
    for entry in entries:
        table.add_row(*_cells(entry, long_format, zone))
    show(table, plain=False)


def _cells(entry: tools.FileEntry, long_format: bool, zone: tzinfo | None) -> list[str]:
    row = [entry.type, str(entry.inode), "*" if entry.deleted else "", entry.path]
    if long_format:
        row += [attribute_letters(entry.attributes), "" if entry.size is None else str(entry.size)]
        row += [shown_time(t, zone) for t in times_of(entry)]
    return row


def _fls_line(entry: tools.FileEntry, long_format: bool, zone: tzinfo | None) -> str:
    """``r/r * 5:<TAB>/path`` as fls prints it, then the -l columns."""
    fields = [f"{entry.type} {'* ' if entry.deleted else ''}{entry.inode}:", entry.path]
    if long_format:
        fields += _cells(entry, long_format, zone)[4:]
    return "\t".join(escape_controls(field) for field in fields)


def attribute_letters(attributes: tuple[str, ...]) -> str:
    """FAT attributes as `attrib` shows them: R(ead-only) H(idden) S(ystem) A(rchive)."""
    return "".join(letter for name, letter in _ATTRIBUTE_LETTERS if name in attributes)

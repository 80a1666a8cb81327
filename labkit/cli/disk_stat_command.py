"""``labkit disk stat``: one file's metadata, like istat."""

from __future__ import annotations

from datetime import tzinfo

import click

from labkit.cli.disk_options import CODEPAGE, IMAGE, INODE, JSON, PARTITION, PLAIN, TZ
from labkit.cli.disk_render import OutputTable, emit_json, jsonable, number_ranges, show, use_plain
from labkit.cli.disk_time_format import shown_time, time_basis, times_note, times_of, with_basis, zone_of
from labkit.cli.disk_warnings import warn_about_damage, warn_about_truncation
from labkit.tools import disk as tools
from labkit.tools.disk.timestamps import TimeBasis


@click.command()
@IMAGE
@click.argument("path", required=False)
@INODE
@PARTITION
@TZ
@CODEPAGE
@PLAIN
@JSON
def stat(
    image: str,
    path: str | None,
    inode: int | None,
    partition: int | None,
    zone_name: str | None,
    codepage: str,
    plain: bool,
    as_json: bool,
) -> None:
    """Metadata of one file (like istat): names, attributes, times, clusters."""
    zone = zone_of(zone_name)
    with tools.open_evidence(image, partition) as file_system:
        warn_about_truncation(file_system)
        meta = tools.stat_file(file_system, path=path, inode=inode, codepage=codepage)
        warn_about_damage(file_system.image)
    basis = time_basis(times_of(meta), zone_name)
    if as_json:
        return emit_json(with_basis(jsonable(meta, zone), basis))
    table = OutputTable("Field", "Value", title=f"inode {meta.inode}")
    for label, value in _rows(meta, zone, basis):
        table.add_row(label, value)
    show(table, use_plain(plain))


def _rows(meta: tools.FileMetadata, zone: tzinfo | None, basis: TimeBasis) -> list[tuple[str, str]]:
    state = ("allocated" if meta.allocated else "not allocated") + (", name deleted" if meta.deleted else "")
    rows = [
        ("path", meta.path or "(no name found: orphan)"),
        ("short name", f"{meta.short_name} ({meta.short_name_codepage})" if meta.short_name else ""),
        ("state", state),
        ("type", "directory" if meta.is_directory else meta.type),
        ("size", str(meta.size)),
        ("attributes", ", ".join(meta.attributes) or "-"),
        ("modified", shown_time(meta.modified, zone)),
        ("accessed", shown_time(meta.accessed, zone)),
        ("changed", shown_time(meta.changed, zone)),
        ("created", shown_time(meta.created, zone)),
        ("times", times_note(basis)),
        ("first cluster", _first_cluster(meta)),
        ("clusters", number_ranges(meta.clusters)),
        ("sectors", ", ".join(f"{r.first_block}-{r.first_block + r.block_count - 1}" for r in meta.sectors)),
        ("slack", f"{meta.slack_size} bytes"),
    ]
    if meta.first_image_sector:
        rows.append(("image sector", f"file-system sector + {meta.first_image_sector}"))
    if meta.note:
        rows.append(("note", meta.note))
    return rows


def _first_cluster(meta: tools.FileMetadata) -> str:
    if meta.first_cluster is None:
        return ""
    if meta.deleted and meta.first_cluster_allocated:
        return f"{meta.first_cluster} (allocated now: in use by another file)"
    return str(meta.first_cluster)

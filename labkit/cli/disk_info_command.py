"""``labkit disk info``: the container, its partition table and each file system (like mmls + fsstat)."""

from __future__ import annotations

import click

from labkit.cli.disk_options import IMAGE, JSON, PLAIN
from labkit.cli.disk_render import OutputTable, emit_json, jsonable, show, show_line, use_plain, warn
from labkit.cli.disk_warnings import warn_about_damage
from labkit.tools import disk as tools


@click.command()
@IMAGE
@PLAIN
@JSON
def info(image: str, plain: bool, as_json: bool) -> None:
    """Image format, size, E01 metadata, partition table and file systems."""
    with tools.open_image(image) as opened:
        survey = tools.survey_image(opened)
        for warning in survey.warnings:
            warn(warning)
        warn_about_damage(opened)
    if as_json:
        return emit_json(jsonable(survey, None))
    plain = use_plain(plain)
    summary = survey.image
    show_line(f"{summary.path}: {summary.format.value}, media {summary.media_size} bytes", plain)
    if summary.ewf is not None:
        show(_ewf_table(summary.ewf), plain)
    if survey.partition_table is None:
        show_line("No partition table: the file system starts at sector 0 (superfloppy).", plain)
    else:
        partitions = survey.partition_table
        table = OutputTable(
            "#", "Slot", "Start", "End", "Length", "Description", title=f"{partitions.title} partitions"
        )
        for row in partitions.entries:
            numbers = (row.start_sector, row.end_sector, row.length_sectors)
            table.add_row(f"{row.index:03d}", row.slot, *(str(n) for n in numbers), row.description)
        show(table, plain)
    for fs in survey.file_systems:
        where = "whole image" if fs.partition_index is None else f"partition #{fs.partition_index:03d}"
        table = OutputTable("Field", "Value", title=f"{fs.type_name} at {where}, offset {fs.offset}")
        for label, value in _file_system_rows(fs):
            table.add_row(label, value)
        show(table, plain)


def _ewf_table(ewf: tools.EwfMetadata) -> OutputTable:
    table = OutputTable("EWF field", "Value")
    for key, value in ewf.headers.items():
        table.add_row(key, value)
    table.add_row("stored MD5", ewf.stored_md5 or "(none stored)")
    table.add_row("stored SHA1", ewf.stored_sha1 or "(none stored)")
    table.add_row("media", f"{ewf.media_type}, {'physical' if ewf.is_physical else 'logical'}")
    table.add_row("sectors", f"{ewf.number_of_sectors} x {ewf.bytes_per_sector} bytes")
    table.add_row("segments", ", ".join(ewf.segment_files))
    return table


def _file_system_rows(fs: tools.FileSystemSummary) -> list[tuple[str, str]]:
    rows = [
        ("label (root directory)", fs.label_root_directory),
        ("label (boot sector)", fs.label_boot_sector),
        ("serial", fs.serial),
        ("OEM name", fs.oem_name),
        ("sector size", fs.sector_size),
        ("cluster size", fs.cluster_size),
        ("total sectors", fs.total_sectors),
        (
            "clusters (total / free)",
            None if fs.cluster_count is None else f"{fs.cluster_count} / {fs.free_cluster_count}",
        ),
        ("reserved sectors", fs.reserved_sectors),
        (
            "FATs x sectors per FAT",
            None if fs.fat_count is None else f"{fs.fat_count} x {fs.sectors_per_fat}",
        ),
        ("root directory entries", fs.root_entry_count),
        ("inode range (root)", f"{fs.first_inode}-{fs.last_inode} ({fs.root_inode})"),
    ]
    return [(label, str(value)) for label, value in rows if value is not None]

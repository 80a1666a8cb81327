"""``labkit disk``: read-only analysis of raw and E01 images, for trainees.

Parsing and rendering only: the work is in :mod:`labkit.tools.disk`. Every command
prints a rich table for people or, with ``--json``, one JSON document for machines.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import shlex
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from labkit.errors import EvidenceError, UsageError
from labkit.tools import disk as tools
from labkit.tools.disk.timestamps import (
    LOCAL_TIMES_UNZONED,
    LOCAL_TIMES_ZONED,
    UTC_INSTANTS,
    FileTime,
    TimeBasis,
    describe_times,
)

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
TZ = click.option("--tz", "zone_name", default=None, metavar="ZONE", help=TZ_HELP)
INODE = click.option("-i", "--inode", type=int, default=None, help="TSK metadata address (as ls shows it).")


@click.group()
def disk() -> None:
    """Analyse disk images (raw .dd/.raw/.img or .E01) read-only, like The Sleuth Kit."""


@disk.command()
@IMAGE
@JSON
def info(image: str, as_json: bool) -> None:
    """Image format, size, E01 metadata, partition table and file systems."""
    with tools.open_image(image) as opened:
        survey = tools.survey_image(opened)
    if as_json:
        return _emit_json(_jsonable(survey, None))
    console = _console()
    summary = survey.image
    console.print(
        Text(f"{summary.path}: {summary.format.value}, media {summary.media_size} bytes", style="bold")
    )
    if summary.ewf is not None:
        ewf = summary.ewf
        table = _table("EWF field", "Value")
        for key, value in ewf.headers.items():
            table.add_row(key, value)
        table.add_row("stored MD5", ewf.stored_md5 or "(none stored)")
        table.add_row("stored SHA1", ewf.stored_sha1 or "(none stored)")
        table.add_row("media", f"{ewf.media_type}, {'physical' if ewf.is_physical else 'logical'}")
        table.add_row("sectors", f"{ewf.number_of_sectors} x {ewf.bytes_per_sector} bytes")
        table.add_row("segments", ", ".join(ewf.segment_files))
        console.print(table)
    if survey.partition_table is None:
        console.print("No partition table: the file system starts at sector 0 (superfloppy).")
    else:
        partitions = survey.partition_table
        table = _table(
            "#", "Slot", "Start", "End", "Length", "Description", title=f"{partitions.title} partitions"
        )
        for row in partitions.entries:
            numbers = (row.start_sector, row.end_sector, row.length_sectors)
            table.add_row(f"{row.index:03d}", row.slot, *(str(n) for n in numbers), row.description)
        console.print(table)
    for fs in survey.file_systems:
        where = "whole image" if fs.partition_index is None else f"partition #{fs.partition_index:03d}"
        table = _table("Field", "Value", title=f"{fs.type_name} at {where}, offset {fs.offset}")
        for label, value in _file_system_rows(fs):
            table.add_row(label, value)
        console.print(table)


@disk.command(name="ls")
@IMAGE
@click.argument("path", default="/")
@click.option("-r", "--recursive", is_flag=True, help="Descend into subdirectories (like fls -r).")
@click.option("--deleted-only", is_flag=True, help="Only deleted entries (fls -d).")
@click.option("-l", "--long", "long_format", is_flag=True, help="Add size and M/A/C/B times.")
@PARTITION
@TZ
@JSON
def list_command(
    image: str,
    path: str,
    recursive: bool,
    deleted_only: bool,
    long_format: bool,
    partition: int | None,
    zone_name: str,
    as_json: bool,
) -> None:
    """List files like `fls -r -p`: type, inode, path; deleted entries marked `*`."""
    zone = _zone(zone_name)
    with tools.open_evidence(image, partition) as file_system:
        entries = tools.list_files(file_system, path, recursive=recursive, deleted_only=deleted_only)
    basis = _basis([t for entry in entries for t in _times_of(entry)], zone_name)
    if as_json:
        # Every entry says how to read its times, so the listing stays a plain JSON array.
        return _emit_json([_with_basis(_jsonable(entry, zone), basis) for entry in entries])
    columns = ["Type", "Inode", "", "Path"] + (
        ["Attr", "Size", "Modified", "Accessed", "Changed", "Created"] if long_format else []
    )
    table = _table(*columns, caption=f"Times: {_times_note(basis)}" if long_format else None)
    for entry in entries:
        row = [entry.type, str(entry.inode), "*" if entry.deleted else "", entry.path]
        if long_format:
            row += [_attribute_letters(entry.attributes), "" if entry.size is None else str(entry.size)]
            row += [_time(t, zone) for t in _times_of(entry)]
        table.add_row(*row)
    _console().print(table)


def _attribute_letters(attributes: tuple[str, ...]) -> str:
    """FAT attributes as `attrib` shows them: R(ead-only) H(idden) S(ystem) A(rchive)."""
    letters = {"read-only": "R", "hidden": "H", "system": "S", "archive": "A"}
    return "".join(letters[a] for a in ("read-only", "hidden", "system", "archive") if a in attributes)


@disk.command()
@IMAGE
@click.argument("path", required=False)
@INODE
@PARTITION
@TZ
@JSON
def stat(
    image: str, path: str | None, inode: int | None, partition: int | None, zone_name: str, as_json: bool
) -> None:
    """Metadata of one file (like istat): names, attributes, times, clusters."""
    zone = _zone(zone_name)
    with tools.open_evidence(image, partition) as file_system:
        meta = tools.stat_file(file_system, path=path, inode=inode)
    basis = _basis(_times_of(meta), zone_name)
    if as_json:
        return _emit_json(_with_basis(_jsonable(meta, zone), basis))
    table = _table("Field", "Value", title=f"inode {meta.inode}")
    rows = [
        ("path", meta.path or "(no name found: orphan)"),
        ("short name", meta.short_name or ""),
        (
            "state",
            ("allocated" if meta.allocated else "not allocated") + (", name deleted" if meta.deleted else ""),
        ),
        ("type", "directory" if meta.is_directory else meta.type),
        ("size", str(meta.size)),
        ("attributes", ", ".join(meta.attributes) or "-"),
        ("modified", _time(meta.modified, zone)),
        ("accessed", _time(meta.accessed, zone)),
        ("changed", _time(meta.changed, zone)),
        ("created", _time(meta.created, zone)),
        ("times", _times_note(basis)),
        ("first cluster", _first_cluster(meta)),
        ("clusters", _ranges(meta.clusters)),
        ("sectors", ", ".join(f"{r.first_block}-{r.first_block + r.block_count - 1}" for r in meta.sectors)),
        ("slack", f"{meta.slack_size} bytes"),
    ]
    if meta.first_image_sector:
        rows.append(("image sector", f"file-system sector + {meta.first_image_sector}"))
    if meta.note:
        rows.append(("note", meta.note))
    for label, value in rows:
        table.add_row(label, value)
    _console().print(table)


@disk.command()
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


@disk.command()
@IMAGE
@click.argument("paths", nargs=-1)
@click.option("--out", "output_dir", required=True, help="New (or empty) directory to recover into.")
@click.option("--deleted-only", is_flag=True, help="Only deleted files.")
@PARTITION
@JSON
def recover(
    image: str,
    paths: tuple[str, ...],
    output_dir: str,
    deleted_only: bool,
    partition: int | None,
    as_json: bool,
) -> None:
    """Copy files (deleted included) out of the image into --out, with SHA-256 of each."""
    with tools.open_evidence(image, partition) as file_system:
        report = tools.recover_files(file_system, output_dir, paths, deleted_only=deleted_only)
    if as_json:
        _emit_json(_jsonable(report, None))
    else:
        table = _table("Inode", "", "Image path", "Size", "Written as", "SHA-256", title=report.output_dir)
        for item in report.files:
            written = item.output_path + (" (renamed)" if item.renamed else "")
            table.add_row(
                str(item.inode), "*" if item.deleted else "", item.image_path, str(item.size),
                Text(f"not written: {item.error}", style="red") if item.error else written, item.sha256 or "",
            )  # fmt: skip
        _console().print(table)
    live_failures = [item for item in report.failed if not item.deleted]
    if live_failures:
        raise EvidenceError(
            f"{len(live_failures)} of {len(report.files)} allocated files could not be recovered"
        )
    if report.failed and not as_json:
        # A deleted file whose first cluster is in use again is a finding, not a tool failure.
        for item in report.failed:
            click.echo(_recovery_note(image, item), err=True)


def _recovery_note(image: str, item: tools.RecoveredFile) -> str:
    """Why a deleted file was not written whole, and how the trainee can check it."""
    image_arg = shlex.quote(image)
    check = f"compare `labkit disk stat {image_arg} -i {item.inode}` (first cluster)"
    lead = (
        f"note: deleted inode {item.inode} ({item.image_path}) could not be recovered whole: "
        "its first cluster"
    )
    owner = item.first_cluster_owner
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
    return _escape_controls(note)


@disk.command(name="hash")
@IMAGE
@click.argument("path", required=False)
@INODE
@PARTITION
@click.option(
    "--algorithm", type=click.Choice(["md5", "sha1", "sha256", "all"]), default="sha256", show_default=True
)
@JSON
def hash_command(
    image: str, path: str | None, inode: int | None, partition: int | None, algorithm: str, as_json: bool
) -> None:
    """Hash the medium (for E01: the disk inside, checked against its stored MD5) or one file."""
    algorithms = tools.choose_algorithms(algorithm)
    if path is None and inode is None:
        if partition is not None:
            raise UsageError("-p selects a file system; the image hash covers the whole medium: omit -p")
        with tools.open_image(image) as opened:
            result = tools.hash_image(opened, algorithms)
        _show_hashes(
            result, as_json, title=f"{result.path} ({result.format.value} media, {result.media_size} bytes)"
        )
        for name, matches, stored in (("MD5", result.md5_matches, result.stored_md5),
                                      ("SHA1", result.sha1_matches, result.stored_sha1)):  # fmt: skip
            if matches is False:
                raise EvidenceError(
                    f"{name} of the media does not match the {name} stored in the E01 ({stored})"
                )
        return
    with tools.open_evidence(image, partition) as file_system:
        file_hash = tools.hash_file(file_system, path=path, inode=inode, algorithms=algorithms)
    _show_hashes(file_hash, as_json, title=f"{file_hash.path or 'inode'} (inode {file_hash.inode})")


def _show_hashes(result: tools.ImageHash | tools.FileHash, as_json: bool, title: str) -> None:
    if as_json:
        return _emit_json(_jsonable(result, None))
    table = _table("Algorithm", "Digest", title=title)
    for name, digest in result.digests.items():
        table.add_row(name, digest)
    if isinstance(result, tools.ImageHash):
        for name, stored, matches in (("MD5", result.stored_md5, result.md5_matches),
                                      ("SHA1", result.stored_sha1, result.sha1_matches)):  # fmt: skip
            if stored is not None:
                verdict = "[green]matches[/]" if matches else "[red]DOES NOT MATCH[/]"
                table.add_row(f"stored {name}", Text.from_markup(f"{escape(stored)} ({verdict} the media)"))
    _console().print(table)


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


def _first_cluster(meta: tools.FileMetadata) -> str:
    if meta.first_cluster is None:
        return ""
    if meta.deleted and meta.first_cluster_allocated:
        return f"{meta.first_cluster} (allocated now: in use by another file)"
    return str(meta.first_cluster)


def _zone(zone_name: str | None) -> tzinfo | None:
    return None if zone_name is None else tools.resolve_zone(zone_name)


def _times_of(item: tools.FileEntry | tools.FileMetadata) -> tuple[FileTime | None, ...]:
    return (item.modified, item.accessed, item.changed, item.created)


def _time(value: FileTime | None, zone: tzinfo | None) -> str:
    return value.readable(zone) if value is not None else ""


def _basis(times: Sequence[FileTime | None], zone_name: str | None) -> TimeBasis:
    """JSON's ``time_zone`` / ``times_are``: always present, even where no time is recorded."""
    return describe_times(times, zone_name) or TimeBasis(zone_name, "no times recorded")


def _with_basis(document: dict[str, Any], basis: TimeBasis) -> dict[str, Any]:
    return {**document, "time_zone": basis.time_zone, "times_are": basis.times_are}


def _times_note(basis: TimeBasis) -> str:
    """Said once per table: whether the times carry a zone, and how to state one."""
    if basis.times_are == UTC_INSTANTS:
        return f"UTC instants recorded by the file system, shown in {basis.time_zone}"
    if basis.times_are not in (LOCAL_TIMES_UNZONED, LOCAL_TIMES_ZONED):
        return basis.times_are
    if basis.time_zone is None:
        return f"{LOCAL_TIMES_UNZONED}; no offset shown (state the zone with --tz ZONE)"
    return f"local wall-clock time of the writing computer, shown with the offset of {basis.time_zone} (--tz)"


def _ranges(numbers: tuple[int, ...]) -> str:
    """``2-5, 9`` rather than a wall of numbers."""
    spans: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if start is not None and number is not None and number == previous + 1:  # type: ignore[operator]
            previous = number
            continue
        if start is not None:
            spans.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = number
    return ", ".join(spans)


class _SafeTable(Table):
    """A table whose cells are text, never markup: names in evidence are hostile input."""

    def add_row(self, *cells: Any, **options: Any) -> None:  # type: ignore[override]
        super().add_row(*(_safe(cell) for cell in cells), **options)


def _safe(cell: Any) -> Any:
    if isinstance(cell, Text) or cell is None:
        return cell
    return Text(_escape_controls(str(cell)))


def _escape_controls(text: str) -> str:
    """Control and format characters (ESC, bidi overrides) are shown escaped, not obeyed."""
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf") else c
        for c in text
    )


def _table(*columns: str, title: str | None = None, caption: str | None = None) -> Table:
    table = _SafeTable(
        title=Text(title) if title else None,
        title_justify="left",
        caption=Text(caption) if caption else None,
        caption_justify="left",
    )
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _console() -> Console:
    # Created per command so that it writes to the current sys.stdout (tests capture it).
    return Console(file=sys.stdout, soft_wrap=False, width=None if sys.stdout.isatty() else 200)


def _emit_json(document: object) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _jsonable(value: Any, zone: tzinfo | None) -> Any:
    convert: Callable[[Any], Any] = lambda item: _jsonable(item, zone)  # noqa: E731
    if isinstance(value, FileTime):
        return value.iso(zone)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: convert(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): convert(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [convert(item) for item in value]
    return value

"""``labkit yara scan RULES TARGET``: YARA rules over a disk image, a memory image or a capture."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from labkit.cli.disk_options import JSON, PLAIN
from labkit.cli.disk_render import OutputTable, emit_json, show, show_line, use_plain, warn
from labkit.cli.net_render import escape_bytes
from labkit.tools.yara import (
    DEFAULT_MAX_HITS,
    CaptureData,
    DiskFile,
    PhysicalMemory,
    ScanMatch,
    ScanReport,
    StringHit,
    TargetKind,
    scan_target,
)


@click.group("yara")
def yara_group() -> None:
    """Scan evidence with YARA rules (yara-python), the way each kind of evidence is read."""


@yara_group.command("scan")
@click.argument("rules", type=click.Path(path_type=str))
@click.argument("target", type=click.Path(path_type=str))
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in TargetKind]),
    default=None,
    help="What TARGET is, when its content does not tell (default: detected from its bytes).",
)
@click.option(
    "--symbols",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Memory: the folder holding the image's symbol table (default: symbols/ next to the image).",
)
@click.option(
    "--max",
    "limit",
    default=DEFAULT_MAX_HITS,
    show_default=True,
    type=click.IntRange(1),
    help="Stop after N string hits.",
)
@PLAIN
@JSON
def scan(
    rules: str, target: str, kind: str | None, symbols: Path | None, limit: int, plain: bool, as_json: bool
) -> None:
    """Match RULES (a .yar file, or a folder of .yar/.yara files) against TARGET.

    \b
    TARGET is told apart by its content:
      disk image (raw, MBR/GPT or none; E01)  every file, deleted ones too, through The Sleuth Kit;
                                              offsets are within each file (as icat gives it)
      memory image (raw or LiME)              physical memory; offsets are physical addresses,
                                              with the pid and virtual address of each process
                                              mapping the hit (needs the image's symbols/)
      capture (pcap, pcapng)                  each TCP stream direction reassembled, each UDP/ICMP
                                              payload, and each file carried over HTTP, FTP, SMTP

    \b
    Examples:
      labkit yara scan rules/ evidence/stick.E01
      labkit yara scan webshell.yar evidence/web01-memory.raw
      labkit yara scan exfil.yar evidence/traffic.pcapng --json

    Rules see one file, stream or object at a time; objects over 64 MiB and memory are
    matched in 16 MiB windows overlapping by 64 KiB (a hit across a border is found once).
    """
    report = scan_target(
        rules, target, kind=TargetKind(kind) if kind else None, symbols=symbols, max_hits=limit
    )
    for message in report.warnings:
        warn(message)
    if report.limit_reached:
        warn(f"stopped after {limit} hits (--max); make the rules more specific or raise --max")
    if as_json:
        return emit_json(_document(report))
    plain_output = use_plain(plain)
    show(_table(report), plain_output)
    show_line(_summary(report), plain_output)


def _table(report: ScanReport) -> OutputTable:
    if report.kind is TargetKind.DISK:
        table = OutputTable("Part", "Path", "Inode", "State", "Rule", "String", "Offset", "Data")
    elif report.kind is TargetKind.MEMORY:
        table = OutputTable("Rule", "String", "Physical", "PID", "Process", "Virtual", "Data")
    else:
        table = OutputTable(
            "Source", "Stream", "Direction", "Frame", "Object", "Rule", "String", "Offset", "Data"
        )
    for found in report.matches:
        for hit in found.match.strings or (None,):
            for row in _rows(found, hit):
                table.add_row(*row)
    return table


def _rows(found: ScanMatch, hit: StringHit | None) -> list[tuple[str, ...]]:
    target, rule = found.target, found.match.rule
    identifier = hit.identifier if hit else ""
    data = escape_bytes(hit.data) if hit else ""
    offset = str(hit.offset) if hit else ""
    if isinstance(target, DiskFile):
        part = "" if target.partition is None else str(target.partition)
        state = "deleted" if target.deleted else "allocated"
        return [(part, target.path, str(target.inode), state, rule, identifier, offset, data)]
    if isinstance(target, PhysicalMemory):
        physical = f"{hit.offset:#x}" if hit else ""
        if hit is None or not hit.owners:
            return [(rule, identifier, physical, "", "", "", data)]
        return [
            (
                rule,
                identifier,
                physical,
                str(owner.pid),
                owner.comm + (" (hidden)" if owner.hidden else ""),
                f"{owner.virtual_address:#x}",
                data,
            )
            for owner in hit.owners
        ]
    assert isinstance(target, CaptureData)
    frame = hit.frame if hit and hit.frame is not None else target.frame
    stream = "" if target.stream is None else str(target.stream)
    shown = f"{target.name} ({target.protocol})" if target.source == "object" else ""
    return [
        (target.source, stream, target.direction, "" if frame is None else str(frame), shown, rule,
         identifier, offset, data)
    ]  # fmt: skip


def _summary(report: ScanReport) -> str:
    hits = sum(len(found.match.strings) for found in report.matches)
    units = {TargetKind.DISK: "files", TargetKind.MEMORY: "memory image", TargetKind.CAPTURE: "objects"}
    scanned = (
        f"{report.bytes_scanned} bytes of physical memory"
        if report.kind is TargetKind.MEMORY
        else f"{report.objects_scanned} {units[report.kind]} ({report.bytes_scanned} bytes)"
    )
    return (
        f"{report.kind.value}: {report.rule_count} rule(s) from {report.rules_path} over {scanned}: "
        f"{len(report.matches)} match(es), {hits} string hit(s)"
    )


def _document(report: ScanReport) -> dict[str, Any]:
    return {
        "target": report.target,
        "kind": report.kind.value,
        "rules": report.rules_path,
        "rule_count": report.rule_count,
        "objects_scanned": report.objects_scanned,
        "bytes_scanned": report.bytes_scanned,
        "limit_reached": report.limit_reached,
        "warnings": list(report.warnings),
        "matches": [_match_document(found) for found in report.matches],
    }


def _match_document(found: ScanMatch) -> dict[str, Any]:
    match = found.match
    return {
        "target": _target_document(found.target),
        "rule": match.rule,
        "namespace": match.namespace,
        "tags": list(match.tags),
        "meta": match.meta,
        "strings": [_hit_document(hit, isinstance(found.target, PhysicalMemory)) for hit in match.strings],
    }


def _hit_document(hit: StringHit, memory: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "identifier": hit.identifier,
        "offset": hit.offset,
        "length": hit.length,
        "data": escape_bytes(hit.data),
        "data_hex": hit.data.hex(),
    }
    if hit.frame is not None:
        document["frame"] = hit.frame
    if memory:
        document["owners"] = [dataclasses.asdict(owner) for owner in hit.owners]
    return document


def _target_document(target: DiskFile | CaptureData | PhysicalMemory) -> dict[str, Any]:
    if isinstance(target, PhysicalMemory):
        return {"kind": "memory", "format": target.image_format, "ranges": [list(r) for r in target.ranges]}
    if isinstance(target, DiskFile):
        return {"kind": "file", **dataclasses.asdict(target)}
    return {"kind": "object" if target.source == "object" else "stream", **dataclasses.asdict(target)}


COMMANDS = [yara_group]

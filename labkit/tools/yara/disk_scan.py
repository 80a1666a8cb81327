"""Scan every file of a disk image, deleted ones included, through The Sleuth Kit.

Every partition with a file system is walked (a bare file system when there is no
partition table), depth first like ``fls -r``; each regular file is read as ``icat``
reads it (for a deleted file, TSK's reconstruction) and matched on its own, so offsets
are offsets within the file. A file whose bytes cannot be read (a deleted file whose
clusters were reused) is skipped with a warning, and the scan goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yara

from labkit.errors import EvidenceError, ImageFormatError, LabkitError
from labkit.tools.disk.content import iter_file_content, open_target
from labkit.tools.disk.file_system import FileSystem, open_file_system
from labkit.tools.disk.image_access import DiskImage, open_image
from labkit.tools.disk.listing import FileEntry, list_files
from labkit.tools.disk.volumes import read_partition_table
from labkit.tools.yara.matching import HitBudget, ObjectMatches
from labkit.tools.yara.results import DiskFile, RuleMatch, ScanMatch
from labkit.tools.yara.scan_tally import ScanTally


def scan_disk(path: str | Path, rules: yara.Rules, budget: HitBudget, tally: ScanTally) -> None:
    """Match ``rules`` against every file in the image at ``path``; results go to ``tally``."""
    with open_image(path) as image:
        for file_system in _file_systems(image, tally):
            truncated = file_system.truncation_warning()
            if truncated:
                raise ImageFormatError(truncated)
            _scan_file_system(file_system, rules, budget, tally)
            if budget.reached:
                break
        damaged = image.damaged_sectors
        if damaged:
            tally.warn(
                f"{image.summary.path}: {sum(r.last - r.first + 1 for r in damaged)} sector(s) came from E01 "
                "chunks that fail their checksum and were read as zeros (`ewfverify` reports the same)"
            )


def _file_systems(image: DiskImage, tally: ScanTally) -> Iterator[FileSystem]:
    table = read_partition_table(image)
    if table is None:
        yield open_file_system(image)
        return
    opened = 0
    for entry in table.allocated:
        if entry.length_sectors <= 0:
            continue
        try:
            file_system = open_file_system(image, entry.index)
        except LabkitError as exc:
            tally.warn(f"partition #{entry.index} ({entry.description}) not scanned: {exc.one_line()}")
            continue
        opened += 1
        yield file_system
    if not opened:
        yield open_file_system(image)  # a file system over the whole image, or the clear error why not


def _scan_file_system(
    file_system: FileSystem, rules: yara.Rules, budget: HitBudget, tally: ScanTally
) -> None:
    partition = file_system.partition
    seen: dict[int, list[RuleMatch] | None] = {}
    for entry in list_files(file_system, "/", recursive=True):
        if entry.is_directory or entry.is_virtual or entry.is_volume_label:
            continue
        target = DiskFile(
            partition.index if partition else None,
            partition.description if partition else "",
            entry.path,
            entry.inode,
            entry.deleted,
            entry.size or 0,
        )
        if entry.inode not in seen:  # a name TSK lists twice (a deleted entry) is read once
            seen[entry.inode] = _scan_file(file_system, entry, rules, budget, tally)
        for match in seen[entry.inode] or ():
            tally.matches.append(ScanMatch(target, match))
        if budget.reached:
            return


def _scan_file(
    file_system: FileSystem, entry: FileEntry, rules: yara.Rules, budget: HitBudget, tally: ScanTally
) -> list[RuleMatch] | None:
    matches = ObjectMatches(rules, budget)
    state = "deleted " if entry.deleted else ""
    try:
        target = open_target(file_system, inode=entry.inode)
        scanned = matches.match_object(iter_file_content(file_system, target), target.size)
    except EvidenceError as exc:
        tally.warn(f"{state}file {entry.path} (inode {entry.inode}) not scanned: {exc.one_line()}")
        return None
    tally.count(scanned)
    tally.warn_all(matches.warnings)
    return matches.results()

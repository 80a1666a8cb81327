"""Warnings about the evidence itself, said once per command on stderr.

The data a command prints may come from a damaged E01 chunk (libewf gives zeros for
it) or from an image shorter than its file system: the output is still what The Sleuth
Kit would show, but the examiner must know it does not stand for the original media.
"""

from __future__ import annotations

from labkit.cli.disk_render import warn
from labkit.tools.disk.ewf_layout import SectorRange
from labkit.tools.disk.file_system import FileSystem
from labkit.tools.disk.image_access import DiskImage


def sector_ranges(ranges: tuple[SectorRange, ...]) -> str:
    """``359168-359295, 400000-400063`` (ewfverify's "at sector(s)")."""
    return ", ".join(str(r.first) if r.first == r.last else f"{r.first}-{r.last}" for r in ranges)


def damage_summary(ranges: tuple[SectorRange, ...]) -> str:
    """What failed and what libewf made of it, for a warning or an error."""
    count = sum(r.last - r.first + 1 for r in ranges)
    return (
        f"{count} sector(s) come from E01 chunks that fail their checksum (sectors {sector_ranges(ranges)}); "
        "libewf reads them as zeros (`ewfverify` reports the same damage)"
    )


def warn_about_damage(image: DiskImage) -> None:
    """After reading: say if any of the data came from damaged E01 chunks."""
    damaged = image.damaged_sectors
    if damaged:
        warn(f"{image.summary.path}: data read from damaged chunks: {damage_summary(damaged)}")


def warn_about_truncation(file_system: FileSystem) -> None:
    """Before reading: say if the image ends before its file system does."""
    message = file_system.truncation_warning()
    if message:
        warn(message)

"""How ``labkit disk`` shows file times: with the zone they were recorded in, or saying it is unknown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from labkit.tools import disk as tools
from labkit.tools.disk.timestamps import (
    LOCAL_TIMES_UNZONED,
    LOCAL_TIMES_ZONED,
    UTC_INSTANTS,
    FileTime,
    TimeBasis,
    describe_times,
)


def zone_of(zone_name: str | None) -> tzinfo | None:
    return None if zone_name is None else tools.resolve_zone(zone_name)


def times_of(item: tools.FileEntry | tools.FileMetadata) -> tuple[FileTime | None, ...]:
    """Modified, accessed, changed, created: the M/A/C/B order of fls and istat."""
    return (item.modified, item.accessed, item.changed, item.created)


def shown_time(value: FileTime | None, zone: tzinfo | None) -> str:
    return value.readable(zone) if value is not None else ""


def time_basis(times: Sequence[FileTime | None], zone_name: str | None) -> TimeBasis:
    """JSON's ``time_zone`` / ``times_are``: always present, even where no time is recorded."""
    return describe_times(times, zone_name) or TimeBasis(zone_name, "no times recorded")


def with_basis(document: dict[str, Any], basis: TimeBasis) -> dict[str, Any]:
    return {**document, "time_zone": basis.time_zone, "times_are": basis.times_are}


def times_note(basis: TimeBasis) -> str:
    """Said once per table: whether the times carry a zone, and how to state one."""
    if basis.times_are == UTC_INSTANTS:
        return f"UTC instants recorded by the file system, shown in {basis.time_zone}"
    if basis.times_are not in (LOCAL_TIMES_UNZONED, LOCAL_TIMES_ZONED):
        return basis.times_are
    if basis.time_zone is None:
        return f"{LOCAL_TIMES_UNZONED}; no offset shown (state the zone with --tz ZONE)"
    return f"local wall-clock time of the writing computer, shown with the offset of {basis.time_zone} (--tz)"

"""File times as the file system stored them, rendered with an explicitly stated zone.

FAT records local wall-clock time with no zone. labkit never guesses: it keeps the
stored digits and lets the examiner state the zone the device's clock ran in
(``--tz``, default UTC), exactly as TSK does with its ``TZ`` / ``-z`` setting. The
zone changes only the offset printed after the digits, never the digits themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from labkit.errors import UsageError

RESOLUTION_TWO_SECONDS = "2s"
RESOLUTION_TEN_MILLISECONDS = "10ms"
RESOLUTION_DAY = "1d"
RESOLUTION_NANOSECOND = "1ns"


@dataclass(frozen=True)
class FileTime:
    """One stored timestamp.

    Attributes:
        stored: the value as recorded; naive (wall clock) when ``is_local`` is true,
            otherwise an aware UTC instant (file systems that store UTC).
        resolution: the granularity the format can record ("2s", "10ms", "1d", "1ns").
        is_local: True for FAT: the digits are the device's local time, zone unknown.
    """

    stored: datetime
    resolution: str
    is_local: bool = True

    @property
    def is_date_only(self) -> bool:
        return self.resolution == RESOLUTION_DAY

    def in_zone(self, zone: tzinfo) -> datetime | date:
        """The time with ``zone`` attached (local wall clock) or converted to it (UTC instants)."""
        if self.is_date_only:
            return self.stored.date()
        if self.is_local:
            return self.stored.replace(tzinfo=zone)
        return self.stored.astimezone(zone)

    def iso(self, zone: tzinfo) -> str:
        """ISO 8601 with an offset; a date-only value (FAT access date) stays a date."""
        value = self.in_zone(zone)
        if isinstance(value, datetime):
            spec = "milliseconds" if self.resolution == RESOLUTION_TEN_MILLISECONDS else "seconds"
            return value.isoformat(timespec=spec)
        return value.isoformat()


def resolve_zone(name: str) -> tzinfo:
    """An IANA zone name (``UTC``, ``Asia/Almaty``) as tzinfo, or a clear usage error."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {name!r}: give an IANA name such as UTC or Asia/Almaty") from exc


def decode_fat_date(stamp: Mapping[str, int]) -> date | None:
    """A parsed FAT date (``FatDate``: year since 1980, month, day) or None when unset or impossible."""
    try:
        return date(1980 + stamp["year"], stamp["month"], stamp["day"])
    except ValueError:  # includes the all-zero "never set" date (month 0)
        return None


def decode_fat_time(
    day_stamp: Mapping[str, int], time_stamp: Mapping[str, int], hundredths: int | None = None
) -> FileTime | None:
    """Combine a parsed FAT date + time (``FatDate`` / ``FatTime``) into a wall-clock FileTime.

    ``hundredths`` is the creation-time field (0-199, units of 10 ms) that only the
    creation stamp has; the write time has 2-second resolution.
    """
    day = decode_fat_date(day_stamp)
    if day is None:
        return None
    hours, minutes = time_stamp["hour"], time_stamp["minute"]
    seconds = time_stamp["double_seconds"] * 2
    extra_seconds, centiseconds = divmod(hundredths, 100) if hundredths and hundredths <= 199 else (0, 0)
    seconds += extra_seconds
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    stored = datetime(day.year, day.month, day.day, hours, minutes, seconds, centiseconds * 10_000)
    resolution = RESOLUTION_TWO_SECONDS if hundredths is None else RESOLUTION_TEN_MILLISECONDS
    return FileTime(stored=stored, resolution=resolution)


def decode_fat_access_date(day_stamp: Mapping[str, int]) -> FileTime | None:
    """FAT keeps only the day of last access."""
    day = decode_fat_date(day_stamp)
    if day is None:
        return None
    return FileTime(stored=datetime(day.year, day.month, day.day), resolution=RESOLUTION_DAY)


def from_epoch(seconds: int, nanoseconds: int = 0) -> FileTime | None:
    """A UTC instant as TSK reports it for file systems that store UTC (0 means unset)."""
    if not seconds and not nanoseconds:
        return None
    stored = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=nanoseconds // 1000)
    return FileTime(stored=stored, resolution=RESOLUTION_NANOSECOND, is_local=False)

"""File times as the file system stored them, with a zone only when one is known.

FAT records the local wall-clock time of the computer that wrote the entry, with no
zone. labkit never guesses one: without a zone the stored digits are shown as they
are, with no offset (labelling them UTC, as TSK's default ``(UTC)`` does, puts a
trainee hours off); the examiner may state the zone the device's clock ran in
(``--tz``, like TSK's ``-z``), which adds that zone's offset and never shifts the
digits. File systems that store UTC instants keep their offset and are converted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from labkit.errors import UsageError

RESOLUTION_TWO_SECONDS = "2s"
RESOLUTION_TEN_MILLISECONDS = "10ms"
RESOLUTION_DAY = "1d"
RESOLUTION_NANOSECOND = "1ns"

LOCAL_TIMES_UNZONED = "local wall-clock time of the writing computer, zone not recorded by FAT"
LOCAL_TIMES_ZONED = (
    "local wall-clock time of the writing computer, zone not recorded by FAT; "
    "shown with the offset of the zone the examiner stated"
)
UTC_INSTANTS = "UTC instants recorded by the file system, shown in time_zone"


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

    def in_zone(self, zone: tzinfo | None) -> datetime | date:
        """The time with ``zone`` attached (wall clock) or converted to it (UTC instants).

        With no zone, a wall-clock time stays naive (its zone is unknown) and a UTC
        instant stays in UTC.
        """
        if self.is_date_only:
            return self.stored.date()
        if self.is_local:
            return self.stored if zone is None else self.stored.replace(tzinfo=zone)
        return self.stored if zone is None else self.stored.astimezone(zone)

    def iso(self, zone: tzinfo | None = None) -> str:
        """ISO 8601, with an offset unless the time is a wall clock and no zone is given.

        A date-only value (FAT access date) stays a date; the 10 ms creation time
        keeps milliseconds, the unit ISO readers agree on.
        """
        value = self.in_zone(zone)
        if not isinstance(value, datetime):
            return value.isoformat()
        return value.isoformat(timespec=self._timespec())

    def readable(self, zone: tzinfo | None = None) -> str:
        """For people: a wall clock without a zone as ``2026-02-12 09:20:00.44``, else :meth:`iso`.

        The space (not ``T``) and the missing offset make it plain that no zone is
        claimed; the creation time shows hundredths, the unit FAT stores.
        """
        value = self.in_zone(zone)
        if not isinstance(value, datetime) or value.tzinfo is not None:
            return self.iso(zone)
        text = value.isoformat(sep=" ", timespec="seconds")
        if self.resolution == RESOLUTION_TEN_MILLISECONDS:
            text += f".{value.microsecond // 10_000:02d}"
        return text

    def _timespec(self) -> str:
        if self.resolution == RESOLUTION_TEN_MILLISECONDS:
            return "milliseconds"
        return "auto" if self.resolution == RESOLUTION_NANOSECOND else "seconds"


@dataclass(frozen=True)
class TimeBasis:
    """How to read a set of times: the zone they are shown in (None: unknown) and why."""

    time_zone: str | None
    times_are: str


def describe_times(times: Sequence[FileTime | None], zone_name: str | None) -> TimeBasis | None:
    """What ``times`` are, once for a whole listing (None when there is no time at all).

    ``zone_name`` is the zone the examiner stated (``--tz``), or None. Wall-clock
    times win over UTC instants: one listing comes from one file system.
    """
    present = [time for time in times if time is not None]
    if not present:
        return None
    if any(time.is_local for time in present):
        return TimeBasis(zone_name, LOCAL_TIMES_ZONED if zone_name else LOCAL_TIMES_UNZONED)
    return TimeBasis(zone_name or "UTC", UTC_INSTANTS)


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

"""Points in time, written the way forensic tools and trainees' locales print them.

Accepted: ISO 8601 (``2026-03-14T10:03:12+05:00``, ``2026-03-14 10:03:12``),
TSK's ``2026-03-14 10:03:12 (UTC)`` / ``(+05)``, ``14.03.2026 10:03[:12]``
(Russian/Kazakh locales), ``03/14/2026 10:03:12 [AM|PM]`` (US: month first),
and Unix epoch seconds. A time without an offset is read in the key's
``timezone`` option (the evidence's local zone), else in the expected answer's offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as fixed_zone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check

_ZONE = r"[Zz]|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?"
_DATE_TIME = re.compile(
    rf"""
    (?:
        (?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})
      | (?P<ymd_y>\d{{4}})/(?P<ymd_m>\d{{1,2}})/(?P<ymd_d>\d{{1,2}})
      | (?P<dmy_d>\d{{1,2}})\.(?P<dmy_m>\d{{1,2}})\.(?P<dmy_y>\d{{4}})
      | (?P<mdy_m>\d{{1,2}})/(?P<mdy_d>\d{{1,2}})/(?P<mdy_y>\d{{4}})
    )
    (?:
        (?:T|\s*,\s*|\s+)
        (?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}})(?:[.,](?P<fraction>\d{{1,9}}))?)?
        (?:\s*(?P<meridiem>[AP])\.?M\.?)?
    )?
    (?:\s*(?:\((?P<bracketed_zone>{_ZONE})\)|(?P<zone>{_ZONE})))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_EPOCH = re.compile(r"(?P<seconds>\d{9,11})(?:\.(?P<fraction>\d{1,9}))?")
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?")
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_OFFSET = timedelta(hours=14)
_RESOLUTION = timedelta(microseconds=1)
#: The longest time anyone writes is about 40 characters; longer text is refused before any regex runs.
MAX_TIME_CHARS = 100
#: Seal form of a time given without an offset when the key has no ``timezone`` option: it is read in the
#: expected answer's own offset, which the self-check does not know, so the wall clock itself is compared.
_LOCAL_FORM = "local:"


def parse_offset(text: str) -> timedelta | None:
    """``Z``, ``UTC``, ``GMT+5``, ``+05``, ``+0530``, ``-03:00`` as a timedelta; None if not one."""
    upper = text.upper()
    if upper in ("Z", "UTC", "GMT"):
        return timedelta(0)
    match = _OFFSET.fullmatch(upper.removeprefix("UTC").removeprefix("GMT"))
    if not match:
        return None
    offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
    if offset > _MAX_OFFSET or int(match["minutes"] or 0) >= 60:
        return None
    return -offset if match["sign"] == "-" else offset


def zone_from_text(text: str) -> tzinfo:
    """A fixed offset (``+05:00``, ``UTC``) or an IANA zone name (``Asia/Almaty``).

    Raises:
        ValueError: neither.
    """
    offset = parse_offset(text)
    if offset is not None:
        return fixed_zone(offset)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{text!r} is neither a UTC offset like +05:00 nor a time zone like Asia/Almaty"
        ) from None


@dataclass(frozen=True)
class GivenTime:
    """A trainee's time as written: the wall clock, and the offset if one was stated."""

    wall_clock: datetime  # naive
    offset: timedelta | None
    from_epoch: bool = False
    #: True for "10:03": the answer then stands for the whole minute 10:03:00-10:03:59.
    to_the_minute: bool = False


def parse_given_time(text: str) -> GivenTime | str:
    """The time ``text`` spells, or a short reason why it is not one."""
    text = " ".join(text.split())
    if len(text) > MAX_TIME_CHARS:
        return f"too long to be a date and time ({len(text)} characters)"
    epoch = _EPOCH.fullmatch(text)
    if epoch:
        fraction = (epoch["fraction"] or "").ljust(6, "0")[:6]
        moment = _EPOCH_START + timedelta(seconds=int(epoch["seconds"]), microseconds=int(fraction))
        return GivenTime(moment.replace(tzinfo=None), timedelta(0), from_epoch=True)
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return "not a date and time (write e.g. 2026-03-14 10:03:12)"
    if match["hour"] is None:
        return "give the time of day as well as the date"
    year, month, day = next(
        (int(match[f"{form}_y"]), int(match[f"{form}_m"]), int(match[f"{form}_d"]))
        for form in ("iso", "ymd", "dmy", "mdy")
        if match[f"{form}_y"] is not None
    )
    hour = int(match["hour"])
    if match["meridiem"]:
        if not 1 <= hour <= 12:
            return f"hour {hour} cannot be used with AM/PM"
        hour = hour % 12 + (12 if match["meridiem"].upper() == "P" else 0)
    microsecond = int((match["fraction"] or "").ljust(6, "0")[:6])
    try:
        minute, second = int(match["minute"]), int(match["second"] or 0)
        wall_clock = datetime(year, month, day, hour, minute, second, microsecond)
    except ValueError:
        return "not a valid calendar date or time of day"
    offset = None
    zone = match["zone"] or match["bracketed_zone"]
    if zone:
        offset = parse_offset(zone)
        if offset is None:
            return f"{zone} is not a valid UTC offset"
    return GivenTime(wall_clock, offset, to_the_minute=match["second"] is None)


def seconds_off(start: datetime, to_the_minute: bool, target: datetime) -> float:
    """Signed seconds from ``target`` to the nearest instant the answer stands for (0 if it covers it)."""
    end = start + (timedelta(minutes=1) - _RESOLUTION if to_the_minute else timedelta(0))
    nearest = min(max(target, start), end)
    return (nearest - target).total_seconds()


def format_seconds(seconds: float) -> str:
    """``+2 s``, ``-0.5 s``: the sign says whether the answer is later or earlier."""
    return f"{seconds:+g} s"


def seal_text(moment: datetime) -> str:
    """ISO 8601 to the second (to the microsecond only when there is a fraction), no zone suffix."""
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def instant_form(moment: datetime) -> str:
    """An aware time as its instant in UTC: equal forms, equal instants."""
    return seal_text(moment.astimezone(UTC).replace(tzinfo=None)) + "Z"


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class DatetimeOptions(AnswerOptions):
    tolerance_seconds: float = Field(
        0, ge=0, description="Largest difference still accepted (FAT stores 2 s steps)."
    )
    timezone: str | None = Field(
        None, description="Zone assumed when the trainee states none (the evidence's local zone)."
    )
    require_seconds: bool = Field(False, description="Reject answers given only to the minute.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone_from_text(value)
        return value


class DatetimeAnswer(AnswerType):
    """The same instant within tolerance; the right wall clock with a wrong offset earns half."""

    name = "datetime"
    Options = DatetimeOptions
    options: DatetimeOptions

    #: Share of the points for the right local time with a wrong stated offset.
    WRONG_OFFSET_CREDIT = 0.5

    def expect(self, answer: Any) -> tuple[datetime, tzinfo]:
        if not isinstance(answer, str):
            raise ValueError("a datetime answer must be an ISO 8601 string")
        try:
            moment = datetime.fromisoformat(answer)
        except ValueError:
            raise ValueError(f"{answer!r} is not ISO 8601") from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{answer!r} has no UTC offset; the key must say which zone it means")
        zone = zone_from_text(self.options.timezone) if self.options.timezone else moment.tzinfo
        return moment, zone

    def check(self, expected: tuple[datetime, tzinfo], given: str) -> Check:
        moment, zone = expected
        parsed = parse_given_time(given)
        if isinstance(parsed, str):
            return Check.wrong(parsed)
        if parsed.to_the_minute and self.options.require_seconds:
            return Check.wrong("give the seconds as well")
        tolerance = self.options.tolerance_seconds
        stated_zone = zone if parsed.offset is None else fixed_zone(parsed.offset)
        difference = seconds_off(parsed.wall_clock.replace(tzinfo=stated_zone), parsed.to_the_minute, moment)
        if difference == 0:
            return Check.accepted("accepted (given to the minute)" if parsed.to_the_minute else "accepted")
        if abs(difference) <= tolerance:
            return Check.accepted(f"accepted within tolerance ({format_seconds(difference)})")
        if parsed.offset is not None:
            local = moment.astimezone(zone).replace(tzinfo=None)
            if abs(seconds_off(parsed.wall_clock, parsed.to_the_minute, local)) <= tolerance:
                if parsed.from_epoch:
                    detail = "the local time is right but the epoch value treats it as UTC"
                else:
                    stated = format_offset(parsed.offset)
                    detail = f"the local time is right but the stated offset {stated} is wrong"
                return Check.partial(self.WRONG_OFFSET_CREDIT, detail)
        if round(difference) % 900 == 0 and abs(difference) <= _MAX_OFFSET.total_seconds():
            return Check.wrong("off by a whole number of hours; check the time zone")
        return Check.wrong()

    def has_tolerance(self) -> bool:
        """A tolerance, or a minute that covers the expected second, earns full credit too."""
        return self.options.tolerance_seconds > 0 or not self.options.require_seconds

    def seal_forms(self, expected: tuple[datetime, tzinfo]) -> frozenset[str]:
        """The instant in UTC; without a ``timezone`` option, also the expected wall clock (see seal_form)."""
        moment, _zone = expected
        forms = {instant_form(moment)}
        if self.options.timezone is None:
            forms.add(_LOCAL_FORM + seal_text(moment.replace(tzinfo=None)))
        return frozenset(forms)

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        """Only an answer naming one exact second (or finer) can be exactly right; "10:03" covers a minute."""
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        parsed = parse_given_time(given)
        if isinstance(parsed, str) or parsed.to_the_minute:
            return None
        if parsed.offset is not None:
            return instant_form(parsed.wall_clock.replace(tzinfo=fixed_zone(parsed.offset)))
        if self.options.timezone is not None:
            return instant_form(parsed.wall_clock.replace(tzinfo=zone_from_text(self.options.timezone)))
        return _LOCAL_FORM + seal_text(parsed.wall_clock)

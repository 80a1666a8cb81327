"""Points in time, written the way forensic tools and trainees' locales print them.

Accepted:

- ISO 8601 (``2026-03-14T10:03:12+05:00``, ``2026-03-14 10:03:12``) and TSK's istat
  ``2026-03-14 10:03:12.000000000 (+05)`` / ``(UTC)``;
- ``14.03.2026 10:03[:12]`` (Russian/Kazakh locales: day first);
- slashed or dashed dates with the year last, ``14/03/2026`` or ``03/14/2026``: the reading
  whose month is 12 or less. When both numbers are 12 or less (``03/02/2026``) the date is
  ambiguous: day first is the norm where the academies are (Kazakhstan, Russia, the EU),
  month first in US tools, so whichever reading is right is accepted and the reason says
  which one was used;
- English month names as mail headers, mactime, ``date``, ctime and web server logs print
  them: ``Wed, 14 Mar 2026 10:03:12 +0500``, ``Sat Mar 14 2026 10:03:12``,
  ``Sat Mar 14 10:03:12 UTC 2026``, ``14/Mar/2026:10:03:12 +0500``, ``March 14, 2026 10:03 AM``;
- Unix epoch seconds (``1773464592``, with a fraction) and, said in the reason, epoch
  milliseconds (13 digits: JavaScript, Java, browser databases), microseconds (16: journald)
  and nanoseconds (19).

A time without an offset is read in the key's ``timezone`` option (the evidence's
local zone), else in the expected answer's offset.

Credit: the instant within ``tolerance_seconds`` earns full credit. A time given only
to the minute stands for the whole minute: when the tolerance is a minute or more that
is enough; below a minute the seconds matter (FAT stores 2 s steps and every tool shows
them), so the right minute earns :attr:`DatetimeAnswer.MINUTE_CREDIT`. The right wall clock
with a wrong stated offset earns :attr:`DatetimeAnswer.WRONG_OFFSET_CREDIT`. Wrong answers
say how far off they are when that teaches something: a few seconds or minutes, a whole
time-zone offset, twelve hours (AM/PM), whole days.
"""

from __future__ import annotations

import math
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
_WEEKDAY = r"(?:(?P<weekday>[A-Za-z]{3,9})\.?,?\s)?"
_TIME = r"""
    (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?
    (?:\s?(?P<meridiem>[AP])\.?M\.?)?
"""
_ZONE_PART = rf"(?:\s?(?:\((?P<bracketed_zone>{_ZONE})\)|(?P<zone>{_ZONE})))?"
_DATE_TIME = re.compile(
    rf"""
    {_WEEKDAY}
    (?:
        (?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})
      | (?P<ymd_y>\d{{4}})/(?P<ymd_m>\d{{1,2}})/(?P<ymd_d>\d{{1,2}})
      | (?P<dmy_d>\d{{1,2}})\.(?P<dmy_m>\d{{1,2}})\.(?P<dmy_y>\d{{4}})
      | (?P<either_a>\d{{1,2}})(?P<sep>[/-])(?P<either_b>\d{{1,2}})(?P=sep)(?P<either_y>\d{{4}})
      | (?P<named_d>\d{{1,2}})[\s/-](?P<named_m>[A-Za-z]{{3,9}})\.?,?[\s/-](?P<named_y>\d{{4}})
      | (?P<us_m>[A-Za-z]{{3,9}})\.?\s(?P<us_d>\d{{1,2}}),?\s(?P<us_y>\d{{4}})
    )
    (?:(?:T|\s?,\s?|\s|:){_TIME})?
    {_ZONE_PART}
    """,
    re.VERBOSE | re.IGNORECASE,
)
# ctime and date(1): "Sat Mar 14 10:03:12 2026", "Sat Mar 14 10:03:12 UTC 2026": the year comes last.
_CTIME = re.compile(
    rf"{_WEEKDAY}(?P<ctime_m>[A-Za-z]{{3,9}})\s(?P<ctime_d>\d{{1,2}})\s{_TIME}{_ZONE_PART}\s(?P<ctime_y>\d{{4}})",
    re.VERBOSE | re.IGNORECASE,
)
_EPOCH = re.compile(
    r"(?P<seconds>\d{9,11})(?:[.,](?P<fraction>\d{1,9}))?"
    r"|(?P<milliseconds>\d{13})|(?P<microseconds>\d{16})|(?P<nanoseconds>\d{19})"
)
_EPOCH_UNITS = {"milliseconds": 3, "microseconds": 6, "nanoseconds": 9}
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?")
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_OFFSET = timedelta(hours=14)
_RESOLUTION = timedelta(microseconds=1)
#: Wrong answers this close get "N s off" / "N min N s off"; farther ones are not a slip of the clock.
NEAR_MISS_SECONDS = 600
#: Time-zone offsets come in steps of 15 minutes (+05:45 Nepal, +08:45 Eucla).
_ZONE_STEP_SECONDS = 900
_DAY_SECONDS = 86_400
#: The longest time anyone writes is about 40 characters; longer text is refused before any regex runs.
MAX_TIME_CHARS = 100
#: Bound on the seal forms of one question (the self-check stores at most ``selfcheck.MAX_FORMS``):
#: beyond it only the exact instant is sealed, not every whole second within the tolerance.
MAX_SEAL_FORMS = 16
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
    """One reading of a trainee's time as written: the wall clock, and the offset if one was stated."""

    wall_clock: datetime  # naive
    offset: timedelta | None
    from_epoch: bool = False
    #: True for "10:03": the answer then stands for the whole minute 10:03:00-10:03:59.
    to_the_minute: bool = False
    #: How the answer was read, when that is worth saying ("read as milliseconds since 1970").
    note: str | None = None


def _month_number(word: str) -> int | None:
    """1-12 for ``Jan``, ``jan.``, ``January``, ``Sept``; None for anything else."""
    word = word.lower()
    for number, name in enumerate(_MONTHS, start=1):
        if word in (name, name[:3]) or (number == 9 and word == "sept"):
            return number
    return None


def _weekday_number(word: str) -> int | None:
    """0-6 (Monday first) for ``Wed``, ``Weds``, ``Wednesday``; None for anything else."""
    word = word.lower()
    for number, name in enumerate(_WEEKDAYS):
        if len(word) >= 3 and (name.startswith(word) or word == name[:3] + "s"):
            return number
    return None


def _long_date(day: datetime) -> str:
    return f"{day.day} {_MONTHS[day.month - 1].capitalize()} {day.year}"


def _read_epoch(match: re.Match[str]) -> GivenTime:
    unit = next((name for name in _EPOCH_UNITS if match[name] is not None), None)
    if unit is None:
        fraction = (match["fraction"] or "").ljust(6, "0")[:6]
        since = timedelta(seconds=int(match["seconds"]), microseconds=int(fraction))
        note = None
    else:
        digits = _EPOCH_UNITS[unit]
        seconds, fraction_digits = divmod(int(match[unit]), 10**digits)
        fraction = str(fraction_digits).zfill(digits).ljust(6, "0")[:6]
        since = timedelta(seconds=seconds, microseconds=int(fraction))
        note = f"read as {unit} since 1970"
    moment = _EPOCH_START + since
    return GivenTime(moment.replace(tzinfo=None), timedelta(0), from_epoch=True, note=note)


def _dates(match: re.Match[str]) -> list[tuple[int, int, int]] | str:
    """The (year, month, day) readings of the matched date: two for an ambiguous 03/02/2026."""
    groups = match.groupdict()
    for form in ("iso", "ymd", "dmy"):
        if groups.get(f"{form}_y") is not None:
            return [(int(groups[f"{form}_y"]), int(groups[f"{form}_m"]), int(groups[f"{form}_d"]))]
    if groups.get("either_y") is not None:
        year, first, second = int(groups["either_y"]), int(groups["either_a"]), int(groups["either_b"])
        if first > 12:
            return [(year, second, first)]  # day first: 14/03/2026
        if second > 12 or first == second:
            return [(year, first, second)]  # month first: 03/14/2026 (or both readings agree)
        return [(year, second, first), (year, first, second)]  # day first, then month first
    for form in ("named", "us", "ctime"):
        if groups.get(f"{form}_y") is not None:
            month = _month_number(groups[f"{form}_m"])
            if month is None:
                return f"{groups[f'{form}_m']!r} is not a month name"
            return [(int(groups[f"{form}_y"]), month, int(groups[f"{form}_d"]))]
    raise AssertionError("the date patterns name every form")  # pragma: no cover


def read_given_time(text: str) -> tuple[GivenTime, ...] | str:
    """Every reading of the time ``text`` spells (two for an ambiguous 03/02/2026), or why it is none."""
    text = " ".join(text.split())
    if len(text) > MAX_TIME_CHARS:
        return f"too long to be a date and time ({len(text)} characters)"
    epoch = _EPOCH.fullmatch(text)
    if epoch:
        return (_read_epoch(epoch),)
    match = _DATE_TIME.fullmatch(text) or _CTIME.fullmatch(text)
    if not match:
        return "not a date and time (write e.g. 2026-03-14 10:03:12)"
    if match["hour"] is None:
        return "give the time of day as well as the date"
    dates = _dates(match)
    if isinstance(dates, str):
        return dates
    hour = int(match["hour"])
    if match["meridiem"]:
        if not 1 <= hour <= 12:
            return f"hour {hour} cannot be used with AM/PM"
        hour = hour % 12 + (12 if match["meridiem"].upper() == "P" else 0)
    microsecond = int((match["fraction"] or "").ljust(6, "0")[:6])
    minute, second = int(match["minute"]), int(match["second"] or 0)
    try:
        wall_clocks = [datetime(y, m, d, hour, minute, second, microsecond) for y, m, d in dates]
    except ValueError:
        return "not a valid calendar date or time of day"
    notes: list[str | None] = [None]
    if len(wall_clocks) == 2:
        notes = [f"read as {_long_date(wall_clocks[0])} (day first)"]
        notes.append(f"read as {_long_date(wall_clocks[1])} (month first)")
    if match["weekday"]:  # a stated weekday must fit the date; it settles an ambiguous 03/02/2026
        weekday = _weekday_number(match["weekday"])
        if weekday is None:
            return f"{match['weekday']!r} is not a weekday or month name"
        fitting = [index for index, wall in enumerate(wall_clocks) if wall.weekday() == weekday]
        if not fitting:
            if len(wall_clocks) == 2:
                first, second = (_long_date(wall) for wall in wall_clocks)
                return f"the weekday {match['weekday']} fits neither {first} nor {second}"
            actual = _WEEKDAYS[wall_clocks[0].weekday()].capitalize()
            return f"the weekday {match['weekday']} does not match {_long_date(wall_clocks[0])} (a {actual})"
        if len(fitting) < len(wall_clocks):
            wall_clocks = [wall_clocks[fitting[0]]]
            notes = [f"read as {_long_date(wall_clocks[0])} (the reading the weekday fits)"]
    offset = None
    zone = match["zone"] or match["bracketed_zone"]
    if zone:
        offset = parse_offset(zone)
        if offset is None:
            return f"{zone} is not a valid UTC offset"
    to_the_minute = match["second"] is None
    readings = [
        GivenTime(wall, offset, to_the_minute=to_the_minute, note=note)
        for wall, note in zip(wall_clocks, notes, strict=True)
    ]
    return tuple(readings)


def ambiguity(readings: tuple[GivenTime, ...]) -> str | None:
    """Why a date with two readings cannot be self-checked; None for one reading."""
    if len(readings) < 2:
        return None
    first, second = (_long_date(reading.wall_clock).rsplit(" ", 1)[0] for reading in readings)
    year = readings[0].wall_clock.year
    return f"the date may be {first} or {second} {year}; write it year first (YYYY-MM-DD) to self-check"


def seconds_off(start: datetime, to_the_minute: bool, target: datetime) -> float:
    """Signed seconds from ``target`` to the nearest instant the answer stands for (0 if it covers it)."""
    end = start + (timedelta(minutes=1) - _RESOLUTION if to_the_minute else timedelta(0))
    nearest = min(max(target, start), end)
    return (nearest - target).total_seconds()


def format_seconds(seconds: float) -> str:
    """``+2 s``, ``-0.5 s``: the sign says whether the answer is later or earlier."""
    return f"{seconds:+g} s"


def format_amount(seconds: float) -> str:
    """An unsigned difference as a person says it: ``0.73 s``, ``2.1 s``, ``4 min 3 s``, ``5 h 30 min``."""
    seconds = abs(seconds)
    if round(seconds, 3) < 60:
        return f"{round(seconds, 3):g} s"
    hours, rest = divmod(round(seconds), 3600)
    minutes, whole_seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "min"), (whole_seconds, "s")]
    return " ".join(f"{amount} {unit}" for amount, unit in parts if amount)


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


def whole_seconds_within(moment: datetime, tolerance: float, limit: int) -> list[datetime]:
    """Every whole second within ``tolerance`` of ``moment`` (what a tool without fractions shows).

    Judged with the very comparison :meth:`DatetimeAnswer.check` makes, so the two agree to
    the microsecond. Empty when there would be more than ``limit``.
    """
    if tolerance + 1 > limit:
        return []
    base = moment.replace(microsecond=0)
    span = math.ceil(tolerance) + 1
    found = [
        second
        for second in (base + timedelta(seconds=step) for step in range(-span, span + 1))
        if abs((second - moment).total_seconds()) <= tolerance
    ]
    return found if len(found) <= limit else []


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
    """The same instant within tolerance; the right minute, or wall clock with a wrong offset, earns part."""

    name = "datetime"
    Options = DatetimeOptions
    options: DatetimeOptions

    #: Share of the points for the right local time with a wrong stated offset.
    WRONG_OFFSET_CREDIT = 0.5
    #: Share of the points for the right minute without the seconds, when the tolerance is under a minute.
    MINUTE_CREDIT = 0.5
    MINUTE_DETAIL = "right to the minute; give the seconds (the evidence records them)"

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
        """:meth:`_check`, with a date at the edge of the calendar (year 1, 9999) judged, not crashing."""
        try:
            return self._check(expected, given)
        except (OverflowError, ValueError):
            return Check.wrong("the date is out of range")

    def _check(self, expected: tuple[datetime, tzinfo], given: str) -> Check:
        readings = read_given_time(given)
        if isinstance(readings, str):
            return Check.wrong(readings)
        if readings[0].to_the_minute and self.options.require_seconds:
            return Check.wrong("give the seconds as well")
        # An ambiguous 03/02/2026 earns what its better reading earns; the reason says which was used.
        judged = [(*self._judge(expected, reading), reading) for reading in readings]
        check, _distance, reading = max(judged, key=lambda item: (item[0].credit, -item[1]))
        if reading.note is None:
            return check
        return Check(check.credit, f"{check.reason}; {reading.note}", check.review)

    def _judge(self, expected: tuple[datetime, tzinfo], given: GivenTime) -> tuple[Check, float]:
        """One reading's check, and how far it is from the expected instant (to rank two readings)."""
        moment, zone = expected
        tolerance = self.options.tolerance_seconds
        seconds_matter = given.to_the_minute and tolerance < 60
        stated_zone = zone if given.offset is None else fixed_zone(given.offset)
        start = given.wall_clock.replace(tzinfo=stated_zone)
        difference = seconds_off(start, given.to_the_minute, moment)
        distance = abs(difference)
        if distance <= tolerance:
            if seconds_matter:
                return Check.partial(self.MINUTE_CREDIT, self.MINUTE_DETAIL), distance
            if difference == 0:
                reason = "accepted (given to the minute)" if given.to_the_minute else "accepted"
                return Check.accepted(reason), distance
            return Check.accepted(f"accepted within tolerance ({format_seconds(difference)})"), distance
        if given.offset is not None:
            local = moment.astimezone(zone).replace(tzinfo=None)
            if abs(seconds_off(given.wall_clock, given.to_the_minute, local)) <= tolerance:
                if given.from_epoch:
                    detail = "the local time is right but the epoch value treats it as UTC"
                else:
                    stated = format_offset(given.offset)
                    detail = f"the local time is right but the stated offset {stated} is wrong"
                credit = self.WRONG_OFFSET_CREDIT
                if seconds_matter:  # two faults: the smaller share, and both said
                    credit = min(credit, self.MINUTE_CREDIT)
                    detail += "; and give the seconds (the evidence records them)"
                return Check.partial(credit, detail), distance
        return Check.wrong(self._how_far(moment, start, given, difference)), distance

    def _how_far(self, moment: datetime, start: datetime, given: GivenTime, difference: float) -> str | None:
        """What the miss looks like: a few seconds or minutes, a time-zone offset, AM/PM, whole days."""
        tolerance = self.options.tolerance_seconds
        if abs(difference) <= NEAR_MISS_SECONDS:
            amount = format_amount(difference)
            if tolerance:
                return f"{amount} off (tolerance {tolerance:g} s)"
            if abs(difference) < 1 and not given.to_the_minute and given.wall_clock.microsecond == 0:
                return f"{amount} off; give the fraction of a second"
            return f"{amount} off"
        slack = max(tolerance, 1.0)

        def lands_on(shift: float) -> bool:
            """Whether the answer is the expected instant moved by ``shift`` seconds (within the slack)."""
            shifted = moment + timedelta(seconds=shift)
            return abs(seconds_off(start, given.to_the_minute, shifted)) <= slack

        steps = round(difference / _ZONE_STEP_SECONDS)
        shift = steps * _ZONE_STEP_SECONDS
        if steps and abs(shift) <= _MAX_OFFSET.total_seconds() and lands_on(shift):
            if abs(shift) == 12 * 3600:
                return "off by 12 h; check AM/PM and the time zone"
            return f"off by {format_amount(shift)}; check the time zone"
        days = round(difference / _DAY_SECONDS)
        if days and lands_on(days * _DAY_SECONDS):
            plural = "" if abs(days) == 1 else "s"
            return f"the time of day is right but the date is {abs(days)} day{plural} off"
        return None

    def has_tolerance(self) -> bool:
        """Always: answers outside :meth:`seal_forms` can earn full credit.

        Fractions of a second within the tolerance, a minute when the tolerance is a minute
        or more, and an ambiguous 03/02/2026 whose one reading is right: none has a
        canonical form that could be listed.
        """
        return True

    def seal_forms(self, expected: tuple[datetime, tzinfo]) -> frozenset[str]:
        """The instant in UTC and every whole second within the tolerance (see seal_form).

        Without a ``timezone`` option each also as a wall clock in the expected answer's
        own offset. A tolerance wider than :data:`MAX_SEAL_FORMS` allows seals only the
        exact instant (answers within it are judged at grading).
        """
        moment, _zone = expected
        local = self.options.timezone is None

        def forms_of(instant: datetime) -> set[str]:
            wall = _LOCAL_FORM + seal_text(instant.astimezone(moment.tzinfo).replace(tzinfo=None))
            return {instant_form(instant), wall} if local else {instant_form(instant)}

        exact = forms_of(moment)
        forms = set(exact)
        for second in whole_seconds_within(moment, self.options.tolerance_seconds, MAX_SEAL_FORMS):
            forms |= forms_of(second)
        return frozenset(forms if len(forms) <= MAX_SEAL_FORMS else exact)

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        try:
            return self._seal_form(given)
        except (OverflowError, ValueError):
            return None

    def _seal_form(self, given: str | tuple[str, ...]) -> str | None:
        """Only an answer naming one second (or finer) on one reading can match; "10:03" covers a minute."""
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        readings = read_given_time(given)
        if isinstance(readings, str) or len(readings) != 1 or readings[0].to_the_minute:
            return None
        (parsed,) = readings
        if parsed.offset is not None:
            return instant_form(parsed.wall_clock.replace(tzinfo=fixed_zone(parsed.offset)))
        if self.options.timezone is not None:
            return instant_form(parsed.wall_clock.replace(tzinfo=zone_from_text(self.options.timezone)))
        return _LOCAL_FORM + seal_text(parsed.wall_clock)

    def read_problem(self, given: str | tuple[str, ...]) -> str | None:
        """Why ``given`` cannot be read as one time at all (the self-check says so); None if it can."""
        if isinstance(given, tuple):
            if len(given) != 1:
                return f"give one value, not a list of {len(given)}"
            given = given[0]
        readings = read_given_time(given)
        return readings if isinstance(readings, str) else ambiguity(readings)

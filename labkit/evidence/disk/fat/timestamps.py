"""FAT time stamps: range checks, rounding and encoding.

FAT stores naive local wall-clock time: creation to 10 ms (a 2 s time plus a
0-199 hundredths byte), modification to 2 s, last access as a date only.
Creation times are truncated to 10 ms by every driver. Modification times
differ: Windows' fastfat rounds UP to the next even second ("add almost two
seconds", FatNtTimeToFatTime in timesup.c), so a freshly written file never shows
modified before created; Linux vfat truncates. We report the stored values,
because those are what every tool shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from labkit.errors import EvidenceError

FIRST_YEAR = 1980
LAST_YEAR = 2107


def _check(value: date, what: str) -> None:
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise EvidenceError(f"{what} time must be naive local wall-clock time, got {value.isoformat()}")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise EvidenceError(
            f"{what} time {value.isoformat()} is outside FAT's range {FIRST_YEAR}-{LAST_YEAR}"
        )


def round_created(value: datetime) -> datetime:
    """Creation time as stored: 10 ms precision."""
    _check(value, "creation")
    return value.replace(microsecond=value.microsecond // 10000 * 10000)


def round_modified(value: datetime, *, up: bool = False) -> datetime:
    """Modification time as stored: 2 s precision, truncated (Linux) or rounded up (Windows)."""
    _check(value, "modification")
    down = value.replace(second=value.second // 2 * 2, microsecond=0)
    if up and down != value:
        rounded = down + timedelta(seconds=2)
        _check(rounded, "modification")
        return rounded
    return down


def round_accessed(value: date) -> date:
    """Access time as stored: the date only."""
    _check(value, "access")
    return value.date() if isinstance(value, datetime) else value


def encode_date(value: date) -> dict[str, int]:
    """Fields of :data:`labkit.formats.fat_structures.FatDate`."""
    return {"year": value.year - FIRST_YEAR, "month": value.month, "day": value.day}


def encode_time(value: datetime) -> dict[str, int]:
    """Fields of :data:`labkit.formats.fat_structures.FatTime`."""
    return {"hour": value.hour, "minute": value.minute, "double_seconds": value.second // 2}


def encode_hundredths(value: datetime) -> int:
    """The creation byte: odd second plus 10 ms units (0-199)."""
    return (value.second % 2) * 100 + value.microsecond // 10000

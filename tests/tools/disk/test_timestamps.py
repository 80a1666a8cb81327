from __future__ import annotations

from datetime import UTC, datetime

import pytest
from construct import Container

from labkit.errors import UsageError
from labkit.formats.fat_structures import FatDate, FatTime
from labkit.tools.disk.timestamps import (
    LOCAL_TIMES_UNZONED,
    UTC_INSTANTS,
    decode_fat_access_date,
    decode_fat_time,
    describe_times,
    from_epoch,
    resolve_zone,
)


def _words(date_word: int, time_word: int) -> tuple[Container, Container]:
    """Stored date and time words, parsed by the shared declarations as the reader parses them."""
    return FatDate.parse(date_word.to_bytes(2, "little")), FatTime.parse(time_word.to_bytes(2, "little"))


def _fat_date_word(year: int, month: int, day: int) -> int:
    return (year - 1980) << 9 | month << 5 | day


def _fat(year: int, month: int, day: int, hour: int, minute: int, second: int) -> tuple[Container, Container]:
    return _words(_fat_date_word(year, month, day), hour << 11 | minute << 5 | second // 2)


def test_fat_time_keeps_stored_digits_and_states_zone() -> None:
    stored_date, stored_time = _fat(2024, 3, 5, 14, 22, 10)
    written = decode_fat_time(stored_date, stored_time)
    assert written is not None
    assert written.iso(UTC) == "2024-03-05T14:22:10+00:00"
    assert written.iso(resolve_zone("Asia/Almaty")) == "2024-03-05T14:22:10+05:00"
    created = decode_fat_time(stored_date, stored_time, 157)  # +1.57 s
    assert created is not None and created.iso(UTC) == "2024-03-05T14:22:11.570+00:00"


def test_without_a_zone_fat_time_is_naive_wall_clock() -> None:
    stored_date, stored_time = _fat(2026, 2, 12, 9, 20, 0)
    written = decode_fat_time(stored_date, stored_time)
    created = decode_fat_time(stored_date, stored_time, 44)
    late = decode_fat_time(stored_date, stored_time, 157)
    assert written is not None and created is not None and late is not None
    assert (written.readable(), created.readable(), late.readable()) == (
        "2026-02-12 09:20:00",
        "2026-02-12 09:20:00.44",
        "2026-02-12 09:20:01.57",
    )
    assert (written.iso(), created.iso()) == ("2026-02-12T09:20:00", "2026-02-12T09:20:00.440")
    assert datetime.fromisoformat(created.iso()).tzinfo is None
    almaty = resolve_zone("Asia/Almaty")
    assert created.readable(almaty) == created.iso(almaty) == "2026-02-12T09:20:00.440+05:00"


def test_describe_times_says_whether_a_zone_is_known() -> None:
    local = decode_fat_time(*_fat(2026, 2, 12, 9, 20, 0))
    instant = from_epoch(1_700_000_000)
    assert describe_times([None, local], None) == describe_times([local], None)
    basis = describe_times([None, local], None)
    assert basis is not None and (basis.time_zone, basis.times_are) == (None, LOCAL_TIMES_UNZONED)
    zoned = describe_times([local], "Asia/Almaty")
    assert zoned is not None and zoned.time_zone == "Asia/Almaty" and "zone not recorded" in zoned.times_are
    utc = describe_times([instant], None)
    assert utc is not None and (utc.time_zone, utc.times_are) == ("UTC", UTC_INSTANTS)
    assert describe_times([None, None], None) is None


def test_access_date_stays_a_date_and_invalid_values_are_none() -> None:
    accessed = decode_fat_access_date(_fat(2024, 3, 5, 0, 0, 0)[0])
    assert accessed is not None and accessed.iso(resolve_zone("Europe/Moscow")) == "2024-03-05"
    assert decode_fat_time(*_words(0, 0)) is None
    assert decode_fat_access_date(_words(0, 0)[0]) is None
    assert decode_fat_time(*_words((44 << 9) | (13 << 5) | 1, 0)) is None  # month 13
    assert decode_fat_time(*_words((44 << 9) | (2 << 5) | 30, 0)) is None  # 30 February
    assert decode_fat_time(*_words(_fat_date_word(2024, 1, 1), 24 << 11)) is None  # hour 24
    assert decode_fat_time(*_words(_fat_date_word(2024, 1, 1), 60 << 5)) is None  # minute 60


def test_utc_instants_are_converted_not_relabelled() -> None:
    instant = from_epoch(int(datetime(2024, 1, 1, 12, tzinfo=UTC).timestamp()))
    assert instant is not None and instant.iso(resolve_zone("Europe/Berlin")) == "2024-01-01T13:00:00+01:00"
    # UTC-storing file systems keep their offset when no zone is given
    assert instant.iso() == instant.readable() == "2024-01-01T12:00:00+00:00"
    precise = from_epoch(int(instant.stored.timestamp()), 250_000_000)
    assert precise is not None and precise.iso() == "2024-01-01T12:00:00.250000+00:00"


def test_unknown_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown time zone"):
        resolve_zone("Mars/Olympus")

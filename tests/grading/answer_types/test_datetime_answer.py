from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.datetime_answer import DatetimeAnswer

KEY = "2026-03-14T10:03:12+05:00"


def judge(given: str, answer: str = KEY, **options: object) -> str:
    answer_type = DatetimeAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    [
        "2026-03-14T10:03:12+05:00",
        "2026-03-14 10:03:12",
        "2026-03-14T05:03:12Z",
        "2026-03-14 05:03:12 UTC",
        "14.03.2026 10:03:12",
        "03/14/2026 10:03:12",
        "03/14/2026 10:03:12 AM",
        "2026-03-14 10:03:12.000000000 (+05)",
        "2026-03-14 10:03:12 UTC+5",
        "1773464592",
    ],
)
def test_accepted_forms(given: str) -> None:
    assert judge(given) == "accepted"


def test_minute_precision_covers_the_minute() -> None:
    assert judge("14.03.2026 10:03") == "accepted (given to the minute)"
    assert judge("14.03.2026 10:04") == "wrong"
    assert judge("14.03.2026 10:03", require_seconds=True) == "wrong: give the seconds as well"


def test_tolerance_reports_the_difference() -> None:
    assert judge("2026-03-14 10:03:14", tolerance_seconds=2) == "accepted within tolerance (+2 s)"
    assert judge("2026-03-14 10:03:10.5", tolerance_seconds=2) == "accepted within tolerance (-1.5 s)"
    assert judge("2026-03-14 10:03:15", tolerance_seconds=2) == "wrong"


def test_wrong_offset_with_right_wall_clock_is_half_credit() -> None:
    answer_type = DatetimeAnswer()
    check = answer_type.check_given(answer_type.expect(KEY), "2026-03-14 10:03:12 (UTC)")
    assert check.credit == 0.5
    assert check.reason == "partial: the local time is right but the stated offset +00:00 is wrong"


def test_timezone_option_is_assumed_for_bare_times() -> None:
    assert judge("2026-03-14 05:03:12", timezone="UTC") == "accepted"
    assert judge("2026-03-14 10:03:12", timezone="Asia/Almaty") == "accepted"  # +05 since 2024
    assert judge("2026-03-14 05:03:12") == "wrong: off by a whole number of hours; check the time zone"


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("2026-03-14", "wrong: give the time of day as well as the date"),
        ("2026-13-14 10:03:12", "wrong: not a valid calendar date or time of day"),
        ("14.03.2026 13:03:12 PM", "wrong: hour 13 cannot be used with AM/PM"),
        ("yesterday", "wrong: not a date and time (write e.g. 2026-03-14 10:03:12)"),
        ("2026-03-14 10:03:12 +25:00", "wrong: +25:00 is not a valid UTC offset"),
        ("2026-03-14 10:03:12 (MSK)", "wrong: not a date and time (write e.g. 2026-03-14 10:03:12)"),
    ],
)
def test_garbage_says_what_is_wrong(given: str, reason: str) -> None:
    assert judge(given) == reason


def test_istat_output_on_fat_reads_as_the_wall_clock(tmp_path: Path) -> None:
    """What TSK's istat prints for a FAT file (no zone, so '(UTC)') earns the half credit."""
    image, source = tmp_path / "fat.img", tmp_path / "note.txt"
    source.write_text("x")
    subprocess.run(["mkfs.fat", "-C", str(image), "1024"], check=True, capture_output=True)
    subprocess.run(["touch", "-d", "2026-03-14 10:03:12", str(source)], check=True, env={"TZ": "UTC"})
    subprocess.run(["mcopy", "-m", "-i", str(image), str(source), "::/note.txt"], check=True)
    istat = subprocess.run(["istat", str(image), "3"], check=True, capture_output=True, text=True).stdout
    written = next(line.split("\t", 1)[1] for line in istat.splitlines() if line.startswith("Written:"))
    assert judge(written) == "partial: the local time is right but the stated offset +00:00 is wrong"
    adjusted = subprocess.run(
        ["istat", "-z", "Asia/Almaty", str(image), "3"], check=True, capture_output=True, text=True
    ).stdout
    local = next(line.split("\t", 1)[1] for line in adjusted.splitlines() if line.startswith("Written:"))
    assert judge(local) == "accepted"


def test_key_must_carry_an_offset_and_zone_must_exist() -> None:
    with pytest.raises(ValueError):
        DatetimeAnswer().expect("2026-03-14T10:03:12")
    with pytest.raises(ValidationError):
        DatetimeAnswer({"timezone": "Mars/Olympus"})
    with pytest.raises(ValidationError):
        DatetimeAnswer({"tolerance_seconds": -1})


@pytest.mark.parametrize(
    "given",
    [
        bytes(range(256)).decode("latin-1"),
        "\x00\x01\x1b[31m2026-03-14 10:03:12\x7f",
        "9" * 1_000_000,
        "2026-03-14 10:03:12" + "0" * 1_000_000,
        "2026-03-14 " * 100_000,
        "\ud800",
        "\u202e2026-03-14 10:03:12",
        "1e999999",
    ],
    ids=lambda g: repr(g)[:30],
)
def test_garbage_is_refused_quickly(given: str) -> None:
    answer_type = DatetimeAnswer({"tolerance_seconds": 2})
    started = time.perf_counter()
    assert answer_type.check_given(answer_type.expect(KEY), given).reason.startswith("wrong: ")
    assert answer_type.seal_form(given) is None
    assert time.perf_counter() - started < 0.5


def sealed(given: str | tuple[str, ...], answer: str = KEY, **options: object) -> bool:
    """Whether ``given`` seals equal, read as the self-check reads it (from the public options only)."""
    answer_type = DatetimeAnswer(options)
    reader = DatetimeAnswer(answer_type.public_options())
    assert reader.seal_form(given) == answer_type.seal_form(given)
    return reader.seal_form(given) in answer_type.seal_forms(answer_type.expect(answer))


@pytest.mark.parametrize(
    "given",
    [
        "2026-03-14T10:03:12+05:00",
        "2026-03-14 10:03:12",  # no offset: read in the expected answer's own offset
        "2026-03-14T05:03:12Z",
        "14.03.2026 10:03:12",
        "03/14/2026 10:03:12 AM",
        "2026-03-14 10:03:12.000000000 (+05)",
        "1773464592",
        ("2026-03-14 05:03:12 UTC",),
    ],
)
def test_exactly_right_times_seal_equal(given: str | tuple[str, ...]) -> None:
    assert sealed(given, tolerance_seconds=2)


@pytest.mark.parametrize(
    "given",
    [
        "2026-03-14 10:03:13",  # within the tolerance: full credit at grading, but not exact
        "2026-03-14 10:03:12 (UTC)",  # the wall clock with a wrong offset: half credit
        "14.03.2026 10:03",  # names a whole minute, not one second
        "2026-03-14 10:03:12.5",
        "2026-03-14 05:03:12",
        "yesterday",
        ("2026-03-14 10:03:12", "2026-03-14 10:03:12"),
    ],
)
def test_other_times_do_not(given: str | tuple[str, ...]) -> None:
    assert not sealed(given, tolerance_seconds=2)


def test_seal_uses_the_timezone_option_for_bare_times() -> None:
    assert sealed("2026-03-14 10:03:12", timezone="Asia/Almaty")
    assert sealed("2026-03-14 05:03:12", timezone="UTC")
    assert not sealed("2026-03-14 10:03:12", timezone="UTC")
    answer_type = DatetimeAnswer({"timezone": "UTC"})
    assert answer_type.seal_forms(answer_type.expect(KEY)) == frozenset({"2026-03-14T05:03:12Z"})
    assert DatetimeAnswer().seal_forms(DatetimeAnswer().expect("2026-03-14T10:03:12.25+05:00")) == frozenset(
        {"2026-03-14T05:03:12.250000Z", "local:2026-03-14T10:03:12.250000"}
    )
    assert sealed("2026-03-14 10:03:12.25", "2026-03-14T10:03:12.25+05:00")

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.datetime_answer import MAX_SEAL_FORMS, DatetimeAnswer
from labkit.grading.selfcheck import MAX_FORMS

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
    assert judge("14.03.2026 10:03", tolerance_seconds=60) == "accepted (given to the minute)"
    assert judge("14.03.2026 10:04") == "wrong: 48 s off"
    assert judge("14.03.2026 10:03", require_seconds=True) == "wrong: give the seconds as well"


MINUTE_ONLY = "partial: right to the minute; give the seconds (the evidence records them)"


def credit_and_reason(given: str, answer: str = KEY, **options: object) -> tuple[float, str]:
    answer_type = DatetimeAnswer(options)
    check = answer_type.check_given(answer_type.expect(answer), given)
    return check.credit, check.reason


def test_below_a_minute_of_tolerance_the_seconds_matter() -> None:
    """Minutes for 11:41:02 with a 2 s tolerance is not a 60 s tolerance: the seconds are in the evidence."""
    key = "2026-02-02T11:41:02+05:00"
    half = (DatetimeAnswer.MINUTE_CREDIT, MINUTE_ONLY)
    assert DatetimeAnswer.MINUTE_CREDIT == 0.5
    assert credit_and_reason("2026-02-02 11:41", key, tolerance_seconds=2) == half
    assert credit_and_reason("02.02.2026 11:41", key) == half
    assert credit_and_reason("2026-02-02 11:41", key, tolerance_seconds=59.9) == half
    assert credit_and_reason("2026-02-02 11:41", key, tolerance_seconds=60) == (
        1.0,
        "accepted (given to the minute)",
    )
    assert credit_and_reason("2026-02-02 11:41", key, tolerance_seconds=2, require_seconds=True) == (
        0.0,
        "wrong: give the seconds as well",
    )
    assert credit_and_reason("2026-02-02 11:42", key, tolerance_seconds=2) == (
        0.0,
        "wrong: 58 s off (tolerance 2 s)",
    )
    # The next minute is the right minute within the tolerance: 10:03:59.5 may be shown rounded up.
    late = "2026-03-14T10:03:59.5+05:00"
    assert credit_and_reason("2026-03-14 10:04", late, tolerance_seconds=2) == half
    assert judge("2026-03-14 10:04", late, tolerance_seconds=60) == "accepted within tolerance (+0.5 s)"


def test_the_minute_with_a_wrong_offset_says_both_and_takes_the_smaller_share() -> None:
    assert credit_and_reason("2026-03-14 10:03 UTC", tolerance_seconds=2) == (
        0.5,
        "partial: the local time is right but the stated offset +00:00 is wrong; "
        "and give the seconds (the evidence records them)",
    )

    class Strict(DatetimeAnswer):
        MINUTE_CREDIT = 0.25

    check = Strict({"tolerance_seconds": 2}).check_given(Strict().expect(KEY), "2026-03-14 10:03 UTC")
    assert check.credit == 0.25
    assert Strict().check_given(Strict().expect(KEY), "2026-03-14 10:03").credit == 0.25
    wide = credit_and_reason("2026-03-14 10:03 UTC", tolerance_seconds=60)
    assert wide == (0.5, "partial: the local time is right but the stated offset +00:00 is wrong")


def test_tolerance_reports_the_difference() -> None:
    assert judge("2026-03-14 10:03:14", tolerance_seconds=2) == "accepted within tolerance (+2 s)"
    assert judge("2026-03-14 10:03:10.5", tolerance_seconds=2) == "accepted within tolerance (-1.5 s)"
    assert judge("2026-03-14 10:03:15", tolerance_seconds=2) == "wrong: 3 s off (tolerance 2 s)"


FRACTION_KEY = "2026-01-21T13:47:22.73+05:00"


@pytest.mark.parametrize(
    ("given", "options", "reason"),
    [
        ("2026-01-21 13:47:24.83", {"tolerance_seconds": 2}, "wrong: 2.1 s off (tolerance 2 s)"),
        ("2026-01-21 13:51:25.73", {"tolerance_seconds": 2}, "wrong: 4 min 3 s off (tolerance 2 s)"),
        ("2026-01-21 13:43:19.73", {}, "wrong: 4 min 3 s off"),
        ("2026-01-21 13:57:22.73", {}, "wrong: 10 min off"),
        ("2026-01-21 13:57:23", {}, "wrong"),  # beyond 10 minutes: not a slip of the clock
        ("2026-01-21 13:47:22", {}, "wrong: 0.73 s off; give the fraction of a second"),
        ("2026-01-21 13:47:22.7", {}, "wrong: 0.03 s off"),
        ("2026-01-21 13:46", {}, "wrong: 22.73 s off"),
        ("2026-01-22 13:47:22.73", {}, "wrong: the time of day is right but the date is 1 day off"),
        (
            "2025-01-21 13:47:22",
            {"tolerance_seconds": 2},
            "wrong: the time of day is right but the date is 365 days off",
        ),
        ("2026-01-21 01:47:22.73", {}, "wrong: off by 12 h; check AM/PM and the time zone"),
        ("1768985242730", {}, "accepted; read as milliseconds since 1970"),
    ],
)
def test_near_misses_say_by_how_much(given: str, options: dict[str, object], reason: str) -> None:
    assert judge(given, FRACTION_KEY, **options) == reason


def test_wrong_offset_with_right_wall_clock_is_half_credit() -> None:
    answer_type = DatetimeAnswer()
    check = answer_type.check_given(answer_type.expect(KEY), "2026-03-14 10:03:12 (UTC)")
    assert check.credit == 0.5
    assert check.reason == "partial: the local time is right but the stated offset +00:00 is wrong"


def test_timezone_option_is_assumed_for_bare_times() -> None:
    assert judge("2026-03-14 05:03:12", timezone="UTC") == "accepted"
    assert judge("2026-03-14 10:03:12", timezone="Asia/Almaty") == "accepted"  # +05 since 2024
    assert judge("2026-03-14 05:03:12") == "wrong: off by 5 h; check the time zone"


@pytest.mark.parametrize(
    ("given", "options", "reason"),
    [
        # The classic: UTC written for a +05:00 key, without the fraction istat shows.
        ("2026-01-21 08:47:22", {"tolerance_seconds": 2}, "wrong: off by 5 h; check the time zone"),
        ("2026-01-21 08:47:22", {}, "wrong: off by 5 h; check the time zone"),
        ("2026-01-21 08:47:22.73", {}, "wrong: off by 5 h; check the time zone"),
        ("2026-01-21 08:47", {"tolerance_seconds": 2}, "wrong: off by 5 h; check the time zone"),
        ("2026-01-21 08:17:22", {"tolerance_seconds": 2}, "wrong: off by 5 h 30 min; check the time zone"),
        ("2026-01-21 16:47:23", {"tolerance_seconds": 2}, "wrong: off by 3 h; check the time zone"),
        ("2026-01-21 14:32:22.73", {}, "wrong: off by 45 min; check the time zone"),
        ("2026-01-21 08:47:25", {"tolerance_seconds": 2}, "wrong"),  # 5 h and 2.27 s: beyond the tolerance
        ("2026-01-20 22:47:22.73", {}, "wrong"),  # 15 h: no zone is that far off
        ("2026-01-21 08:47:22 UTC", {"tolerance_seconds": 2}, "accepted within tolerance (-0.73 s)"),
    ],
)
def test_a_time_zone_mistake_says_by_how_much(given: str, options: dict[str, object], reason: str) -> None:
    assert judge(given, FRACTION_KEY, **options) == reason


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("1768985242730", "accepted; read as milliseconds since 1970"),
        ("1768985242730000", "accepted; read as microseconds since 1970"),
        ("1768985242730000000", "accepted; read as nanoseconds since 1970"),
        ("1768985242.73", "accepted"),
        ("1768985242", "accepted within tolerance (-0.73 s)"),
        ("1768985242000", "accepted within tolerance (-0.73 s); read as milliseconds since 1970"),
        ("1768985245000", "wrong: 2.27 s off (tolerance 2 s); read as milliseconds since 1970"),
        ("176898524273", "wrong: not a date and time (write e.g. 2026-03-14 10:03:12)"),  # 12 digits: neither
        # The local wall clock counted as UTC (what a tool reading FAT as UTC gives): half credit.
        ("1769003242730", "partial: the local time is right but the epoch value treats it as UTC; "
         "read as milliseconds since 1970"),
    ],
)  # fmt: skip
def test_epoch_milli_micro_and_nanoseconds(given: str, reason: str) -> None:
    assert judge(given, FRACTION_KEY, tolerance_seconds=2) == reason


FEB_3 = "2026-02-03T10:00:00+05:00"


@pytest.mark.parametrize(
    ("given", "answer", "reason"),
    [
        ("14/03/2026 10:03:12", KEY, "accepted"),  # 14 is no month: day first
        ("03/14/2026 10:03:12", KEY, "accepted"),  # 14 is no month: month first
        ("14-03-2026 10:03:12", KEY, "accepted"),
        ("03/03/2026 10:03:12", "2026-03-03T10:03:12+05:00", "accepted"),  # both readings agree
        ("03/02/2026 10:00:00", FEB_3, "accepted; read as 3 February 2026 (day first)"),
        ("02/03/2026 10:00:00", FEB_3, "accepted; read as 3 February 2026 (month first)"),
        ("03-02-2026 10:00", FEB_3, f"{MINUTE_ONLY}; read as 3 February 2026 (day first)"),
        ("03/02/2026 10:00:05", FEB_3, "wrong: 5 s off; read as 3 February 2026 (day first)"),
        ("03/02/2026 10:00:00", "2026-05-03T10:00:00+05:00",  # neither reading: the nearer one is told
         "wrong: the time of day is right but the date is 62 days off; read as 2 March 2026 (month first)"),
        ("Tue 03/02/2026 10:00:00", FEB_3,
         "accepted; read as 3 February 2026 (the reading the weekday fits)"),
        ("Mon 03/02/2026 10:00:00", FEB_3,
         "wrong: the time of day is right but the date is 27 days off; read as 2 March 2026 "
         "(the reading the weekday fits)"),
        ("Sun 03/02/2026 10:00:00", FEB_3,
         "wrong: the weekday Sun fits neither 3 February 2026 nor 2 March 2026"),
        ("14/14/2026 10:03:12", KEY, "wrong: not a valid calendar date or time of day"),
    ],
)  # fmt: skip
def test_slashed_dates_day_first_or_month_first(given: str, answer: str, reason: str) -> None:
    assert judge(given, answer) == reason


@pytest.mark.parametrize(
    "given",
    [
        "Sat, 14 Mar 2026 10:03:12 +0500",  # a mail header (RFC 5322)
        "14 Mar 2026 05:03:12 GMT",
        "Sat Mar 14 2026 10:03:12",  # mactime
        "Sat Mar 14 05:03:12 UTC 2026",  # date(1)
        "Sat Mar 14 10:03:12 2026",  # ctime
        "14/Mar/2026:10:03:12 +0500",  # a web server log
        "14-Mar-2026 10:03:12",
        "March 14, 2026 10:03:12 AM",
        "Saturday, March 14, 2026 10:03:12",
        "mar. 14 2026 10:03:12",
    ],
)
def test_month_names_as_tools_print_them(given: str) -> None:
    assert judge(given) == "accepted"


def test_month_names_in_full_and_abbreviated() -> None:
    september = "2026-09-14T10:03:12+05:00"
    for given in ("Mon Sept 14 2026 10:03:12", "14 Sep 2026 10:03:12", "September 14, 2026 10:03:12",
                  "monday, 14 SEPTEMBER 2026 10:03:12", "Mon. 14-sep-2026 10:03:12"):  # fmt: skip
        assert judge(given, september) == "accepted", given


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (
            "Fri, 14 Mar 2026 10:03:12 +0500",
            "wrong: the weekday Fri does not match 14 March 2026 (a Saturday)",
        ),
        ("14 Mrz 2026 10:03:12", "wrong: 'Mrz' is not a month name"),
        ("Xyz Mar 14 2026 10:03:12", "wrong: 'Xyz' is not a weekday or month name"),
        ("Mar 14 2026", "wrong: give the time of day as well as the date"),
    ],
)
def test_month_name_near_misses(given: str, reason: str) -> None:
    assert judge(given) == reason


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
        "1773464592000",
        ("2026-03-14 05:03:12 UTC",),
        "2026-03-14 10:03:13",  # whole seconds within the tolerance: full credit, listed
        "Sat, 14 Mar 2026 05:03:10 GMT",
    ],
)
def test_exactly_right_times_seal_equal(given: str | tuple[str, ...]) -> None:
    assert sealed(given, tolerance_seconds=2)


@pytest.mark.parametrize(
    "given",
    [
        "2026-03-14 10:03:15",  # beyond the tolerance
        "2026-03-14 10:03:12 (UTC)",  # the wall clock with a wrong offset: half credit
        "14.03.2026 10:03",  # names a whole minute, not one second
        "2026-03-14 10:03:12.5",
        "2026-03-14 05:03:12",
        "yesterday",
        ("2026-03-14 10:03:12", "2026-03-14 10:03:12"),
        "03/02/2026 10:03:12",  # ambiguous: two readings, no one form
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


def test_whole_seconds_within_the_tolerance_are_sealed() -> None:
    """What istat shows (13:47:22) for a key of 13:47:22.73 earns full credit: the self-check matches it."""
    answer_type = DatetimeAnswer({"tolerance_seconds": 2})
    assert answer_type.seal_forms(answer_type.expect(FRACTION_KEY)) == frozenset(
        {f"2026-01-21T08:47:{s}Z" for s in ("21", "22", "22.730000", "23", "24")}
        | {f"local:2026-01-21T13:47:{s}" for s in ("21", "22", "22.730000", "23", "24")}
    )
    for given in ("2026-01-21 13:47:22", "2026-01-21 13:47:21", "21.01.2026 13:47:24", "1768985241000",
                  "2026-01-21 08:47:23 UTC", "2026-01-21 13:47:22.730"):  # fmt: skip
        assert sealed(given, FRACTION_KEY, tolerance_seconds=2), given
    for given in ("2026-01-21 13:47:20", "2026-01-21 13:47:25", "2026-01-21 13:47:22.5", "2026-01-21 13:47"):
        assert not sealed(given, FRACTION_KEY, tolerance_seconds=2), given
    assert sealed("2026-01-21 08:47:22", FRACTION_KEY, tolerance_seconds=2, timezone="UTC")


def test_seal_forms_stay_few() -> None:
    """More whole seconds than MAX_SEAL_FORMS allows: only the exact instant (the self-check keeps 16)."""
    assert MAX_SEAL_FORMS <= MAX_FORMS
    exact = {"2026-01-21T08:47:22.730000Z", "local:2026-01-21T13:47:22.730000"}
    for tolerance, count in ((0, 2), (0.5, 4), (3, 14), (3.5, 16), (4, 2), (3600, 2)):
        answer_type = DatetimeAnswer({"tolerance_seconds": tolerance})
        forms = answer_type.seal_forms(answer_type.expect(FRACTION_KEY))
        assert len(forms) == count and exact <= forms, tolerance
    # With a time zone option there is no wall-clock form: twice the seconds fit.
    answer_type = DatetimeAnswer({"tolerance_seconds": 7, "timezone": "Asia/Almaty"})
    assert len(answer_type.seal_forms(answer_type.expect(KEY))) == 15
    answer_type = DatetimeAnswer({"tolerance_seconds": 8, "timezone": "Asia/Almaty"})
    assert answer_type.seal_forms(answer_type.expect(KEY)) == frozenset({"2026-03-14T05:03:12Z"})


@pytest.mark.parametrize("options", [{"tolerance_seconds": 2}, {"tolerance_seconds": 0.5}, {},
                                     {"tolerance_seconds": 2, "timezone": "Asia/Almaty"}])  # fmt: skip
def test_a_sealed_form_always_earns_full_credit_and_a_whole_second_that_does_is_sealed(
    options: dict[str, object],
) -> None:
    """The seal and the grader agree second by second around the key, in several spellings."""
    answer_type = DatetimeAnswer(options)
    expected = answer_type.expect(FRACTION_KEY)
    forms = answer_type.seal_forms(expected)
    for tenths in range(-60, 61):
        moment = datetime.fromisoformat(FRACTION_KEY) + timedelta(seconds=tenths / 10)
        moment -= timedelta(microseconds=moment.microsecond % 100_000)
        for given in (moment.replace(tzinfo=None).isoformat(), moment.isoformat(),
                      moment.astimezone(UTC).strftime("%d.%m.%Y %H:%M:%S.%f UTC")):  # fmt: skip
            credit = answer_type.check_given(expected, given).credit
            in_forms = answer_type.seal_form(given) in forms
            if in_forms:
                assert credit == 1.0, given
            if credit == 1.0 and moment.microsecond == 0:
                assert in_forms, given
    assert answer_type.has_tolerance()  # fractions within the tolerance earn full credit, unsealed


def test_read_problem_tells_unreadable_answers_apart() -> None:
    answer_type = DatetimeAnswer({"tolerance_seconds": 2})
    assert answer_type.read_problem("garbage") == "not a date and time (write e.g. 2026-03-14 10:03:12)"
    assert answer_type.read_problem("2026-01-21") == "give the time of day as well as the date"
    assert answer_type.read_problem(("a", "b")) == "give one value, not a list of 2"
    assert answer_type.read_problem("03/02/2026 10:00:00") == (
        "the date may be 3 February or 2 March 2026; write it year first (YYYY-MM-DD) to self-check"
    )
    for readable in ("2026-01-21 13:47", "2026-01-21 13:47:22", ("1768985242",), "Tue 03/02/2026 10:00:00"):
        assert answer_type.read_problem(readable) is None
    assert answer_type.seal_form("03/02/2026 10:00:00") is None
    assert answer_type.seal_form("Tue 03/02/2026 10:00:00") == "local:2026-02-03T10:00:00"


def test_dates_at_the_edge_of_the_calendar_are_judged_not_crashing() -> None:
    answer_type = DatetimeAnswer({"tolerance_seconds": 2, "timezone": "Asia/Almaty"})
    expected = answer_type.expect("2026-02-09T10:03:30+05:00")
    for given in ("9999-12-31 23:59:59", "0001-01-01 00:00:00 +14:00", "9999-12-31T23:59:59-14:00"):
        assert answer_type.check(expected, given).reason == "wrong: the date is out of range"
        assert answer_type.seal_form(given) in (None, "9999-12-31T18:59:59Z")

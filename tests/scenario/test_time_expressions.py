"""Durations and time expressions: what scenarios may write after 'at:' and 'jitter:'."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from labkit.scenario.time_expressions import (
    TimeExpressionError,
    evaluate,
    parse_duration,
    parse_time_expression,
)

ALMATY = ZoneInfo("Asia/Almaty")
INCIDENT = datetime(2026, 2, 10, 14, 30, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h30m", timedelta(hours=2, minutes=30)),
        ("3d", timedelta(days=3)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("500ms", timedelta(milliseconds=500)),
        ("1m500ms", timedelta(minutes=1, milliseconds=500)),
        ("2d 3h", timedelta(days=2, hours=3)),
        ("0s", timedelta(0)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "3", "3hours", "1.5h", "3h2d", "-3h", "2H", "15 minutes", "99999999999d"]
)
def test_bad_durations_say_what_to_write(text: str) -> None:
    with pytest.raises(TimeExpressionError, match=r"duration"):
        parse_duration(text)


def test_variable_minus_offset() -> None:
    when = evaluate("incident - 2d3h", variables={"incident": INCIDENT}, zone=ALMATY)
    assert when == INCIDENT - timedelta(days=2, hours=3)


def test_variable_plus_offset_without_spaces() -> None:
    assert evaluate("incident+90s", variables={"incident": INCIDENT}, zone=ALMATY) == INCIDENT + timedelta(
        seconds=90
    )


def test_relative_to_previous_action() -> None:
    assert evaluate("+7m", variables={}, zone=ALMATY, previous=INCIDENT) == INCIDENT + timedelta(minutes=7)
    assert evaluate("-1h", variables={}, zone=ALMATY, previous=INCIDENT) == INCIDENT - timedelta(hours=1)


def test_relative_without_previous_is_an_error() -> None:
    with pytest.raises(TimeExpressionError, match="previous action"):
        evaluate("+7m", variables={}, zone=ALMATY)


def test_naive_iso_datetime_is_taken_in_the_scenario_zone() -> None:
    when = evaluate("2026-03-14 10:03:12", variables={}, zone=ALMATY)
    assert when == datetime(2026, 3, 14, 10, 3, 12, tzinfo=ALMATY)
    assert when.utcoffset() == timedelta(hours=5)


def test_explicit_offset_is_kept() -> None:
    when = evaluate("2026-03-14T10:03:12+00:00", variables={}, zone=ALMATY)
    assert when.utcoffset() == timedelta(0)


def test_dotted_variable_reaches_an_attribute() -> None:
    class Meeting:
        start = INCIDENT

    assert evaluate(
        "meeting.start + 1h", variables={"meeting": Meeting()}, zone=ALMATY
    ) == INCIDENT + timedelta(hours=1)


def test_unknown_variable_lists_the_datetime_variables() -> None:
    with pytest.raises(TimeExpressionError, match=r"unknown datetime variable 'incidnet'.*incident"):
        evaluate("incidnet - 1d", variables={"incident": INCIDENT, "amount": 5}, zone=ALMATY)


def test_non_datetime_variable_is_an_error() -> None:
    with pytest.raises(TimeExpressionError, match="not a datetime"):
        evaluate("amount - 1d", variables={"amount": 5}, zone=ALMATY)


def test_parse_without_values() -> None:
    parsed = parse_time_expression("incident - 2h")
    assert (parsed.base, parsed.offset, parsed.relative) == ("incident", -timedelta(hours=2), False)
    assert parse_time_expression("+15m").relative
    assert parse_time_expression("2026-03-14 10:03").absolute == "2026-03-14 10:03"


@pytest.mark.parametrize(
    "text", ["", "incident -", "incident - 2 days", "2026-02-30 10:00", "in cident - 1d", "@"]
)
def test_bad_expressions(text: str) -> None:
    with pytest.raises(TimeExpressionError):
        parse_time_expression(text)


def test_out_of_range_result_is_an_error_not_a_crash() -> None:
    with pytest.raises(TimeExpressionError, match="outside"):
        evaluate("incident + 999999999d", variables={"incident": INCIDENT}, zone=ALMATY)

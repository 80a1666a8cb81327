"""Durations and time expressions used in scenarios.

A timeline entry says *when* as ``"incident - 2d3h"`` (a datetime variable plus
or minus a duration), as an ISO 8601 datetime, or as ``"+15m"`` (after the
previous action). Durations are written ``1d2h3m4s`` (any subset, in order),
optionally with milliseconds ``500ms``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_DURATION = re.compile(
    r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?!s))?(?:(?P<s>\d+)s)?(?:(?P<ms>\d+)ms)?$"
)
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")
_EXPRESSION = re.compile(
    r"^\s*(?P<base>[A-Za-z_][A-Za-z0-9_.]*)?\s*(?:(?P<sign>[+-])\s*(?P<dur>[0-9A-Za-z][0-9A-Za-z ]*?))?\s*$"
)


class TimeExpressionError(ValueError):
    """A duration or time expression cannot be understood."""


def parse_duration(text: str) -> timedelta:
    """Parse ``1d2h3m4s`` style durations."""
    cleaned = str(text).strip().replace(" ", "")
    match = _DURATION.match(cleaned)
    if not cleaned or not match or not any(match.groupdict().values()):
        raise TimeExpressionError(f"not a duration: {text!r} (write e.g. 90s, 15m, 2h30m, 3d)")
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    try:
        return timedelta(
            days=parts["d"],
            hours=parts["h"],
            minutes=parts["m"],
            seconds=parts["s"],
            milliseconds=parts["ms"],
        )
    except OverflowError:
        raise TimeExpressionError(f"duration {text!r} is too long (at most 999999999 days)") from None


def parse_datetime(text: str, zone: ZoneInfo) -> datetime:
    """Parse an ISO 8601 datetime; a naive one is taken in ``zone``."""
    try:
        value = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise TimeExpressionError(f"not a datetime: {text!r} (write e.g. 2026-03-14 10:03:12)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value


@dataclass(frozen=True)
class TimeExpression:
    """A parsed time expression: an ISO datetime, a variable, or the previous action, plus an offset."""

    absolute: str | None
    base: str | None
    offset: timedelta

    @property
    def relative(self) -> bool:
        """True for '+15m' style expressions (after the previous action)."""
        return self.absolute is None and self.base is None


def parse_time_expression(text: str) -> TimeExpression:
    """Check the syntax of a time expression without evaluating it.

    Raises:
        TimeExpressionError: with what would be valid.
    """
    text = str(text).strip()
    if _ISO_START.match(text):
        parse_datetime(text, ZoneInfo("UTC"))
        return TimeExpression(text, None, timedelta(0))
    match = _EXPRESSION.match(text)
    if not match or not (match["base"] or match["sign"]):
        raise TimeExpressionError(
            f"not a time expression: {text!r} (write a datetime variable with an offset like "
            "'incident - 2h', an ISO datetime like '2026-03-14 10:03', or '+15m' for after the "
            "previous action)"
        )
    offset = timedelta(0)
    if match["sign"]:
        offset = parse_duration(match["dur"])
        if match["sign"] == "-":
            offset = -offset
    return TimeExpression(None, match["base"], offset)


def evaluate(
    expression: str | datetime,
    *,
    variables: dict[str, object],
    zone: ZoneInfo,
    previous: datetime | None = None,
) -> datetime:
    """Evaluate a time expression to an aware datetime."""
    if isinstance(expression, datetime):
        return expression if expression.tzinfo else expression.replace(tzinfo=zone)
    parsed = parse_time_expression(expression)
    if parsed.absolute is not None:
        return parse_datetime(parsed.absolute, zone)
    if parsed.base is not None:
        base = _lookup(parsed.base, variables)
    else:
        if previous is None:
            raise TimeExpressionError(
                f"{str(expression).strip()!r} is relative to the previous action, but there is none"
            )
        base = previous
    try:
        return base + parsed.offset
    except OverflowError:
        raise TimeExpressionError(f"{str(expression).strip()!r} falls outside the years 1-9999") from None


def _lookup(name: str, variables: dict[str, object]) -> datetime:
    value: object = variables
    for part in name.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif hasattr(value, part) and not isinstance(value, dict):
            value = getattr(value, part)
        else:
            known = sorted(k for k, v in variables.items() if isinstance(v, datetime))
            raise TimeExpressionError(
                f"unknown datetime variable {name!r}"
                + (f" (datetime variables: {', '.join(known)})" if known else "")
            )
    if not isinstance(value, datetime):
        raise TimeExpressionError(f"variable {name!r} is not a datetime")
    return value

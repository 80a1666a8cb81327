"""Durations and time expressions used in scenarios.

A timeline entry says *when* as ``"incident - 2d3h"`` (a datetime variable plus
or minus a duration), as an ISO 8601 datetime, or as ``"+15m"`` (after the
previous action). Durations are written ``1d2h3m4s`` (any subset, in order),
optionally with milliseconds ``500ms``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?!s))?(?:(?P<s>\d+)s)?(?:(?P<ms>\d+)ms)?$")
_EXPRESSION = re.compile(r"^\s*(?P<base>[A-Za-z_][A-Za-z0-9_.]*)?\s*(?:(?P<sign>[+-])\s*(?P<dur>[0-9a-z]+))?\s*$")


class TimeExpressionError(ValueError):
    """A duration or time expression cannot be understood."""


def parse_duration(text: str) -> timedelta:
    """Parse ``1d2h3m4s`` style durations."""
    cleaned = str(text).strip().replace(" ", "")
    match = _DURATION.match(cleaned)
    if not cleaned or not match or not any(match.groupdict().values()):
        raise TimeExpressionError(f"not a duration: {text!r} (write e.g. 90s, 15m, 2h30m, 3d)")
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"], milliseconds=parts["ms"])


def parse_datetime(text: str, zone: ZoneInfo) -> datetime:
    """Parse an ISO 8601 datetime; a naive one is taken in ``zone``."""
    try:
        value = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise TimeExpressionError(f"not a datetime: {text!r} (write e.g. 2026-03-14 10:03:12)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value


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
    text = str(expression).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return parse_datetime(text, zone)
    match = _EXPRESSION.match(text)
    if not match or not (match["base"] or match["sign"]):
        raise TimeExpressionError(
            f"not a time expression: {text!r} (write a datetime variable with an offset like 'incident - 2h', "
            "an ISO datetime, or '+15m' for after the previous action)"
        )
    if match["base"]:
        base = _lookup(match["base"], variables)
    else:
        if previous is None:
            raise TimeExpressionError(f"{text!r} is relative to the previous action, but there is none")
        base = previous
    if match["sign"]:
        delta = parse_duration(match["dur"])
        base = base + delta if match["sign"] == "+" else base - delta
    return base


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
                f"unknown datetime variable {name!r}" + (f" (datetime variables: {', '.join(known)})" if known else "")
            )
    if not isinstance(value, datetime):
        raise TimeExpressionError(f"variable {name!r} is not a datetime")
    return value

"""Numbers with a fractional part: an entropy, a ratio, a GPS coordinate, a duration in seconds.

Accepted: ``3.14``, ``3,14`` (decimal comma, as Russian and Kazakh locales write
it), grouped digits (``1 234 567,89``, ``1,234,567.89``, ``1.234.567,89``,
``1'234.5``), a leading sign (``-`` or the typographic minus ``−``), ``.5`` and
exponents (``6.02e23``). When a comma and a dot both appear, the last one is the
decimal separator; several commas (or dots) are grouping.

One spelling is genuinely ambiguous: a single comma followed by exactly three
digits (``1,234`` is 1234 to an English reader and 1.234 to a Russian one). Both
readings are tried and the reason says which one was taken. Values are compared
as exact decimals, never as binary floats, so ``0.1 + 0.2`` problems cannot
decide a grade.
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from decimal import Decimal
from typing import Any

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check

#: A number longer than this is not an answer; refusing it keeps every step cheap.
MAX_NUMBER_CHARS = 100
#: Exponents beyond this are refused (a float's range is about 1e±308).
MAX_EXPONENT = 400
#: Enough digits that every sum and difference of two accepted numbers is exact.
DECIMAL_CONTEXT = decimal.Context(prec=2 * (MAX_NUMBER_CHARS + MAX_EXPONENT) + 10, Emax=10**6, Emin=-(10**6))
_SHAPE = re.compile(r"(?P<mantissa>[0-9 .,'_]+)(?:[eE](?P<exponent>[+-]?[0-9]+))?")
_GROUPING = " '_"
NOT_A_NUMBER = "not a number (write e.g. 3.14 or 3,14)"
_PAIR_PREFIX = "either:"


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _valid_groups(integer: str, separator: str | None) -> bool:
    """``1 234 567``: a first group of 1-3 digits, then groups of exactly three."""
    if separator is None or separator not in integer:
        return _digits(integer)
    first, *rest = integer.split(separator)
    return 1 <= len(first) <= 3 and _digits(first) and all(len(g) == 3 and _digits(g) for g in rest)


def _split_mantissa(mantissa: str) -> tuple[str, str, str | None] | None:
    """(integer digits, fraction digits, decimal separator) of a plain or grouped mantissa, or None."""
    commas, dots = mantissa.count(","), mantissa.count(".")
    if commas and dots:
        point = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        grouping = "." if point == "," else ","
    elif commas > 1 or dots > 1:
        point, grouping = None, "," if commas else "."
    else:
        point, grouping = ("," if commas else "." if dots else None), None
    if point is not None and mantissa.count(point) != 1:
        return None
    integer, _, fraction = mantissa.partition(point) if point else (mantissa, "", "")
    used = {c for c in integer if not c.isdigit()}
    if grouping is not None and used - {grouping}:
        return None  # two kinds of grouping ("1 234.567.890")
    if len(used) > 1:
        return None
    separator = next(iter(used), None)
    if not _valid_groups(integer, separator) and not (integer == "" and fraction):
        return None
    if point and not _digits(fraction):
        return None
    return integer.replace(separator or "_", ""), fraction, point


def parse_number(text: str) -> tuple[Decimal, ...] | str:
    """The readings of ``text`` (one, or two for an ambiguous ``1,234``), or a short reason why it is none."""
    text = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if len(text) > MAX_NUMBER_CHARS:
        return f"too long to be a number ({len(text)} characters)"
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = text[0], text[1:]
    shape = _SHAPE.fullmatch(text)
    if shape is None:
        return NOT_A_NUMBER
    exponent = shape["exponent"]
    if exponent is not None and (len(exponent.lstrip("+-")) > 3 or abs(int(exponent)) > MAX_EXPONENT):
        return f"the exponent is out of range (at most e±{MAX_EXPONENT})"
    mantissa = shape["mantissa"]
    if mantissa[0] in _GROUPING or mantissa[-1] in _GROUPING + ".,":
        return NOT_A_NUMBER
    parts = _split_mantissa(mantissa)
    if parts is None:
        return NOT_A_NUMBER
    integer, fraction, point = parts
    suffix = f"E{exponent}" if exponent else ""
    point_part = f".{fraction}" if fraction else ""
    decimal_reading = Decimal(f"{sign}{integer or '0'}{point_part}{suffix}")
    # "1,234": a comma with exactly three digits after it and nothing else could be grouping.
    if point == "," and exponent is None and len(fraction) == 3 and _valid_groups(integer, None):
        if 1 <= len(integer) <= 3 and integer[0] != "0":
            return (Decimal(f"{sign}{integer}{fraction}"), decimal_reading)
    return (decimal_reading,)


def canonical(value: Decimal) -> str:
    """One text per value: ``3.14``, ``1000``, ``0`` (never ``-0``, ``1E+3`` or ``3.140``)."""
    if value.is_zero():
        return "0"
    return format(value.normalize(DECIMAL_CONTEXT), "f")


def reading_form(readings: tuple[Decimal, ...]) -> str:
    """The seal text of an answer: its value, or both values of an ambiguous ``1,234``."""
    if len(readings) == 1:
        return canonical(readings[0])
    return _PAIR_PREFIX + "|".join(sorted({canonical(r) for r in readings}))


def comma_partners(value: Decimal) -> list[Decimal]:
    """The other reading of every ``X,YYY`` spelling that can mean ``value``.

    1234 is also written ``1,234`` (which may mean 1.234); 1.5 is also written
    ``1,500`` (which may mean 1500). Used to list every exactly right seal form.
    """
    with decimal.localcontext(DECIMAL_CONTEXT):
        magnitude, partners = abs(value), []
        if value == value.to_integral_value() and 1000 <= magnitude <= 999_999:
            partners.append(value / 1000)
        scaled = value * 1000
        if 1 <= magnitude < 1000 and scaled == scaled.to_integral_value():
            partners.append(scaled)
    return partners


def format_difference(difference: Decimal) -> str:
    """``+0.02``, ``-1.5``, ``+1.2E+30``: signed, short, never a 400-digit string."""
    if difference.is_zero():
        return "0"
    normal = difference.normalize(DECIMAL_CONTEXT)
    if -12 <= normal.adjusted() <= 15:
        return format(normal, "+f")
    return format(normal, "+.6g")


class NumberOptions(AnswerOptions):
    tolerance: float = Field(
        0, ge=0, allow_inf_nan=False, description="Largest absolute difference accepted."
    )
    relative_tolerance: float = Field(
        0,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Largest difference accepted as a fraction of the expected value (0.01 = 1 %); "
        "the larger of the two tolerances applies.",
    )


class NumberAnswer(AnswerType):
    """Equal as exact decimals, or within ``tolerance`` / ``relative_tolerance`` (the larger one applies)."""

    name = "number"
    Options = NumberOptions
    options: NumberOptions

    def expect(self, answer: Any) -> Decimal:
        if isinstance(answer, bool):
            raise ValueError("a number answer cannot be true/false")
        if isinstance(answer, int):
            return Decimal(answer)
        if isinstance(answer, float):
            if answer != answer or answer in (float("inf"), float("-inf")):
                raise ValueError(f"{answer!r} is not a finite number")
            return Decimal(repr(answer))  # 0.1 stays 0.1, not 0.1000000000000000055...
        readings = parse_number(answer) if isinstance(answer, str) else NOT_A_NUMBER
        if isinstance(readings, str):
            raise ValueError(f"{answer!r}: {readings}")
        if len(readings) > 1:
            raise ValueError(f"{answer!r} is ambiguous (1,234 or 1.234?); write the key's answer with a dot")
        return readings[0]

    def allowed_difference(self, expected: Decimal) -> Decimal:
        with decimal.localcontext(DECIMAL_CONTEXT):
            absolute = Decimal(repr(self.options.tolerance))
            relative = Decimal(repr(self.options.relative_tolerance)) * abs(expected)
            return max(absolute, relative)

    def check(self, expected: Decimal, given: str) -> Check:
        readings = parse_number(given)
        if isinstance(readings, str):
            return Check.wrong(readings)
        with decimal.localcontext(DECIMAL_CONTEXT):
            differences = [reading - expected for reading in readings]
        ambiguous = len(readings) > 1
        for index, difference in enumerate(differences):
            if difference.is_zero():
                if not ambiguous:
                    return Check.accepted()
                how = "a thousands separator" if index == 0 else "a decimal comma"
                return Check.accepted(f"accepted (the comma read as {how})")
        closest = min(differences, key=abs)
        if abs(closest) <= self.allowed_difference(expected):
            return Check.accepted(f"accepted within tolerance ({format_difference(closest)})")
        with decimal.localcontext(DECIMAL_CONTEXT):
            sign_flipped = any((reading + expected).is_zero() for reading in readings)
        if sign_flipped and not expected.is_zero():
            return Check.wrong("the sign is wrong")
        return Check.wrong()

    def has_tolerance(self) -> bool:
        return self.options.tolerance > 0 or self.options.relative_tolerance > 0

    def seal_forms(self, expected: Decimal) -> frozenset[str]:
        forms = {canonical(expected)}
        forms.update(reading_form((expected, partner)) for partner in comma_partners(expected))
        return frozenset(forms)

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        readings = parse_number(given)
        return None if isinstance(readings, str) else reading_form(readings)

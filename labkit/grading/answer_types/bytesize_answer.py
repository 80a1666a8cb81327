"""Sizes in bytes as tools and people write them: ``45056``, ``45 056 bytes``, ``44 KiB``, ``44K``, ``44 КБ``.

The number is read as by the ``number`` type (grouping, decimal comma). Units:

- bytes: none, ``B``, ``byte(s)``, ``Б``, ``байт(а/ов)``;
- binary (1024-based): ``KiB MiB GiB TiB``, ``КиБ МиБ ГиБ ТиБ``, ``kibibyte``... ;
- ambiguous: ``K KB kB KByte kilobyte`` and ``КБ Кб Кбайт килобайт`` (and the M, G, T
  forms). ``ls -h`` and ``du -h`` mean 1024 by ``K``, Explorer means 1024 by
  ``KB``, disk vendors mean 1000: an answer is accepted if either reading is
  right, and the reason says which reading was taken.

An answer with a unit is right when the expected size, expressed in that unit
and rounded to the answer's precision, equals it: ``44 KiB`` and ``44.0 KiB``
for 45056 bytes exactly, ``45 KB`` (45.056 rounded) too. Rounding up (as
``ls -h``, ``du -h`` and Explorer do) counts as well as rounding to nearest. A
rounded answer needs two significant digits (``2 GB`` for 1.5 GB is too rough).
For the self-check, only answers that name exactly the expected number of bytes
count as exact; rounded ones are judged at grading, like those within a tolerance.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import product
from typing import Any, Literal

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.answer_types.number_answer import (
    DECIMAL_CONTEXT,
    MAX_NUMBER_CHARS,
    comma_partners,
    format_difference,
    parse_number,
)
from labkit.grading.results import Check

UnitKind = Literal["byte", "binary", "ambiguous"]
_NOT_A_SIZE = "not a size (write e.g. 45056, 44 KiB or 44K)"
_POWER_SIGNS = {1: "", 2: "²", 3: "³", 4: "⁴"}
_MIN_ROUNDED_DIGITS = 2


@dataclass(frozen=True)
class Unit:
    kind: UnitKind
    power: int  # 0 for bytes, 1 for K, 2 for M...

    @property
    def factors(self) -> tuple[int, ...]:
        """Bytes per unit: one value, or (1024-based, 1000-based) for an ambiguous unit."""
        if self.kind == "byte":
            return (1,)
        if self.kind == "binary":
            return (1024**self.power,)
        return (1024**self.power, 1000**self.power)


def _unit_table() -> dict[str, Unit]:
    """Every spelling, casefolded, mapped to its unit (Latin and Cyrillic)."""
    table = {
        name: Unit("byte", 0)
        for name in ("", "b", "byte", "bytes", "б", "байт", "байта", "байтов", "байттар")
    }
    prefixes = {1: ("k", "к", "kilo", "кило", "kibi", "киби"), 2: ("m", "м", "mega", "мега", "mebi", "меби")}
    prefixes |= {3: ("g", "г", "giga", "гига", "gibi", "гиби"), 4: ("t", "т", "tera", "тера", "tebi", "теби")}
    for power, (latin, cyrillic, si_word, si_word_ru, binary_word, binary_word_ru) in prefixes.items():
        for name in (
            latin,
            f"{latin}b",
            f"{latin}byte",
            f"{latin}bytes",
            f"{si_word}byte",
            f"{si_word}bytes",
        ):
            table[name] = Unit("ambiguous", power)
        for name in (cyrillic, f"{cyrillic}б", f"{cyrillic}байт", f"{si_word_ru}байт", f"{si_word_ru}байта"):
            table[name] = Unit("ambiguous", power)
        table[f"{si_word_ru}байтов"] = Unit("ambiguous", power)
        for name in (
            f"{latin}ib",
            f"{latin}ibyte",
            f"{latin}ibytes",
            f"{binary_word}byte",
            f"{binary_word}bytes",
        ):
            table[name] = Unit("binary", power)
        for name in (f"{cyrillic}иб", f"{cyrillic}ибайт", f"{binary_word_ru}байт", f"{binary_word_ru}байта"):
            table[name] = Unit("binary", power)
        table[f"{binary_word_ru}байтов"] = Unit("binary", power)
    return table


UNITS = _unit_table()
#: The units a near miss is compared with ("the number fits MiB, not KiB").
_CANONICAL_UNITS = {
    "bytes": 1,
    **{f"{p}iB": 1024**i for i, p in enumerate("KMGT", 1)},
    **{f"1000-based {p}B": 1000**i for i, p in enumerate("KMGT", 1)},
}


@dataclass(frozen=True)
class GivenSize:
    """An answer read as number readings (one, or two for ``1,234``) and a unit."""

    readings: tuple[Decimal, ...]
    unit: Unit
    unit_text: str

    def candidates(self) -> list[tuple[Decimal, int]]:
        return [(r, f) for r, f in product(self.readings, self.unit.factors) if r >= 0]


def parse_size(text: str) -> GivenSize | str:
    """The number and unit of an answer, or a short reason why it is not a size."""
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARS + 20:
        return f"too long to be a size ({len(text)} characters)"
    end = len(text)
    while end > 0 and text[end - 1].isalpha():
        end -= 1
    number_text, unit_text = text[:end].strip(), text[end:]
    if not number_text:
        return _NOT_A_SIZE
    unit = UNITS.get(unit_text.casefold())
    if unit is None:
        return f"unknown unit {unit_text!r} (write bytes, KiB, MiB, KB...)"
    readings = parse_number(number_text)
    if isinstance(readings, str):
        return _NOT_A_SIZE
    if all(r < 0 for r in readings):
        return "a size cannot be negative"
    return GivenSize(readings, unit, unit_text)


def whole_byte_counts(readings: tuple[Decimal, ...], factors: tuple[int, ...]) -> frozenset[int]:
    """Every whole number of bytes an answer can mean (several for ``44 KB`` or ``1,234 KB``)."""
    counts = set()
    with decimal.localcontext(DECIMAL_CONTEXT):
        for reading, factor in product(readings, factors):
            size = reading * factor
            if size >= 0 and size == size.to_integral_value():
                counts.add(int(size))
    return frozenset(counts)


def _form(counts: frozenset[int]) -> str | None:
    if not counts:
        return None
    if len(counts) == 1:
        return str(next(iter(counts)))
    return "either:" + "|".join(str(c) for c in sorted(counts))


def _significant_digits(value: Decimal) -> int:
    """Digits as written, without leading zeros: ``44`` 2, ``44.0`` 3, ``0.05`` 1, ``0`` none."""
    return 0 if value.is_zero() else len(value.as_tuple().digits)


def _rounds_to(reading: Decimal, factor: int, expected: int) -> bool:
    """Whether ``expected`` bytes, in units of ``factor``, round to ``reading`` at its precision."""
    quantum = Decimal(1).scaleb(reading.as_tuple().exponent)
    with decimal.localcontext(DECIMAL_CONTEXT):
        exact = Decimal(expected) / factor
        return reading in (exact.quantize(quantum, ROUND_HALF_UP), exact.quantize(quantum, ROUND_CEILING))


def _reading_note(given: GivenSize, factor: int) -> str | None:
    """``KB read as 1000 bytes`` when the unit could mean either."""
    if given.unit.kind != "ambiguous":
        return None
    base = "1024" if factor == 1024**given.unit.power else "1000"
    return f"{given.unit_text} read as {base}{_POWER_SIGNS[given.unit.power]} bytes"


class BytesizeOptions(AnswerOptions):
    tolerance: int = Field(0, ge=0, description="Largest difference in bytes still accepted.")


class BytesizeAnswer(AnswerType):
    """The same number of bytes in any unit (KB read either way), rounded to the answer's precision."""

    name = "bytesize"
    Options = BytesizeOptions
    options: BytesizeOptions

    def expect(self, answer: Any) -> int:
        if isinstance(answer, bool):
            raise ValueError("a size cannot be true/false")
        if isinstance(answer, int):
            if answer < 0:
                raise ValueError("a size cannot be negative")
            return answer
        given = parse_size(answer) if isinstance(answer, str) else _NOT_A_SIZE
        if isinstance(given, str):
            raise ValueError(f"{answer!r}: {given}")
        counts = whole_byte_counts(given.readings, given.unit.factors)
        if len(counts) != 1 or len(given.readings) * len(given.unit.factors) != 1:
            raise ValueError(f"{answer!r} is ambiguous; write the key's size in bytes or KiB/MiB")
        return next(iter(counts))

    def check(self, expected: int, given: str) -> Check:
        size = parse_size(given)
        if isinstance(size, str):
            return Check.wrong(size)
        candidates = size.candidates()
        with decimal.localcontext(DECIMAL_CONTEXT):
            for reading, factor in candidates:
                if reading * factor == expected:
                    note = _reading_note(size, factor)
                    return Check.accepted(f"accepted ({note})" if note else "accepted")
            if size.unit.kind == "byte" and all(r != r.to_integral_value() for r in size.readings):
                return Check.wrong("a size in bytes is a whole number")
            too_rough = False
            for reading, factor in candidates:
                if size.unit.kind != "byte" and _rounds_to(reading, factor, expected):
                    if _significant_digits(reading) >= _MIN_ROUNDED_DIGITS:
                        note = _reading_note(size, factor)
                        return Check.accepted(f"accepted (rounded; {note})" if note else "accepted (rounded)")
                    too_rough = True
            closest = min((r * f - expected for r, f in candidates), key=abs)
            if abs(closest) <= self.options.tolerance:
                unit = "byte" if abs(closest) == 1 else "bytes"
                return Check.accepted(f"accepted within tolerance ({format_difference(closest)} {unit})")
        if too_rough:
            return Check.wrong("too rough; give the size in bytes or to at least two significant digits")
        for unit_name, factor in _CANONICAL_UNITS.items():
            if any(r * factor == expected for r in size.readings) and factor not in size.unit.factors:
                return Check.wrong(f"check the unit (the number would be right in {unit_name})")
        return Check.wrong()

    def has_tolerance(self) -> bool:
        return self.options.tolerance > 0

    def seal_forms(self, expected: int) -> frozenset[str]:
        """Each form naming exactly ``expected`` bytes: plain, or one reading of ``44 KB`` / ``1,234 KB``."""
        forms = {str(expected)}
        factor_sets = [(1,), *((1024**p,) for p in range(1, 5)), *((1024**p, 1000**p) for p in range(1, 5))]
        with decimal.localcontext(DECIMAL_CONTEXT):
            for factors in factor_sets:
                for factor in factors:
                    reading = Decimal(expected) / factor
                    for readings in [(reading,)] + [(reading, p) for p in comma_partners(reading)]:
                        form = _form(whole_byte_counts(readings, factors))
                        if form is not None:
                            forms.add(form)
        return frozenset(forms)

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        size = parse_size(given)
        if isinstance(size, str):
            return None
        return _form(whole_byte_counts(size.readings, size.unit.factors))

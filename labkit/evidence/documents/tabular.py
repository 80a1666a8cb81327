"""Rows for spreadsheets and CSV exports: payment registers, contact lists, stock lists.

Scenarios plant the row a question is about (the suspicious payment) with
``include_rows``; it lands among generated rows at positions drawn from the
document's random stream, and any column it leaves out is filled in so that it
looks like its neighbours (same payer, date in sequence, next document number).
A planted payment is dated the day the register was written unless it says
otherwise, never later; the register stays in date order, numbered in sequence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from labkit.evidence.documents.base import DocumentContext, KindParams, params_error
from labkit.evidence.documents.office_facts import (
    email_address,
    phone_number,
    pick_iban,
    pick_person,
    random_amount,
)
from labkit.evidence.documents.vocabulary import Vocabulary, vocabulary_for

Cell = date | datetime | int | float | Decimal | str
TabularTopic = Literal["payments", "contacts", "inventory"]

TOPIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "payments": ("date", "number", "payer", "payee", "account", "amount", "currency", "purpose"),
    "contacts": ("name", "position", "company", "phone", "email"),
    "inventory": ("code", "item", "unit", "quantity", "price", "total", "warehouse"),
}
_MONEY_COLUMNS = frozenset({"amount", "price", "total"})


class TabularParams(KindParams):
    """Explicit ``columns`` + ``rows``, or a generated ``topic`` with ``row_count`` rows."""

    columns: list[str] | None = Field(None, description="explicit header row")
    rows: list[list[Cell]] | None = Field(None, description="explicit data rows (with 'columns')")
    topic: TabularTopic | None = Field(None, description="generate rows on this topic (default: payments)")
    row_count: int = Field(20, ge=0, le=5000, description="generated rows, besides include_rows")
    include_rows: list[list[Cell] | dict[str, Cell]] = Field(
        default_factory=list,
        description="rows planted at seeded positions; a mapping names columns (topic column keys "
        f"{TOPIC_COLUMNS}, or the explicit column names) and the rest is generated; a planted "
        "payment's date defaults to the day the file was written",
    )
    payer: str | None = Field(
        None,
        min_length=1,
        description="payments: the paying organisation on every generated row (a register is one "
        "company's); default: seeded",
    )

    @model_validator(mode="after")
    def _consistent(self) -> TabularParams:
        if self.columns is not None and self.topic is not None:
            raise ValueError("give either 'columns' (with 'rows') or 'topic', not both")
        if self.rows is not None and self.columns is None:
            raise ValueError("'rows' needs 'columns'")
        if self.payer is not None and (self.columns is not None or (self.topic or "payments") != "payments"):
            raise ValueError("'payer' belongs to the 'payments' topic")
        keys = self.columns if self.columns is not None else TOPIC_COLUMNS[self.topic or "payments"]
        for index, row in enumerate([*(self.rows or []), *self.include_rows]):
            if isinstance(row, dict):
                unknown = [key for key in row if key not in keys]
                if unknown:
                    raise ValueError(
                        # Only the unknown names are quoted: the locator points at the quoted key.
                        f"row {index + 1}: unknown column(s) {unknown}; columns are {', '.join(keys)}"
                    )
            elif len(row) != len(keys):
                raise ValueError(f"row {index + 1} has {len(row)} values but there are {len(keys)} columns")
        return self


@dataclass(frozen=True)
class DataTable:
    """A header and typed rows; ``included_at`` are 1-based row numbers counting the header."""

    header: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    included_at: tuple[int, ...]
    sheet_name: str

    def is_money(self, column: int) -> bool:
        return self.keys[column] in _MONEY_COLUMNS


def build_table(params: TabularParams, ctx: DocumentContext) -> DataTable:
    """The rows these parameters ask for, planted rows included."""
    rng = ctx.rng
    vocabulary = vocabulary_for(ctx.lang)
    planted_count = len(params.include_rows)
    if params.columns is not None:
        keys = header = tuple(params.columns)
        sheet = "Sheet1"
        explicit = iter(params.rows or [])
        total = len(params.rows or []) + planted_count
        positions = sorted(rng.sample(range(total), planted_count))
        rows: list[list[Cell]] = [
            [] if index in positions else list(next(explicit)) for index in range(total)
        ]
    else:
        topic = params.topic or "payments"
        keys = TOPIC_COLUMNS[topic]
        header = tuple(vocabulary.labels[f"col_{key}"] for key in keys)
        sheet = vocabulary.labels[f"sheet_{topic}"]
        generator = {"payments": _payments, "contacts": _contacts, "inventory": _inventory}[topic]
        rows = [
            list(row) for row in generator(rng, vocabulary, ctx, params, params.row_count + planted_count)
        ]
        positions = sorted(rng.sample(range(len(rows)), planted_count))
    for position, planted in zip(positions, params.include_rows, strict=True):
        rows[position] = _plant(rows[position], planted, keys)
        if (
            isinstance(planted, dict)
            and "payee" in planted
            and "account" not in planted
            and "account" in keys
        ):
            rows[position][keys.index("account")] = pick_iban(rng)[1]  # a new payee has its own account
        if params.columns is None and isinstance(planted, dict) and "date" in keys and "date" not in planted:
            rows[position][keys.index("date")] = ctx.created.date()
    if params.columns is None and "date" in keys and positions:
        _check_not_after(rows, positions, keys.index("date"), ctx)
        rows, positions = _in_date_order(rows, positions, keys, params.include_rows)
    return DataTable(
        header=header,
        keys=keys,
        rows=tuple(tuple(row) for row in rows),
        included_at=tuple(position + 2 for position in positions),
        sheet_name=sheet,
    )


def _day(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _check_not_after(rows: list[list[Cell]], positions: list[int], column: int, ctx: DocumentContext) -> None:
    """A register cannot hold a payment dated after the register was written."""
    for number, position in enumerate(positions):
        day = _day(rows[position][column])
        if day is not None and day > ctx.created.date():
            raise params_error(
                ("include_rows", number, "date"),
                f"the row is dated {day.isoformat()}, after the file was written "
                f"({ctx.created.date().isoformat()}); date it on or before that day",
                day.isoformat(),
            )


def _in_date_order(
    rows: list[list[Cell]],
    positions: list[int],
    keys: tuple[str, ...],
    planted: list[list[Cell] | dict[str, Cell]],
) -> tuple[list[list[Cell]], list[int]]:
    """Sort rows by date (stably) and renumber them, as the ledger software would list them.

    Document numbers follow the dates; a planted row that names its own number keeps it.
    """
    column = keys.index("date")
    days = [_day(row[column]) for row in rows]
    if any(day is None for day in days):
        return rows, positions  # free text in a date cell: leave the order as planted
    order = sorted(range(len(rows)), key=lambda index: days[index])  # type: ignore[arg-type, return-value]
    fixed = {
        position
        for position, row in zip(positions, planted, strict=True)
        if not isinstance(row, dict) or "number" in row
    }
    if "number" in keys:
        number_column = keys.index("number")
        free = [index for index in order if index not in fixed]
        numbers = sorted(rows[index][number_column] for index in free)  # type: ignore[type-var]
        for index, number in zip(free, numbers, strict=True):
            rows[index][number_column] = number
    new_place = {old: new for new, old in enumerate(order)}
    return [rows[index] for index in order], sorted(new_place[position] for position in positions)


def _plant(generated: list[Cell], planted: list[Cell] | dict[str, Cell], keys: tuple[str, ...]) -> list[Cell]:
    if isinstance(planted, list):
        return [_normalise(keys[index], value) for index, value in enumerate(planted)]
    row = list(generated) if generated else [""] * len(keys)
    for key, value in planted.items():
        row[keys.index(key)] = _normalise(key, value)
    if "total" in keys and "total" not in planted and ("price" in planted or "quantity" in planted):
        quantity, price = row[keys.index("quantity")], row[keys.index("price")]
        if isinstance(quantity, int | Decimal) and isinstance(price, Decimal):
            row[keys.index("total")] = price * quantity
    return row


def _normalise(key: str, value: Cell) -> Cell:
    """Money as exact two-decimal numbers; ISO date strings as dates.

    Scenario templates render to text ("{{ amount }}" gives "4973000"), so numeric
    text in a money or number column becomes the number a ledger would hold.
    """
    if isinstance(value, str) and key in (*_MONEY_COLUMNS, "number", "quantity"):
        value = _number_or_text(value)
    if key in _MONEY_COLUMNS and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    if key == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _number_or_text(text: str) -> Cell:
    compact = text.strip().replace(" ", "").replace("\u00a0", "")
    if compact.isdigit():
        return int(compact)
    try:
        return Decimal(compact.replace(",", ".")) if compact.count(",") + compact.count(".") == 1 else text
    except ArithmeticError:
        return text


def _working_day(day: date) -> date:
    """Banks do not post on weekends: move Saturday back and Sunday forward."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _payments(
    rng: random.Random, vocabulary: Vocabulary, ctx: DocumentContext, params: TabularParams, count: int
) -> list[tuple[Cell, ...]]:
    seeded, *others = rng.sample(vocabulary.companies, len(vocabulary.companies))
    payer = params.payer or seeded.name
    others = [company for company in others if company.name != payer]
    payees = [(company.name, pick_iban(rng)[1]) for company in others[: rng.randint(4, len(others))]]
    end = ctx.created.date()
    days = sorted(_working_day(end - timedelta(days=rng.randint(1, 90))) for _ in range(count))
    number = rng.randint(100, 900)
    rows = []
    for day in days:
        number += rng.randint(1, 3)
        payee, account = rng.choice(payees)
        goods = rng.choice(vocabulary.goods)
        purpose = rng.choice(vocabulary.payment_purposes).format(
            goods=goods.name, number=rng.randint(12, 2400), contract=f"{rng.randint(3, 190)}/{day.year}"
        )
        amount = random_amount(rng, goods.low_price * 5, goods.high_price * 20)
        rows.append((day, number, payer, payee, account, amount, "KZT", purpose))
    return rows


def _contacts(
    rng: random.Random, vocabulary: Vocabulary, ctx: DocumentContext, params: TabularParams, count: int
) -> list[tuple[Cell, ...]]:
    rows = []
    for _ in range(count):
        person, company = pick_person(rng, vocabulary), rng.choice(vocabulary.companies)
        position, phone = rng.choice(vocabulary.positions), phone_number(rng)
        rows.append((person.full_name, position, company.name, phone, email_address(person, company.domain)))
    return rows


def _inventory(
    rng: random.Random, vocabulary: Vocabulary, ctx: DocumentContext, params: TabularParams, count: int
) -> list[tuple[Cell, ...]]:
    rows = []
    for _ in range(count):
        goods = rng.choice(vocabulary.goods)
        quantity = rng.randint(1, 400)
        price = random_amount(rng, goods.low_price, goods.high_price)
        code = f"{rng.choice('ABCEKMT')}{rng.choice('ABCEKMT')}-{rng.randint(10000, 99999)}"
        warehouse = rng.choice(vocabulary.cities)
        rows.append((code, goods.name, goods.unit, quantity, price, price * quantity, warehouse))
    return rows


def cell_text(value: Cell, lang: str) -> str:
    """A cell as an export writes it: dd.mm.yyyy dates in Russian and Kazakh, ISO dates in English."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if lang == "en" else "%d.%m.%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d" if lang == "en" else "%d.%m.%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)

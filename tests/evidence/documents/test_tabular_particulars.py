"""Payment registers tell one company's story: its payer, planted payments dated in the story, in order.

Read back with openpyxl (xlsx) and Python's csv module (csv).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from pydantic import ValidationError

from labkit.evidence.documents import generate_document, validate_document_params

from .helpers import CREATED, make_context

VICTIM, SHELL = "АО «Жібек Жолы»", "ТОО «Фантом Трейд»"
PLANTED = {"payee": SHELL, "amount": "4973000", "purpose": "Оплата по счёту №3783"}


def register(params: dict, seed: int = 7) -> tuple[list[tuple], list[int]]:
    document = generate_document("xlsx", params, make_context(seed, lang="ru"))
    rows = list(openpyxl.load_workbook(io.BytesIO(document.data)).active.iter_rows(values_only=True))
    return rows, [int(number) for number in document.metadata["included_rows_at"].split(",") if number]


def test_payer_is_on_every_row_and_the_planted_payment_is_dated_the_day_the_file_was_written() -> None:
    rows, (planted_at,) = register(
        {"topic": "payments", "row_count": 18, "payer": VICTIM, "include_rows": [PLANTED]}
    )
    assert {row[2] for row in rows[1:]} == {VICTIM}
    planted = rows[planted_at - 1]
    assert planted[0] == datetime.combine(CREATED.date(), datetime.min.time())
    assert planted[3:6] == (SHELL, planted[4], 4_973_000) and isinstance(planted[5], int | float)
    assert planted[7] == "Оплата по счёту №3783"
    assert SHELL not in {row[3] for index, row in enumerate(rows[1:], start=2) if index != planted_at}


@pytest.mark.parametrize("seed", range(6))
def test_rows_stay_in_date_order_numbered_in_sequence_and_never_after_the_file(seed: int) -> None:
    plants = [{**PLANTED, "date": "2024-02-20"}, {"payee": SHELL, "amount": 1000}]
    rows, positions = register({"topic": "payments", "row_count": 25, "include_rows": plants}, seed)
    days = [row[0].date() for row in rows[1:]]
    numbers = [row[1] for row in rows[1:]]
    assert days == sorted(days) and numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert max(days) <= CREATED.date() and min(days) >= date(2023, 12, 12)
    assert {rows[position - 1][0].date() for position in positions} == {date(2024, 2, 20), CREATED.date()}


def test_a_planted_payment_dated_after_the_file_is_refused_with_its_location() -> None:
    params = {"topic": "payments", "include_rows": [{"amount": 5}, {"date": "2024-03-13"}]}
    with pytest.raises(ValidationError) as caught:
        generate_document("xlsx", params, make_context(lang="ru"))
    (error,) = caught.value.errors()
    assert error["loc"] == ("include_rows", 1, "date")
    assert "after the file was written (2024-03-12)" in error["msg"]


def test_csv_export_carries_the_same_payer_and_planted_row() -> None:
    params = {
        "topic": "payments",
        "row_count": 5,
        "payer": VICTIM,
        "include_rows": [PLANTED],
        "delimiter": ";",
    }
    document = generate_document("csv", params, make_context(lang="ru"))
    rows = list(csv.reader(io.StringIO(document.data.decode("utf-8")), delimiter=";"))
    (planted_at,) = [int(number) for number in document.metadata["included_rows_at"].split(",")]
    assert rows[planted_at - 1][0] == CREATED.strftime("%d.%m.%Y")
    assert rows[planted_at - 1][5] == "4973000.00"
    assert {row[2] for row in rows[1:]} == {VICTIM}


def test_payer_belongs_to_payments_only() -> None:
    with pytest.raises(ValidationError, match="'payer' belongs to the 'payments' topic"):
        validate_document_params("xlsx", {"topic": "contacts", "payer": VICTIM})

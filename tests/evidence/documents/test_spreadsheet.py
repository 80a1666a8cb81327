"""Excel workbooks: openpyxl reads typed cells back, planted rows sit where the metadata says."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl

from labkit.evidence.documents import generate_document

from .helpers import make_context

PLANTED = {"payee": "ТОО «Фантом Групп»", "amount": 4_999_000, "date": "2024-02-29"}


def test_payment_register_reads_back_with_the_planted_payment() -> None:
    params = {"topic": "payments", "row_count": 25, "include_rows": [PLANTED]}
    document = generate_document("xlsx", params, make_context(lang="ru"))
    workbook = openpyxl.load_workbook(io.BytesIO(document.data))
    sheet = workbook.active
    assert sheet.title == "Платежи" == document.metadata["sheet"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == document.metadata["columns"].split("\n")
    assert len(rows) - 1 == int(document.metadata["rows"]) == 26
    (row_number,) = [int(number) for number in document.metadata["included_rows_at"].split(",")]
    planted = rows[row_number - 1]
    assert planted[0] == datetime(2024, 2, 29)
    assert planted[3] == "ТОО «Фантом Групп»"
    assert planted[5] == 4_999_000
    assert planted[4].startswith("KZ") and len(planted[4]) == 20
    assert sheet.cell(row_number, 6).number_format == "#,##0.00"
    others = [row for index, row in enumerate(rows[1:], start=2) if index != row_number]
    assert all(isinstance(row[0], datetime) and row[0].date() < date(2024, 3, 12) for row in others)
    assert len({row[2] for row in rows[1:]}) == 1  # one payer: it is that company's register
    properties = workbook.properties
    assert properties.creator == properties.lastModifiedBy == "Асқар Жұмабаев"
    assert properties.modified == datetime(2024, 3, 12, 5, 15, 30)  # the file's time is the last save
    assert properties.created < properties.modified


def test_explicit_columns_and_rows() -> None:
    params = {"columns": ["Name", "Sum"], "rows": [["a", 1.5], ["b", 2]], "sheet_name": "Data"}
    document = generate_document("xlsx", params, make_context(lang="en"))
    sheet = openpyxl.load_workbook(io.BytesIO(document.data))["Data"]
    assert list(sheet.iter_rows(values_only=True)) == [("Name", "Sum"), ("a", 1.5), ("b", 2)]

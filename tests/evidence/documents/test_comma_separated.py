"""CSV exports: Python's csv module reads them back; planted rows are where the metadata says."""

from __future__ import annotations

import csv
import io

import pytest
from pydantic import ValidationError

from labkit.evidence.documents import generate_document

from .helpers import make_context


def read(data: bytes, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


def test_contacts_in_kazakh_with_semicolons_and_bom() -> None:
    params = {"topic": "contacts", "row_count": 8, "delimiter": ";", "encoding": "utf-8-sig"}
    document = generate_document("csv", params, make_context())
    assert document.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in document.data
    rows = read(document.data, "utf-8-sig", ";")
    assert rows[0] == ["Аты-жөні", "Лауазымы", "Ұйым", "Телефон", "Эл. пошта"]
    assert len(rows) == 9
    for name, _, _, phone, email in rows[1:]:
        assert phone.startswith("+7 7") and len(phone) == 16
        assert email.isascii() and "@" in email and email.endswith(".kz")
        assert name.split()[0] in {
            "Асқар",
            "Ерлан",
            "Нұрлан",
            "Дәурен",
            "Бауыржан",
            "Қайрат",
            "Ғалым",
            "Төлеген",
            "Айгүл",
            "Гүлнар",
            "Сәуле",
            "Әсем",
            "Жанар",
            "Динара",
            "Ұлжан",
            "Мөлдір",
        }


def test_planted_rows_among_explicit_rows() -> None:
    params = {
        "columns": ["Date", "Amount", "Note"],
        "rows": [["2024-01-0" + str(day), day, "ok"] for day in range(1, 8)],
        "include_rows": [["2024-01-05", 990000, "suspicious"], {"Note": "second"}],
    }
    document = generate_document("csv", params, make_context(lang="en"))
    rows = read(document.data)
    positions = [int(number) for number in document.metadata["included_rows_at"].split(",")]
    assert len(rows) == 10 and len(positions) == 2
    assert rows[positions[0] - 1] == ["2024-01-05", "990000", "suspicious"]
    assert rows[positions[1] - 1] == ["", "", "second"]
    assert [row[2] for row in rows[1:]].count("ok") == 7


def test_inventory_totals_are_quantity_times_price() -> None:
    document = generate_document("csv", {"topic": "inventory", "row_count": 12}, make_context(lang="en"))
    for _, _, _, quantity, price, total, _ in read(document.data)[1:]:
        assert float(total) == pytest.approx(int(quantity) * float(price))


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"columns": ["a", "b"], "rows": [["x"]]}, "row 1 has 1 values but there are 2 columns"),
        ({"topic": "payments", "include_rows": [{"payee_name": "x"}]}, "unknown column(s) ['payee_name']"),
        ({"columns": ["a"], "topic": "contacts"}, "not both"),
        ({"rows": [["x"]]}, "'rows' needs 'columns'"),
    ],
)
def test_inconsistent_parameters_are_rejected(params: dict, fragment: str) -> None:
    with pytest.raises(
        ValidationError, match=fragment.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        generate_document("csv", params, make_context())

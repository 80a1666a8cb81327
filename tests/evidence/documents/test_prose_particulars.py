"""Story particulars in prose: parties, number, amount, currency, date, signatories, and the contract topic.

Read back with poppler (pdftotext), python-docx and the plain bytes, never with our own renderer.
"""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal

import docx
import pytest
from pydantic import ValidationError

from labkit.evidence.documents import generate_document, validate_document_params

from .helpers import make_context

SHELL, VICTIM = "ТОО «Фантом Трейд»", "АО «Жібек Жолы»"
STORY = {"company": SHELL, "counterpart": VICTIM, "number": 3783, "amount": "4973000"}


def pdf_text(write, data: bytes, *args: str) -> str:
    path = write("document.pdf", data)
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def docx_text(data: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)


def test_invoice_names_supplier_buyer_number_and_date_and_totals_the_amount(write) -> None:
    params = {"topic": "invoice", "paragraphs": 3, "date": "2026-02-10", **STORY}
    text = pdf_text(write, generate_document("pdf", params, make_context(lang="ru")).data, "-layout")
    assert "Счёт на оплату № 3783 от 10 февраля 2026 г." in text
    assert f"Поставщик: {SHELL}" in text and f"Покупатель: {VICTIM}" in text
    assert "Всего к оплате: 4 973 000,00 тенге" in text
    line_totals = re.findall(r"^\s*\d+ .*?(\d{1,3}(?: \d{3})*,\d\d)\s*$", text, re.MULTILINE)
    assert len(line_totals) == 3
    assert sum(Decimal(total.replace(" ", "").replace(",", ".")) for total in line_totals) == 4973000


@pytest.mark.parametrize("amount", ["0.01", "99.99", "1234567.89", "5000000"])
def test_invoice_lines_add_up_to_any_amount_in_docx(amount: str) -> None:
    params = {"topic": "invoice", "paragraphs": 4, "amount": amount, "currency": "USD"}
    opened = docx.Document(io.BytesIO(generate_document("docx", params, make_context(lang="en")).data))
    (table,) = opened.tables
    totals = [Decimal(row.cells[5].text.replace(",", "")) for row in table.rows[1:]]
    quantities = [int(row.cells[2].text) for row in table.rows[1:]]
    prices = [Decimal(row.cells[4].text.replace(",", "")) for row in table.rows[1:]]
    assert sum(totals) == Decimal(amount)
    assert all(q * p == t for q, p, t in zip(quantities, prices, totals, strict=True))
    assert f"Amount due: {Decimal(amount):,.2f} USD" in "\n".join(p.text for p in opened.paragraphs)


@pytest.mark.parametrize(
    ("lang", "title", "total"),
    [
        ("ru", "Договор поставки № 3783", "Общая сумма договора составляет 4 973 000,00 тенге"),
        ("kk", "№ 3783 жеткізу шарты", "Шарттың жалпы сомасы 4 973 000,00 теңге"),
        ("en", "Supply Contract No. 3783", "The total price of this contract is 4,973,000.00 KZT"),
    ],
)
def test_contract_between_the_parties_in_every_language(lang: str, title: str, total: str) -> None:
    params = {"topic": "contract", **STORY, "signatory": "Р. Ким", "counterpart_signatory": "А. Сейітов"}
    text = docx_text(generate_document("docx", params, make_context(lang=lang, author="Р. Ким")).data)
    assert text.startswith(title)
    assert total in text
    assert SHELL in text and VICTIM in text
    assert "____________ Р. Ким" in text and "____________ А. Сейітов" in text
    assert "{" not in text  # every slot was filled


def test_letter_uses_the_given_number_date_and_parties_in_plain_text() -> None:
    params = {"topic": "letter", "paragraphs": 6, "date": "2026-01-05", "signatory": "Д. Омаров", **STORY}
    text = generate_document("txt", params, make_context(lang="ru")).data.decode("utf-8")
    assert text.startswith("О договоре № 3783")
    assert f"{SHELL}, " in text and f"Кому: {VICTIM}" in text
    assert "5 января 2026 г." in text
    assert "С уважением,\nД. Омаров" in text
    numbers = set(re.findall(r"№ (\S+?)[ ,.)]", text))
    assert numbers == {"3783"}  # no seeded number contradicts the story


def test_defaults_are_seeded_and_differ_between_parties() -> None:
    for seed in range(30):
        text = docx_text(generate_document("docx", {"topic": "contract"}, make_context(seed, "ru")).data)
        supplier = re.search(r"Поставщик: (.+)", text).group(1)  # type: ignore[union-attr]
        buyer = re.search(r"Покупатель: (.+)", text).group(1)  # type: ignore[union-attr]
        assert supplier != buyer


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"text": "x", "amount": 5}, "only shape a generated 'topic'"),
        ({"topic": "invoice", "company": "A", "counterpart": "A"}, "must differ from 'company'"),
        ({"topic": "invoice", "amount": -1}, "greater than 0"),
        ({"topic": "invoice", "amount": "1.001"}, "decimal places"),
        ({"topic": "invoice", "date": "10.02.2026"}, "date"),
    ],
)
def test_bad_particulars_are_refused_with_a_clear_message(params: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        validate_document_params("pdf", params)

"""The bundled usb-fraud scenario's planted documents agree with its story (seed 2).

The invoice, the contract and the deleted ledger are carved out of the E01 with
The Sleuth Kit's icat and read with pdftotext, python-docx and openpyxl; each must
name the shell company, the invoice number and the amount, and the ledger's payer
must be the victim company.
"""

from __future__ import annotations

import io
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

import labkit
from labkit.evidence.documents.office_facts import format_amount
from labkit.scenario.variant import draw_variables

SCENARIO = Path(__file__).resolve().parents[3] / "scenarios" / "usb-fraud.yaml"
SEED = 2


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict:
    scenario = labkit.load_scenario(SCENARIO)
    out = tmp_path_factory.mktemp("usb-fraud") / "variant"
    labkit.generate(scenario, seed=SEED, out=out, verify=False)
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))["facts"]
    image = out / "case" / "evidence" / "usb.E01"
    sector = str(facts["ledger"]["partition_offset_sectors"])

    def carve(fact: str) -> bytes:
        command = ["icat", "-o", sector, str(image), str(facts[fact]["inode"])]
        return subprocess.run(command, check=True, capture_output=True).stdout

    variables = draw_variables(scenario, SEED)
    return {
        "shell": str(variables["shell_company"]),
        "victim": str(variables["company"]),
        "number": str(variables["invoice_number"]),
        "amount": format_amount(Decimal(variables["amount"]), "ru"),
        "invoice": carve("invoice"),
        "contract": carve("contract"),
        "ledger": carve("ledger"),
        "tmp": out,
    }


def test_invoice_names_the_shell_company_as_supplier_the_victim_as_buyer_the_number_and_amount(case) -> None:
    path = case["tmp"] / "invoice.pdf"
    path.write_bytes(case["invoice"])
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert f"Счёт на оплату № {case['number']} от " in text
    assert f"Поставщик: {case['shell']}" in text
    assert f"Покупатель: {case['victim']}" in text
    assert f"Всего к оплате: {case['amount']} тенге" in text


def test_contract_is_a_supply_contract_between_the_shell_and_the_victim(case) -> None:
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(case["contract"])).paragraphs)
    assert text.startswith(f"Договор поставки № {case['number']}")
    assert f"Поставщик: {case['shell']}" in text and f"Покупатель: {case['victim']}" in text
    assert f"Общая сумма договора составляет {case['amount']} тенге" in text


def test_ledger_is_the_victims_and_its_planted_row_pays_the_shell_the_amount(case) -> None:
    rows = list(openpyxl.load_workbook(io.BytesIO(case["ledger"])).active.iter_rows(values_only=True))
    assert {row[2] for row in rows[1:]} == {case["victim"]}
    (planted,) = [row for row in rows[1:] if row[3] == case["shell"]]
    assert f"№{case['number']}" in planted[7]
    assert format_amount(Decimal(planted[5]), "ru") == case["amount"]
    assert planted[0] == max(row[0] for row in rows[1:])  # the latest payment, not one before the story

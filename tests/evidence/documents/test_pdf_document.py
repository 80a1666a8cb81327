"""PDFs: poppler's pdftotext and pdfinfo read the Kazakh and Russian text and the Info fields."""

from __future__ import annotations

import subprocess

from labkit.evidence.documents import generate_document

from .helpers import KAZAKH_LETTERS, make_context


def poppler(tool: str, path, *args: str) -> str:
    return subprocess.run([tool, *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_cyrillic_and_kazakh_letters_round_trip_through_pdftotext(write) -> None:
    text = f"Счёт оплачен полностью.\n\n{KAZAKH_LETTERS}\n\nЖиһаз жеткізілді."
    document = generate_document(
        "pdf",
        {"text": text, "creator": "1C:Enterprise 8.3", "exported_before": "1h30m"},
        make_context(title="Шот"),
    )
    path = write("invoice.pdf", document.data)
    extracted = poppler("pdftotext", path)
    for line in ("Шот", "Счёт оплачен полностью.", KAZAKH_LETTERS, "Жиһаз жеткізілді."):
        assert line in extracted
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Author:          Асқар Жұмабаев" in info
    assert "Title:           Шот" in info
    assert "Creator:         1C:Enterprise 8.3" in info
    assert f"Pages:           {document.metadata['pages']}" in info
    assert document.metadata["creation_date"] == "2024-03-12T08:45:30+05:00"
    raw = document.data.decode("latin-1")
    assert "/CreationDate (D:20240312084530+05'00')" in raw


def test_font_is_embedded_and_invoice_table_is_extractable(write) -> None:
    document = generate_document("pdf", {"topic": "invoice", "paragraphs": 4}, make_context(lang="ru"))
    path = write("invoice.pdf", document.data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "PTSans" in fonts and " yes yes yes " in fonts  # embedded, subset, with a ToUnicode map
    extracted = poppler("pdftotext", path, "-layout")
    assert document.metadata["title"] in extracted
    assert "Наименование" in extracted and "Всего к оплате" in extracted

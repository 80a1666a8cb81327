"""Word documents: python-docx reads them back, properties tell the story, the zip is Office-like."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import docx

from labkit.evidence.documents import generate_document

from .helpers import CREATED, KAZAKH_LETTERS, make_context


def test_core_properties_and_text_read_back_with_python_docx() -> None:
    ctx = make_context(title="Хат")
    params = {"text": f"Бірінші абзац.\n\n{KAZAKH_LETTERS}", "revision": 4, "modified": "2024-03-12T11:05:00"}
    document = generate_document("docx", params, ctx)
    opened = docx.Document(io.BytesIO(document.data))
    properties = opened.core_properties
    assert properties.author == properties.last_modified_by == "Асқар Жұмабаев"
    assert properties.title == "Хат" == document.metadata["title"]
    assert properties.revision == 4
    # core.xml holds UTC: 10:15:30 at UTC+5 is 05:15:30Z
    assert properties.created == datetime(2024, 3, 12, 5, 15, 30, tzinfo=UTC)
    assert properties.modified == datetime(2024, 3, 12, 6, 5, 0, tzinfo=UTC)
    assert document.metadata["created_utc"] == "2024-03-12T05:15:30Z"
    assert document.metadata["created"] == CREATED.isoformat()
    texts = [paragraph.text for paragraph in opened.paragraphs]
    assert texts == ["Хат", "Бірінші абзац.", KAZAKH_LETTERS]


def test_invoice_has_a_table_and_the_package_looks_like_office() -> None:
    document = generate_document(
        "docx", {"topic": "invoice", "paragraphs": 3, "company": "ТОО «Ромашка»"}, make_context()
    )
    opened = docx.Document(io.BytesIO(document.data))
    (table,) = opened.tables
    assert len(table.rows) == 4
    assert table.rows[0].cells[1].text == "Атауы"
    with zipfile.ZipFile(io.BytesIO(document.data)) as package:
        infos = package.infolist()
        app_xml = package.read("docProps/app.xml").decode("utf-8")
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "<Company>ТОО «Ромашка»</Company>" in app_xml
    assert "<Application>Microsoft Office Word</Application>" in app_xml

"""Content is older than its file, and no generator names itself.

An Office file is created a span before its last save (the file's time), a PDF
is exported before it is saved, a photo is taken before it is copied. Times are
read back with python-docx, openpyxl, pdfinfo and piexif; the fingerprint check
searches the raw bytes, every zip member and every inflated PDF stream.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
import zlib
from datetime import UTC, datetime, timedelta

import docx
import openpyxl
import piexif
import pytest
from pydantic import ValidationError

from labkit.evidence.documents import generate_document, validate_document_params

from .helpers import CREATED, make_context
from .test_determinism import CASES

FINGERPRINTS = (b"openpyxl", b"python-docx", b"fpdf", b"mpdfaa")
CREATED_UTC = (CREATED - timedelta(hours=5)).replace(tzinfo=UTC)


def app_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("docProps/app.xml").decode("utf-8")


def test_docx_edited_for_sets_created_before_the_last_save() -> None:
    document = generate_document("docx", {"topic": "memo", "edited_for": "1h30m"}, make_context())
    properties = docx.Document(io.BytesIO(document.data)).core_properties
    assert properties.modified == CREATED_UTC  # the file's time is the last save
    assert properties.created == CREATED_UTC - timedelta(minutes=90)
    total = int(re.search(r"<TotalTime>(\d+)</TotalTime>", app_xml(document.data)).group(1))  # type: ignore[union-attr]
    assert 1 <= total <= 90 and str(total) == document.metadata["total_time_minutes"]
    assert properties.revision >= 2


def test_docx_default_history_is_seeded_minutes_to_days_and_plausible() -> None:
    spans = set()
    for seed in range(12):
        document = generate_document("docx", {"topic": "letter"}, make_context(seed))
        properties = docx.Document(io.BytesIO(document.data)).core_properties
        span = properties.modified - properties.created
        assert timedelta(minutes=4) <= span <= timedelta(days=4)
        total = int(re.search(r"<TotalTime>(\d+)</TotalTime>", app_xml(document.data)).group(1))  # type: ignore[union-attr]
        assert 1 <= total <= span.total_seconds() / 60
        spans.add(span)
    assert len(spans) == 12


def test_xlsx_says_excel_2016_and_was_edited_before_its_file_time() -> None:
    document = generate_document(
        "xlsx",
        {"topic": "payments", "row_count": 3, "edited_for": "2d", "company": "АО «Жібек Жолы»"},
        make_context(),
    )
    properties = openpyxl.load_workbook(io.BytesIO(document.data)).properties
    assert properties.modified == CREATED_UTC.replace(tzinfo=None)
    assert properties.created == (CREATED_UTC - timedelta(days=2)).replace(tzinfo=None)
    xml = app_xml(document.data)
    assert "<Application>Microsoft Excel</Application>" in xml
    assert "<AppVersion>16.0300</AppVersion>" in xml
    assert "<Company>АО «Жібек Жолы»</Company>" in xml
    assert f"<vt:lpstr>{document.metadata['sheet']}</vt:lpstr>" in xml  # TitlesOfParts names the sheet
    assert "<vt:lpstr>Листы</vt:lpstr>" in xml


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_modified_and_edited_for_together_are_refused(kind: str) -> None:
    with pytest.raises(ValidationError, match="not both"):
        validate_document_params(kind, {"modified": "2024-03-12T12:00:00", "edited_for": "1h"})


def test_pdf_is_exported_before_it_is_saved_by_a_plausible_producer(write) -> None:
    params = {"topic": "invoice", "exported_before": "45m", "producer": "1C:Enterprise 8.3"}
    path = write("invoice.pdf", generate_document("pdf", params, make_context(lang="ru")).data)
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert "Producer:        1C:Enterprise 8.3" in info
    assert "Creator:         1C:Enterprise 8.3" in info
    assert "CreationDate:    2024-03-12T09:30:30+05" in info
    default = generate_document("pdf", {"topic": "invoice"}, make_context(lang="ru"))
    made = datetime.fromisoformat(default.metadata["created"])
    assert made < CREATED and made >= CREATED.replace(hour=8, minute=0, second=0)
    assert default.metadata["producer"] == "Microsoft® Word for Microsoft 365"


def test_photo_is_taken_before_it_lands_on_the_disk() -> None:
    takens = set()
    for seed in range(10):
        exif = piexif.load(generate_document("jpg", {"width": 32, "height": 24}, make_context(seed)).data)
        taken = datetime.strptime(exif["Exif"][piexif.ExifIFD.DateTimeOriginal].decode(), "%Y:%m:%d %H:%M:%S")
        assert CREATED - timedelta(days=5) <= taken <= CREATED - timedelta(minutes=2)
        takens.add(taken)
    assert len(takens) == 10


def _inflated(data: bytes) -> list[bytes]:
    parts = [data]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name in package.namelist():
                parts += _inflated(package.read(name))
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            parts.append(stream.group(1))
    return parts


@pytest.mark.parametrize("kind", sorted(CASES))
def test_no_generator_names_itself_anywhere_in_the_bytes(kind: str) -> None:
    data = generate_document(kind, CASES[kind], make_context(lang="ru")).data
    for part in _inflated(data):
        for fingerprint in FINGERPRINTS:
            assert fingerprint not in part.lower(), (kind, fingerprint)
    if data[:2] == b"PK" and kind == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert "docProps/thumbnail.jpeg" not in package.namelist()
            assert b"thumbnail" not in package.read("_rels/.rels")

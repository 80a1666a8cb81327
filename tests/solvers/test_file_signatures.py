"""Typing content by signature: agrees with file(1) on real samples; slack text is cut out of noise."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from labkit.solvers.file_signatures import detect_type, extension_contradicts, extension_of, readable_text


def _zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, b"<x/>")
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


SAMPLES = {
    "jpg": (_jpeg(), "image/jpeg"),
    "pdf": (b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "application/pdf"),
    "docx": (_zip("[Content_Types].xml", "word/document.xml"), None),
    "xlsx": (_zip("[Content_Types].xml", "xl/workbook.xml"), None),
    "zip": (_zip("readme.txt", "data/a.bin"), "application/zip"),
    "txt": ("молоко, хлеб\nmilk\n".encode(), "text/plain"),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_detect_type_agrees_with_file(kind: str, tmp_path: Path) -> None:
    content, mime = SAMPLES[kind]
    assert detect_type(content) == kind
    if mime is not None:
        sample = tmp_path / "sample"
        sample.write_bytes(content)
        shown = subprocess.run(["file", "-b", "--mime-type", str(sample)], capture_output=True, check=True)
        assert shown.stdout.decode().strip() == mime


def test_unknown_binary_and_truncated_zip_make_no_claim() -> None:
    assert detect_type(b"\x00\x01\x02\xfe\xff" * 10) is None
    assert detect_type(b"") is None
    assert detect_type(SAMPLES["docx"][0][:40], complete=False) is None


@pytest.mark.parametrize(
    ("name", "detected", "lies"),
    [
        ("IMG_0001.JPG", "pdf", True),
        ("IMG_0001.jpeg", "jpg", False),
        ("report.docx", "xlsx", True),
        ("notes.csv", "txt", False),
        ("archive.bin", "pdf", False),  # .bin promises nothing
        ("photo.jpg", None, False),  # unknown content claims nothing
        (".jpg", "pdf", False),  # a dot file has no extension
    ],
)
def test_extension_contradicts(name: str, detected: str | None, lies: bool) -> None:
    assert extension_contradicts(name, detected) is lies


def test_extension_of() -> None:
    assert extension_of("Счёт №1.PDF") == "pdf"
    assert extension_of("README") == ""


def test_readable_text_is_cut_out_of_zeros_and_binary() -> None:
    slack = b"\x00" * 40 + "Пароль: Monkey2003#\n".encode() + b"\x00" * 100 + b"\xff\xfe\x01"
    assert readable_text(slack) == "Пароль: Monkey2003#"
    assert readable_text(b"\x00" * 512) is None
    assert readable_text(b"\x00ab\x00\x01\x02") is None  # shorter than a word

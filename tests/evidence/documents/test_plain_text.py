"""Plain-text notes: verbatim explicit text, encodings and line endings that `file` recognises."""

from __future__ import annotations

from labkit.evidence.documents import generate_document

from .helpers import KAZAKH_LETTERS, file_type, make_context


def test_explicit_text_is_planted_verbatim(write) -> None:
    text = f"Пароль от сейфа: 4471\n{KAZAKH_LETTERS}\n"
    document = generate_document("txt", {"text": text}, make_context())
    assert document.data.decode("utf-8") == text
    assert document.metadata["lines"] == "2"
    assert "UTF-8 text" in file_type(write("note.txt", document.data))


def test_utf16_with_crlf_is_what_notepad_writes(write) -> None:
    params = {"text": "строка 1\nжол 2", "encoding": "utf-16", "line_endings": "crlf"}
    document = generate_document("txt", params, make_context())
    assert document.data.startswith(b"\xff\xfe")
    assert document.data[2:].decode("utf-16-le") == "строка 1\r\nжол 2"
    described = file_type(write("note.txt", document.data))
    assert "UTF-16, little-endian" in described and "CRLF" in described


def test_generated_meeting_notes_are_kazakh_prose() -> None:
    document = generate_document("txt", {"topic": "meeting_notes", "paragraphs": 4}, make_context())
    text = document.data.decode("utf-8")
    assert text.startswith("Кеңес хаттамасы\n")
    assert "Күн тәртібі" in text and "Шешім қабылданды" in text
    assert "4. " in text and "Асқар Жұмабаев" in text

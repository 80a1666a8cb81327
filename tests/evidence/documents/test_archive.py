"""Zip archives: members rendered recursively, listed by unzip, errors located in nested params."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from pydantic import ValidationError

from labkit.evidence.documents import generate_document

from .helpers import file_type, make_context

MEMBERS = [
    {
        "name": "Құжаттар/шот.pdf",
        "kind": "pdf",
        "params": {"topic": "invoice"},
        "modified": "2024-03-11T16:20:04",
    },
    {"name": "Құжаттар/хат.docx", "kind": "docx", "params": {"topic": "letter"}},
    {"name": "төлемдер.xlsx", "kind": "xlsx", "params": {"topic": "payments", "row_count": 5}},
    {"name": "IMG_2041.jpg", "kind": "jpg", "params": {"width": 80, "height": 60}},
    {"name": "inner.zip", "kind": "zip", "params": {"members": [{"name": "readme.txt", "kind": "txt"}]}},
]
EXPECTED_TYPES = [
    "PDF document",
    "Microsoft Word 2007+",
    "Microsoft Excel 2007+",
    "JPEG image data",
    "Zip archive",
]


def test_members_are_valid_files_of_their_kind(tmp_path, write) -> None:
    document = generate_document("zip", {"members": MEMBERS, "comment": "мұрағат"}, make_context())
    path = write("archive.zip", document.data)
    assert "Zip archive data" in file_type(path)
    assert document.metadata["members"].split("\n") == [member["name"] for member in MEMBERS]
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.comment.decode("utf-8") == "мұрағат"
        assert archive.getinfo("Құжаттар/шот.pdf").date_time == (2024, 3, 11, 16, 20, 4)
        for member, expected in zip(MEMBERS, EXPECTED_TYPES, strict=True):
            extracted = tmp_path / f"member{len(expected)}"
            extracted.write_bytes(archive.read(member["name"]))
            assert expected in file_type(extracted), member["name"]
        inner = zipfile.ZipFile(io.BytesIO(archive.read("inner.zip")))
        assert inner.namelist() == ["readme.txt"]
    listing = subprocess.run(["unzip", "-l", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Құжаттар/шот.pdf" in listing and "төлемдер.xlsx" in listing


def test_nested_errors_are_located_by_full_path() -> None:
    params = {
        "members": [
            {"name": "a.txt", "kind": "text"},
            {"name": "b.jpg", "kind": "jpg", "params": {"gps": {"lat": 95, "lon": 0}}},
            {
                "name": "c.zip",
                "kind": "zip",
                "params": {"members": [{"name": "d", "kind": "csv", "params": {"x": 1}}]},
            },
        ]
    }
    with pytest.raises(ValidationError) as raised:
        generate_document("zip", params, make_context())
    locations = [error["loc"] for error in raised.value.errors()]
    assert locations == [
        ("members", 0, "kind"),
        ("members", 1, "params", "gps", "lat"),
        ("members", 2, "params", "members", 0, "params", "x"),
    ]


@pytest.mark.parametrize(
    "members",
    [
        [{"name": "../evil.txt", "kind": "txt"}],
        [{"name": "/abs.txt", "kind": "txt"}],
        [{"name": "a.txt", "kind": "txt"}, {"name": "a.txt", "kind": "csv"}],
        [],
    ],
)
def test_unsafe_or_duplicate_member_names_are_rejected(members: list) -> None:
    with pytest.raises(ValidationError):
        generate_document("zip", {"members": members}, make_context())

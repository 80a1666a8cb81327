"""The roster CSV: what spreadsheets export is read; what would misname or merge trainees is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.classroom.roster import RosterError, Trainee, load_roster
from labkit.errors import UsageError


def write(tmp_path: Path, data: str | bytes, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_plain_roster_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path, "id,name,email,group\nKZ-0142,Асель Нурланова,a.n@academy.kz,A-1\nB.7,Bob Smith,,\n"
    )
    assert load_roster(path) == (
        Trainee("KZ-0142", "Асель Нурланова", "a.n@academy.kz", "A-1"),
        Trainee("B.7", "Bob Smith", None, None),
    )


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffID;Name\r\nT1;Иванов, Иван\r\nT2;Петрова Анна\r\n",  # Excel, comma-decimal locale, BOM
        "Name\tId\nИванов, Иван\tT1\nПетрова Анна\tT2\n",  # tab-separated, columns in another order
        'id,name\n\nT1,"Иванов, Иван"\n  ,  \nT2, Петрова Анна \n',  # quoted cell, blank lines, spaces
    ],
)
def test_spreadsheet_exports_are_read(tmp_path: Path, data: str) -> None:
    assert load_roster(write(tmp_path, data)) == (
        Trainee("T1", "Иванов, Иван"),
        Trainee("T2", "Петрова Анна"),
    )


def test_names_are_normalised_to_nfc(tmp_path: Path) -> None:
    (trainee,) = load_roster(write(tmp_path, "id,name\nT1,Jose\u0301\n"))
    assert trainee.name == "Jos\u00e9"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", "roster.csv: roster is empty; write a header line"),
        ("T1,Bob\n", "roster.csv:1: the first line is not a header with the columns id and name"),
        (
            "id,name,phone\nT1,Bob,1\n",
            "roster.csv:1: unknown column 'phone'; the columns are id, name, email",
        ),
        ("id,name,Name\nT1,Bob,B\n", "roster.csv:1: column 'name' appears twice"),
        ("id,name\n", "roster.csv: roster names no trainee"),
        ("id,name\nT1,Bob\nt1,Bill\n", "roster.csv:3: id 't1' is already used on line 2 (ids must differ"),
        ("id,name\n\n\nT 1,Bob\n", "roster.csv:4: id: id must be 1-64 letters"),
        ("id,name\n../x,Bob\n", "roster.csv:2: id: id must be 1-64 letters"),
        ("id,name\n" + "a" * 65 + ",Bob\n", "roster.csv:2: id: id must be 1-64 letters"),
        ("id,name\nT1,\n", "roster.csv:2: name: the name is empty"),
        ("id,name\nT1,Bob,extra\n", "roster.csv:2: 3 cells but the header has 2 columns"),
        ("id,name,email\nT1,Bob,bob\n", "roster.csv:2: email: not an e-mail address (got 'bob')"),
        ("id,name\nT1,Bo\u200bb\n", "roster.csv:2: name: contains the invisible character U+200B"),
        ('id,name\nT1,"Bob\nT2,Ann\n', "roster.csv:2: not a readable CSV line"),
        ("id,name\nT1,Bob\x00\n", "roster.csv:2: name: contains the invisible character U+0000"),
    ],
)
def test_bad_rosters_are_one_located_line(tmp_path: Path, data: str, expected: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    message = caught.value.one_line()
    assert message.startswith(str(tmp_path) + "/"), message
    assert expected in message, message
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2
    assert "\n" not in message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"id,name\nT1,Bob\nT2," + "Иван".encode("cp1251") + b"\n")
    with pytest.raises(RosterError, match=r"roster.csv:3: roster is not UTF-8 text; save it as 'CSV UTF-8'"):
        load_roster(path)


@pytest.mark.parametrize("make", ["missing", "folder", "huge"])
def test_unreadable_files(tmp_path: Path, make: str) -> None:
    path = tmp_path / "roster.csv"
    if make == "folder":
        path.mkdir()
    elif make == "huge":
        path.write_bytes(b"id,name\n" + b"T1,Bob\n" * 700_000)
    with pytest.raises(
        RosterError, match=r"roster.csv: roster: (file not found|is a folder|the file is larger)"
    ):
        load_roster(path)


def test_a_large_class_loads_quickly(tmp_path: Path) -> None:
    rows = "".join(f"T{i:04d},Trainee {i}\n" for i in range(2000))
    trainees = load_roster(write(tmp_path, "id,name\n" + rows))
    assert len(trainees) == 2000 and trainees[-1].id == "T1999"

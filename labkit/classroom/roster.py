"""The class roster: who gets a case, read from the CSV a registrar or a spreadsheet exports.

    id,name,email,group
    KZ-0142,Асель Нурланова,a.nurlanova@academy.kz,A-1

A header is required (columns ``id`` and ``name``; ``email`` and ``group`` are
optional; any case, any order). Spreadsheets export UTF-8 with or without a BOM
and separate cells with ``,`` ``;`` (Excel with a comma decimal locale, common in
Russia and Kazakhstan) or a tab; all are read. An unknown column is an error, so
a typo ("nmae") is caught instead of silently leaving every name empty.

The id names the trainee's case folder and zip (``cases/ID/``, ``handout/ID.zip``)
and derives the trainee's seed, so it is restricted to letters, digits, ``.``,
``_`` and ``-``, and ids must differ ignoring case: ``A1`` and ``a1`` would be the
same folder on Windows and macOS.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.errors import LocatedError

MAX_ROSTER_BYTES = 4 * 1024 * 1024
MAX_NAME_CHARS = 200
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
COLUMNS = ("id", "name", "email", "group")
REQUIRED = ("id", "name")
DELIMITERS = (",", ";", "\t")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")


@dataclass(frozen=True)
class Trainee:
    """One row of the roster."""

    id: str
    name: str
    email: str | None = None
    group: str | None = None


class RosterError(LocatedError):
    """The roster cannot be used: names the file, the line and what to change."""


def load_roster(path: str | Path) -> tuple[Trainee, ...]:
    """Every trainee of the roster at ``path``, in file order.

    Raises:
        RosterError: unreadable file, missing or unknown column, bad id, duplicate id, no trainee.
    """
    path = Path(path)
    try:
        data = read_bounded(path, MAX_ROSTER_BYTES)
    except ReadProblem as problem:
        raise RosterError(f"roster: {problem.message}", file=path, hint=problem.hint) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterError(
            "roster is not UTF-8 text",
            file=path,
            line=line,
            hint="save it as 'CSV UTF-8' from the spreadsheet",
        ) from None
    return parse_roster(text, path)


def parse_roster(text: str, path: str | Path = "roster.csv") -> tuple[Trainee, ...]:
    """The trainees in CSV ``text``; ``path`` only names the file in errors."""
    text = text.removeprefix("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise RosterError(
            "roster is empty", file=path, hint="write a header line 'id,name' and one line per trainee"
        )
    delimiter = _delimiter(first_line, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    trainees: list[Trainee] = []
    seen: dict[str, int] = {}
    columns: dict[str, int] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = _header(row, path, start)
                continue
            trainee = _trainee(row, columns, path, start)
            folded = trainee.id.casefold()
            if folded in seen:
                raise RosterError(
                    f"id {trainee.id!r} is already used on line {seen[folded]} "
                    "(ids must differ ignoring case)",
                    file=path,
                    line=start,
                    hint="give every trainee their own id",
                )
            seen[folded] = start
            trainees.append(trainee)
    except csv.Error as exc:
        raise RosterError(
            f"not a readable CSV line ({exc})", file=path, line=line, hint="check the quotes on that line"
        ) from None
    if not trainees:
        raise RosterError(
            "roster names no trainee", file=path, hint="add one line per trainee below the header"
        )
    return tuple(trainees)


def _delimiter(header: str, path: str | Path) -> str:
    """The separator that splits the header into cells including ``id`` and ``name``."""
    for delimiter in DELIMITERS:
        cells = {cell.strip().strip('"').casefold() for cell in header.lstrip("\ufeff").split(delimiter)}
        if set(REQUIRED) <= cells:
            return delimiter
    raise RosterError(
        "the first line is not a header with the columns id and name",
        file=path,
        line=1,
        value=header[:80],
        hint="start the file with 'id,name' (optional columns: email, group)",
    )


def _header(row: list[str], path: str | Path, line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = cell.strip().casefold()
        if name not in COLUMNS:
            raise RosterError(
                f"unknown column {cell.strip()!r}",
                file=path,
                line=line,
                hint=f"the columns are {', '.join(COLUMNS)} (email and group optional); rename or remove it",
            )
        if name in columns:
            raise RosterError(f"column {name!r} appears twice", file=path, line=line, hint="keep one of them")
        columns[name] = index
    return columns


def _trainee(row: list[str], columns: dict[str, int], path: str | Path, line: int) -> Trainee:
    if len(row) > len(columns):
        raise RosterError(
            f"{len(row)} cells but the header has {len(columns)} columns",
            file=path,
            line=line,
            hint="quote a cell that contains the separator, or remove the extra cells",
        )
    cells = {name: _cell(row, index, name, path, line) for name, index in columns.items()}
    trainee_id = cells["id"]
    if not ID_PATTERN.fullmatch(trainee_id):
        raise RosterError(
            "id must be 1-64 letters (A-Z), digits, '.', '_' or '-', starting with a letter or digit",
            file=path,
            line=line,
            field="id",
            value=trainee_id,
            hint="ids name folders and zips; use the registration number, e.g. KZ-0142",
        )
    if not cells["name"]:
        raise RosterError(
            "the name is empty", file=path, line=line, field="name", hint="write the trainee's name"
        )
    if len(cells["name"]) > MAX_NAME_CHARS:
        raise RosterError(
            f"the name is longer than {MAX_NAME_CHARS} characters",
            file=path,
            line=line,
            field="name",
            hint="check that the columns are separated as the header is",
        )
    email = cells.get("email") or None
    if email is not None and not _EMAIL.fullmatch(email):
        raise RosterError(
            "not an e-mail address",
            file=path,
            line=line,
            field="email",
            value=email,
            hint="write it as name@example.org or leave the cell empty",
        )
    group = cells.get("group") or None
    if group is not None and len(group) > MAX_NAME_CHARS:
        raise RosterError(
            f"the group is longer than {MAX_NAME_CHARS} characters",
            file=path,
            line=line,
            field="group",
            hint="use a short group name",
        )
    return Trainee(trainee_id, cells["name"], email, group)


def _cell(row: list[str], index: int, name: str, path: str | Path, line: int) -> str:
    """The cell, whitespace-trimmed and NFC-normalised; control characters are an error."""
    value = unicodedata.normalize("NFC", row[index].strip()) if index < len(row) else ""
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs") and c != "\u200d"), None)
    if bad is not None:
        raise RosterError(
            f"contains the invisible character U+{ord(bad):04X}",
            file=path,
            line=line,
            field=name,
            hint="retype the cell; it may have been pasted with formatting",
        )
    return value

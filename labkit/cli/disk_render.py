"""Rendering for ``labkit disk``: rich tables for people, plain lines for pipes, JSON for programs.

Every name shown comes from evidence and is hostile input: cells are always text,
never markup, and control or format characters (ESC, bidi overrides, tabs, newlines)
are shown escaped. When stdout is not a terminal (or with ``--plain``) a table is
printed as tab-separated lines, one row per line, that grep, cut and awk can use;
its title and column names come first on lines that start with ``#``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
import unicodedata
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from labkit.tools.disk.timestamps import FileTime


@dataclasses.dataclass(frozen=True)
class Styled:
    """A cell shown in colour in a terminal table (``style`` is a rich style name)."""

    text: str
    style: str


Cell = str | Styled


class OutputTable:
    """Columns and rows, rendered later as a rich table or as plain tab-separated lines."""

    def __init__(self, *columns: str, title: str | None = None, caption: str | None = None) -> None:
        self.columns = columns
        self.title = title
        self.caption = caption
        self.rows: list[tuple[Cell, ...]] = []

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(cells)


def use_plain(plain: bool) -> bool:
    """Plain lines when asked, or when the output goes to a pipe or a file."""
    return plain or not sys.stdout.isatty()


def show(table: OutputTable, plain: bool) -> None:
    """Print one table in the chosen form."""
    if plain:
        for line in plain_lines(table):
            click.echo(line)
        return
    rich_table = Table(
        title=Text(escape_controls(table.title)) if table.title else None,
        title_justify="left",
        caption=Text(escape_controls(table.caption)) if table.caption else None,
        caption_justify="left",
    )
    for column in table.columns:
        rich_table.add_column(column, overflow="fold")
    for row in table.rows:
        rich_table.add_row(*(_rich_cell(cell) for cell in row))
    _console().print(rich_table)


def show_line(text: str, plain: bool) -> None:
    """A line of prose between tables (a ``#`` comment in plain form)."""
    click.echo(f"# {escape_controls(text)}" if plain else escape_controls(text))


def plain_lines(table: OutputTable) -> list[str]:
    lines = [f"# {escape_controls(table.title)}"] if table.title else []
    lines.append("# " + "\t".join(table.columns))
    lines += ["\t".join(escape_controls(_text(cell)) for cell in row) for row in table.rows]
    if table.caption:
        lines.append(f"# {escape_controls(table.caption)}")
    return lines


def escape_controls(text: str) -> str:
    """Control and format characters (ESC, bidi overrides, tab, newline) are shown escaped, not obeyed."""
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf") else c
        for c in text
    )


def warn(message: str) -> None:
    """One warning line on stderr (the output on stdout stays clean for pipes)."""
    click.echo(f"labkit: warning: {escape_controls(' '.join(message.split()))}", err=True)


def emit_json(document: object) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def jsonable(value: Any, zone: tzinfo | None) -> Any:
    """Dataclasses, enums and times as plain JSON values (times in ISO 8601)."""
    convert: Callable[[Any], Any] = lambda item: jsonable(item, zone)  # noqa: E731
    if isinstance(value, FileTime):
        return value.iso(zone)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: convert(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): convert(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [convert(item) for item in value]
    return value


def number_ranges(numbers: tuple[int, ...]) -> str:
    """``2-5, 9`` rather than a wall of numbers."""
    spans: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if start is not None and number is not None and number == previous + 1:  # type: ignore[operator]
            previous = number
            continue
        if start is not None:
            spans.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = number
    return ", ".join(spans)


def _text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Styled) else cell


def _rich_cell(cell: Cell) -> Text:
    if isinstance(cell, Styled):
        return Text(escape_controls(cell.text), style=cell.style)
    return Text(escape_controls(cell))


def _console() -> Console:
    # Created per call so that it writes to the current sys.stdout (tests capture it).
    return Console(file=sys.stdout, soft_wrap=False, width=None if sys.stdout.isatty() else 200)

"""A document body independent of file format: a title, paragraphs and tables.

A topic is composed once into a :class:`Composition`; the txt, docx and pdf
kinds only render it. So the same seed gives the same words in every format,
and a new format never re-implements the writing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; ``heading`` paragraphs are rendered bold."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Table:
    """A simple grid with a header row; the last column holds money."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | Table


@dataclass(frozen=True)
class Composition:
    """A document body independent of file format."""

    title: str
    blocks: tuple[Block, ...]

    def plain_text(self) -> str:
        """The body as a plain-text file would hold it; tables become aligned columns."""
        parts = [self.title] if self.title else []
        for block in self.blocks:
            parts.append(block.text if isinstance(block, Paragraph) else _table_text(block))
        return "\n\n".join(parts) + "\n"


def _table_text(table: Table) -> str:
    lines = (table.header, *table.rows)
    widths = [max(len(line[column]) for line in lines) for column in range(len(table.header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def from_text(text: str, title: str | None) -> Composition:
    """An explicit body: paragraphs are separated by blank lines, single newlines are kept."""
    chunks = [chunk.strip("\n") for chunk in text.replace("\r\n", "\n").split("\n\n")]
    return Composition(title or "", tuple(Paragraph(chunk) for chunk in chunks if chunk.strip()))

"""PDF documents written with fpdf2 in an embedded Unicode font, made reproducible.

Cyrillic and the Kazakh letters (ә ғ қ ң ө ұ ү һ і) need a TrueType font. It is
PT Sans (ParaType, OFL), loaded from the pinned ``fontpkg-pt-sans`` wheel and
never from the host's /usr/share/fonts, so the embedded subset, and thus the
file, is the same on every machine. The /ID is fpdf2's hash of the content and
the creation date, the date carries the story's UTC offset, and no XMP packet
(which would hold the wall-clock time) is written.

Nothing in the file names the library: the Producer is what an office program
writes (a parameter), and fpdf2's fixed font-subset tag ``MPDFAA+``, a known
fingerprint, becomes a seeded six-letter tag as every PDF writer draws.
"""

from __future__ import annotations

import random
import re
import string
from datetime import datetime, time, timezone
from importlib import resources

from fpdf import FPDF
from pydantic import Field

from labkit.evidence.documents.base import DocumentContext, DocumentKind, Duration, GeneratedDocument
from labkit.evidence.documents.content_times import HOUR, MINUTE, seeded_span
from labkit.evidence.documents.prose import Composition, Paragraph, ProseParams, Table

FONT_FAMILY = "PTSans"
_FONT_PACKAGE = "fontpkg_pt_sans"
_FONT_FILES = {"": "PT_Sans-Web-Regular.ttf", "B": "PT_Sans-Web-Bold.ttf"}
_LIBRARY_SUBSET_TAG = b"MPDFAA+"
_DEFAULT_PRODUCER = "Microsoft® Word for Microsoft 365"
_NUMBER = re.compile(r"[0-9][0-9 ,.]*")


class PdfParams(ProseParams):
    """Prose body plus the PDF Info fields an examiner reads with pdfinfo or exiftool."""

    producer: str = Field(
        _DEFAULT_PRODUCER,
        min_length=1,
        description="Info /Producer, the program that wrote the PDF (Word's 'Save as PDF' by default)",
    )
    creator: str | None = Field(
        None,
        description="Info /Creator, the authoring application, e.g. '1C:Enterprise 8.3'; default: the "
        "producer, as Word writes both; '' leaves it out",
    )
    exported_before: Duration | None = Field(
        None,
        description="how long before the file's time the PDF was made (CreationDate); default: seeded, "
        "minutes to hours, not before the morning of the document's date",
    )


def exported_at(params: PdfParams, ctx: DocumentContext) -> datetime:
    """When the PDF was made: before it was saved where it is planted, on the day it is dated.

    An invoice is exported, sent and then saved; so its CreationDate precedes the
    file's time by minutes to hours, and is not earlier than 08:00 of its own date.
    """
    if params.exported_before is not None:
        return ctx.created - params.exported_before
    day = min(params.date or ctx.created.date(), ctx.created.date())
    room = ctx.created - datetime.combine(day, time(8, 0))
    longest = min(6 * HOUR, room) if room > 2 * MINUTE else 2 * MINUTE
    return ctx.created - seeded_span(ctx.rng, MINUTE, longest)


def _subset_tag(rng: random.Random) -> bytes:
    """A font-subset tag as PDF writers draw it: six capital letters and '+' (ISO 32000 9.6.4)."""
    return ("".join(rng.choice(string.ascii_uppercase) for _ in range(6)) + "+").encode("ascii")


def _new_pdf(
    ctx: DocumentContext, composition: Composition, creator: str, producer: str, made: datetime
) -> FPDF:
    pdf = FPDF(format="A4")
    for style, filename in _FONT_FILES.items():
        with resources.as_file(resources.files(_FONT_PACKAGE) / "files" / filename) as path:
            pdf.add_font(FONT_FAMILY, style, str(path))
    pdf.set_creation_date(made.replace(tzinfo=timezone(ctx.utc_offset)))
    pdf.set_author(ctx.author)
    if composition.title:
        pdf.set_title(composition.title)
    if creator:
        pdf.set_creator(creator)
    pdf.set_producer(producer)
    pdf.pdf_version = "1.7"  # what Word and current exporters write; fpdf2 would say 1.3 or 1.4
    pdf.set_lang({"en": "en-US", "ru": "ru-RU", "kk": "kk-KZ"}[ctx.lang])
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    return pdf


def _table(pdf: FPDF, table: Table) -> None:
    widths = [
        max(len(line[column]) for line in (table.header, *table.rows)) + 2
        for column in range(len(table.header))
    ]
    numeric = [all(_NUMBER.fullmatch(row[column]) for row in table.rows) for column in range(len(widths))]
    pdf.set_font(FONT_FAMILY, "", 9)
    with pdf.table(
        col_widths=tuple(widths),
        text_align=tuple("RIGHT" if flag else "LEFT" for flag in numeric),
        line_height=5,
        first_row_as_headings=True,
    ) as grid:
        for values in (table.header, *table.rows):
            row = grid.row()
            for value in values:
                row.cell(value)
    pdf.ln(4)


def render_pdf(
    composition: Composition, ctx: DocumentContext, creator: str, producer: str, made: datetime
) -> FPDF:
    """Lay the composition out on A4 pages."""
    pdf = _new_pdf(ctx, composition, creator, producer, made)
    pdf.add_page()
    if composition.title:
        pdf.set_font(FONT_FAMILY, "B", 15)
        pdf.multi_cell(0, 8, composition.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    for block in composition.blocks:
        if isinstance(block, Paragraph):
            pdf.set_font(FONT_FAMILY, "B" if block.heading else "", 11)
            pdf.multi_cell(0, 6, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        else:
            _table(pdf, block)
    return pdf


class PdfDocumentKind(DocumentKind):
    """An invoice, letter or memo as a PDF with text an examiner can extract and search."""

    kind = "pdf"
    extension = ".pdf"
    mime_type = "application/pdf"
    magic_description = "PDF document, version 1.7"
    Params = PdfParams

    def generate(self, params: PdfParams, ctx: DocumentContext) -> GeneratedDocument:
        made = exported_at(params, ctx)
        composition = params.composition(ctx, written=made)
        creator = params.producer if params.creator is None else params.creator
        pdf = render_pdf(composition, ctx, creator, params.producer, made)
        data = bytes(pdf.output())
        tag = _subset_tag(ctx.rng)
        data = data.replace(_LIBRARY_SUBSET_TAG, tag)  # same length: the xref offsets stay right
        return self.finish(
            data,
            {
                "author": ctx.author,
                "title": composition.title,
                "created": made.isoformat(timespec="seconds"),
                "creation_date": made.replace(tzinfo=timezone(ctx.utc_offset)).isoformat(timespec="seconds"),
                "creator": creator,
                "producer": params.producer,
                "pages": str(pdf.pages_count),
            },
            magic_description=f"PDF document, version {pdf.pdf_version}",
        )

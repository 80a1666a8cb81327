"""PDF documents written with fpdf2 in an embedded Unicode font, made reproducible.

Cyrillic and the Kazakh letters (ә ғ қ ң ө ұ ү һ і) need a TrueType font. It is
PT Sans (ParaType, OFL), loaded from the pinned ``fontpkg-pt-sans`` wheel and
never from the host's /usr/share/fonts, so the embedded subset, and thus the
file, is the same on every machine. The /ID is fpdf2's hash of the content and
the creation date, the date carries the story's UTC offset, and no XMP packet
(which would hold the wall-clock time) is written.
"""

from __future__ import annotations

import re
from datetime import timezone
from importlib import resources

from fpdf import FPDF
from pydantic import Field

from labkit.evidence.documents.base import DocumentContext, DocumentKind, GeneratedDocument
from labkit.evidence.documents.prose import Composition, Paragraph, ProseParams, Table

FONT_FAMILY = "PTSans"
_FONT_PACKAGE = "fontpkg_pt_sans"
_FONT_FILES = {"": "PT_Sans-Web-Regular.ttf", "B": "PT_Sans-Web-Bold.ttf"}
_PRODUCER = "fpdf2"
_NUMBER = re.compile(r"[0-9][0-9 ,.]*")


class PdfParams(ProseParams):
    """Prose body plus the PDF Info fields an examiner reads with pdfinfo or exiftool."""

    creator: str = Field("", description="Info /Creator, the authoring application, e.g. '1C:Enterprise 8.3'")


def _new_pdf(ctx: DocumentContext, composition: Composition, creator: str) -> FPDF:
    pdf = FPDF(format="A4")
    for style, filename in _FONT_FILES.items():
        with resources.as_file(resources.files(_FONT_PACKAGE) / "files" / filename) as path:
            pdf.add_font(FONT_FAMILY, style, str(path))
    pdf.set_creation_date(ctx.created.replace(tzinfo=timezone(ctx.utc_offset)))
    pdf.set_author(ctx.author)
    if composition.title:
        pdf.set_title(composition.title)
    if creator:
        pdf.set_creator(creator)
    pdf.set_producer(_PRODUCER)
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


def render_pdf(composition: Composition, ctx: DocumentContext, creator: str) -> FPDF:
    """Lay the composition out on A4 pages."""
    pdf = _new_pdf(ctx, composition, creator)
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
    magic_description = "PDF document, version 1.4"
    Params = PdfParams

    def generate(self, params: PdfParams, ctx: DocumentContext) -> GeneratedDocument:
        composition = params.composition(ctx)
        pdf = render_pdf(composition, ctx, params.creator)
        data = bytes(pdf.output())
        return self.finish(
            data,
            {
                "author": ctx.author,
                "title": composition.title,
                "created": ctx.created.isoformat(timespec="seconds"),
                "creation_date": ctx.created.replace(tzinfo=timezone(ctx.utc_offset)).isoformat(),
                "creator": params.creator,
                "producer": _PRODUCER,
                "pages": str(pdf.pages_count),
            },
            magic_description=f"PDF document, version {pdf.pdf_version}",
        )

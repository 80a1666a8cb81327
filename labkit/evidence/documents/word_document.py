"""Word documents (.docx) written with python-docx, made reproducible and Office-like.

Examiners read a docx's ``docProps/core.xml`` (author, last modified by,
revision, created/modified in UTC) and ``docProps/app.xml`` (application, company,
total editing time), so both are set from the story instead of the library's defaults:
the file's time is the last save, the document was created a seeded span before it,
and editing time and revision agree with that span.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from xml.sax.saxutils import escape

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pydantic import Field, model_validator

from labkit.evidence.documents.base import DocumentContext, DocumentKind, Duration, GeneratedDocument
from labkit.evidence.documents.content_times import office_history
from labkit.evidence.documents.office_zip import normalize_office_zip
from labkit.evidence.documents.prose import Composition, Paragraph, ProseParams

# python-docx's template carries a blank-page thumbnail, the same bytes in every file it writes;
# Word saves none unless asked to, so it and its package relationship are dropped.
_THUMBNAIL = "docProps/thumbnail.jpeg"
_THUMBNAIL_RELATIONSHIP = re.compile(rb'<Relationship [^>]*relationships/metadata/thumbnail"[^>]*/>')
_LANGUAGE_TAGS = {"en": "en-US", "ru": "ru-RU", "kk": "kk-KZ"}
_APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Template>Normal.dotm</Template><TotalTime>{total_time}</TotalTime><Pages>{pages}</Pages>\
<Words>{words}</Words><Characters>{characters}</Characters><Application>Microsoft Office Word</Application>\
<DocSecurity>0</DocSecurity><Lines>{lines}</Lines><Paragraphs>{paragraphs}</Paragraphs>\
<ScaleCrop>false</ScaleCrop><Company>{company}</Company><LinksUpToDate>false</LinksUpToDate>\
<CharactersWithSpaces>{characters_with_spaces}</CharactersWithSpaces><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"""


class WordParams(ProseParams):
    """Prose body plus the document properties an examiner looks at."""

    modified: datetime | None = Field(
        None,
        description="last save, naive local time; the document is then created at the file's time. "
        "Default: the file's time is the last save",
    )
    edited_for: Duration | None = Field(
        None, description="from creation to last save (e.g. 40m, 2d); default: seeded, minutes to days"
    )
    revision: int | None = Field(None, ge=1, description="cp:revision, the number of saves; default: seeded")

    @model_validator(mode="after")
    def _one_history(self) -> WordParams:
        if self.modified is not None and self.edited_for is not None:
            raise ValueError("give either 'modified' or 'edited_for', not both")
        return self


def _set_language(document: docx.document.Document, lang: str) -> None:
    """Tag the Normal style so Word spell-checks in the document's language."""
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), _LANGUAGE_TAGS[lang])
    run_properties.append(language)


def _add_paragraph(document: docx.document.Document, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    for index, line in enumerate(block.text.split("\n")):
        run = paragraph.add_run(line)
        run.bold = block.heading or None
        if index < block.text.count("\n"):
            run.add_break()


def _render(composition: Composition, lang: str) -> docx.document.Document:
    document = docx.Document()
    _set_language(document, lang)
    if composition.title:
        document.add_heading(composition.title, level=1)
    for block in composition.blocks:
        if isinstance(block, Paragraph):
            _add_paragraph(document, block)
            continue
        table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table.style = "Table Grid"
        for row_index, values in enumerate((block.header, *block.rows)):
            for cell, value in zip(table.rows[row_index].cells, values, strict=True):
                cell.text = value
                if row_index == 0:
                    cell.paragraphs[0].runs[0].bold = True
    return document


def _app_xml(text: str, company: str, total_minutes: int) -> bytes:
    words = len(text.split())
    lines = max(1, text.count("\n"))
    return _APP_XML.format(
        total_time=total_minutes,
        pages=max(1, lines // 45 + 1),
        words=words,
        characters=sum(1 for char in text if not char.isspace()),
        lines=lines,
        paragraphs=max(1, text.count("\n\n")),
        company=escape(company),
        characters_with_spaces=len(text.replace("\n", "")),
    ).encode("utf-8")


class WordDocumentKind(DocumentKind):
    """A letter, memo or invoice as a Microsoft Word 2007+ document."""

    kind = "docx"
    extension = ".docx"
    mime_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    magic_description = "Microsoft Word 2007+"
    Params = WordParams

    def generate(self, params: WordParams, ctx: DocumentContext) -> GeneratedDocument:
        history = office_history(
            ctx.rng,
            ctx.created,
            modified=params.modified,
            edited_for=params.edited_for,
            revision=params.revision,
        )
        created, modified = history.created, history.modified
        composition = params.composition(ctx, written=created)
        document = _render(composition, ctx.lang)
        properties = document.core_properties
        properties.author = ctx.author
        properties.last_modified_by = ctx.author
        properties.title = composition.title
        properties.comments = ""  # the template says "generated by python-docx"
        properties.revision = history.revision
        properties.created = ctx.to_utc(created)
        properties.modified = ctx.to_utc(modified)
        buffer = io.BytesIO()
        document.save(buffer)
        company = params.company or ""
        app_xml = _app_xml(composition.plain_text(), company, history.total_minutes)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
            relationships = _THUMBNAIL_RELATIONSHIP.sub(b"", package.read("_rels/.rels"))
        data = normalize_office_zip(
            buffer.getvalue(),
            {"docProps/app.xml": app_xml, "_rels/.rels": relationships},
            drop={_THUMBNAIL},
        )
        return self.finish(
            data,
            {
                "author": ctx.author,
                "last_modified_by": ctx.author,
                "title": composition.title,
                "created": created.isoformat(timespec="seconds"),
                "modified": modified.isoformat(timespec="seconds"),
                "created_utc": f"{ctx.to_utc(created):%Y-%m-%dT%H:%M:%S}Z",
                "modified_utc": f"{ctx.to_utc(modified):%Y-%m-%dT%H:%M:%S}Z",
                "revision": str(history.revision),
                "total_time_minutes": str(history.total_minutes),
                "company": company,
                "application": "Microsoft Office Word",
            },
        )

"""Excel workbooks (.xlsx) written with openpyxl, made reproducible and Excel-like.

Cells keep their types (dates are dates, money is a number formatted with two
decimals) so a trainee can sort and sum in a spreadsheet application, as they
would with a real payment register. ``docProps/app.xml`` is what Excel 2016+
writes (openpyxl's names itself), and the workbook was created a seeded span
before its last save, which is the file's time.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from pydantic import Field, model_validator

from labkit.evidence.documents.base import DocumentContext, DocumentKind, Duration, GeneratedDocument
from labkit.evidence.documents.content_times import office_history
from labkit.evidence.documents.office_zip import normalize_office_zip
from labkit.evidence.documents.tabular import DataTable, TabularParams, build_table, cell_text

_MONEY_FORMAT = "#,##0.00"
_WORKSHEETS = {"en": "Worksheets", "ru": "Листы", "kk": "Листы"}  # Kazakh Office shows Russian here
_APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>{worksheets}</vt:lpstr>\
</vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>\
<vt:vector size="1" baseType="lpstr"><vt:lpstr>{sheet}</vt:lpstr></vt:vector></TitlesOfParts>\
<Company>{company}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>"""


class SpreadsheetParams(TabularParams):
    """Table parameters plus workbook properties."""

    sheet_name: str | None = Field(None, max_length=31, description="default: named after the topic")
    modified: datetime | None = Field(
        None,
        description="last save, naive local time; the workbook is then created at the file's time. "
        "Default: the file's time is the last save",
    )
    edited_for: Duration | None = Field(
        None, description="from creation to last save (e.g. 40m, 2d); default: seeded, minutes to days"
    )
    company: str = Field("", description="docProps/app.xml Company, as Office fills it from the licence")

    @model_validator(mode="after")
    def _one_history(self) -> SpreadsheetParams:
        if self.modified is not None and self.edited_for is not None:
            raise ValueError("give either 'modified' or 'edited_for', not both")
        return self


def _app_xml(sheet: str, company: str, lang: str) -> bytes:
    return _APP_XML.format(
        worksheets=_WORKSHEETS[lang], sheet=escape(sheet), company=escape(company)
    ).encode()


def _fill(table: DataTable, sheet_title: str, lang: str) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(table.header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_format = "YYYY-MM-DD" if lang == "en" else "DD.MM.YYYY"
    for row in table.rows:
        sheet.append(list(row))
        for column, cell in enumerate(sheet[sheet.max_row]):
            if isinstance(cell.value, datetime):
                cell.number_format = date_format + " HH:MM:SS"
            elif isinstance(cell.value, date):
                cell.number_format = date_format
            elif table.is_money(column) and not isinstance(cell.value, str):
                cell.number_format = _MONEY_FORMAT
    for column, title in enumerate(table.header):
        longest = max([len(title), *(len(cell_text(row[column], lang)) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(column + 1)].width = min(60, longest + 2)
    sheet.freeze_panes = "A2"
    return workbook


class SpreadsheetKind(DocumentKind):
    """A payment register, contact list or stock list as a Microsoft Excel 2007+ workbook."""

    kind = "xlsx"
    extension = ".xlsx"
    mime_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    magic_description = "Microsoft Excel 2007+"
    Params = SpreadsheetParams

    def generate(self, params: SpreadsheetParams, ctx: DocumentContext) -> GeneratedDocument:
        table = build_table(params, ctx)
        sheet_title = params.sheet_name or table.sheet_name
        history = office_history(
            ctx.rng, ctx.created, modified=params.modified, edited_for=params.edited_for, revision=None
        )
        created, modified = history.created, history.modified
        workbook = _fill(table, sheet_title, ctx.lang)
        properties = workbook.properties
        properties.creator = ctx.author
        properties.lastModifiedBy = ctx.author
        properties.title = ctx.title
        properties.created = ctx.to_utc(created)
        properties.modified = ctx.to_utc(modified)
        buffer = io.BytesIO()
        # ExcelWriter directly: openpyxl.save_workbook() would stamp "modified" with the wall clock.
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(workbook, archive).save()
        return self.finish(
            normalize_office_zip(
                buffer.getvalue(), {"docProps/app.xml": _app_xml(sheet_title, params.company, ctx.lang)}
            ),
            {
                "author": ctx.author,
                "last_modified_by": ctx.author,
                "title": ctx.title or "",
                "created": created.isoformat(timespec="seconds"),
                "modified": modified.isoformat(timespec="seconds"),
                "created_utc": f"{ctx.to_utc(created):%Y-%m-%dT%H:%M:%S}Z",
                "modified_utc": f"{ctx.to_utc(modified):%Y-%m-%dT%H:%M:%S}Z",
                "sheet": sheet_title,
                "application": "Microsoft Excel",
                "company": params.company,
                "rows": str(len(table.rows)),
                "columns": "\n".join(table.header),
                "included_rows_at": ",".join(str(number) for number in table.included_at),
            },
        )

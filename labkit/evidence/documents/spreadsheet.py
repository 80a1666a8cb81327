"""Excel workbooks (.xlsx) written with openpyxl, made reproducible.

Cells keep their types (dates are dates, money is a number formatted with two
decimals) so a trainee can sort and sum in a spreadsheet application, as they
would with a real payment register.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from pydantic import Field

from labkit.evidence.documents.base import DocumentContext, DocumentKind, GeneratedDocument
from labkit.evidence.documents.office_zip import normalize_office_zip
from labkit.evidence.documents.tabular import DataTable, TabularParams, build_table, cell_text

_MONEY_FORMAT = "#,##0.00"


class SpreadsheetParams(TabularParams):
    """Table parameters plus workbook properties."""

    sheet_name: str | None = Field(None, max_length=31, description="default: named after the topic")
    modified: datetime | None = Field(None, description="last save, naive local time; default: created")


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
        modified = params.modified or ctx.created
        workbook = _fill(table, sheet_title, ctx.lang)
        properties = workbook.properties
        properties.creator = ctx.author
        properties.lastModifiedBy = ctx.author
        properties.title = ctx.title
        properties.created = ctx.to_utc(ctx.created)
        properties.modified = ctx.to_utc(modified)
        buffer = io.BytesIO()
        # ExcelWriter directly: openpyxl.save_workbook() would stamp "modified" with the wall clock.
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(workbook, archive).save()
        return self.finish(
            normalize_office_zip(buffer.getvalue()),
            {
                "author": ctx.author,
                "last_modified_by": ctx.author,
                "title": ctx.title or "",
                "created": ctx.created.isoformat(timespec="seconds"),
                "modified": modified.isoformat(timespec="seconds"),
                "created_utc": f"{ctx.to_utc(ctx.created):%Y-%m-%dT%H:%M:%S}Z",
                "modified_utc": f"{ctx.to_utc(modified):%Y-%m-%dT%H:%M:%S}Z",
                "sheet": sheet_title,
                "rows": str(len(table.rows)),
                "columns": "\n".join(table.header),
                "included_rows_at": ",".join(str(number) for number in table.included_at),
            },
        )

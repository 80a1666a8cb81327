"""CSV exports (.csv), as accounting and banking software write them."""

from __future__ import annotations

import csv
import io
from typing import Literal

from pydantic import Field

from labkit.evidence.documents.base import DocumentContext, DocumentKind, GeneratedDocument
from labkit.evidence.documents.tabular import TabularParams, build_table, cell_text


class CsvParams(TabularParams):
    """Table parameters plus the dialect of the exporting program."""

    delimiter: Literal[",", ";", "\t"] = Field(",", description="';' is what Russian-locale Excel writes")
    encoding: Literal["utf-8", "utf-8-sig"] = Field("utf-8", description="utf-8-sig starts with a BOM")


class CsvKind(DocumentKind):
    """A payment register, contact list or stock list exported as CSV (CRLF line ends)."""

    kind = "csv"
    extension = ".csv"
    mime_type = "text/csv"
    magic_description = "CSV text"
    Params = CsvParams

    def generate(self, params: CsvParams, ctx: DocumentContext) -> GeneratedDocument:
        table = build_table(params, ctx)
        text = io.StringIO()
        writer = csv.writer(text, delimiter=params.delimiter, lineterminator="\r\n")
        writer.writerow(table.header)
        writer.writerows([cell_text(value, ctx.lang) for value in row] for row in table.rows)
        return self.finish(
            text.getvalue().encode(params.encoding),
            {
                "author": ctx.author,
                "created": ctx.created.isoformat(timespec="seconds"),
                "rows": str(len(table.rows)),
                "columns": "\n".join(table.header),
                "included_rows_at": ",".join(str(number) for number in table.included_at),
                "delimiter": params.delimiter,
                "encoding": params.encoding,
            },
        )

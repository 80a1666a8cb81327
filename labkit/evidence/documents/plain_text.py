"""Plain-text notes (.txt): the example kind to copy when adding a new one.

A kind is three things: a frozen pydantic ``Params`` model (the scenario keys it
accepts, with defaults), class attributes describing the file type, and a
``generate`` method that turns validated params plus a :class:`DocumentContext`
into bytes and the facts an examiner can read back. Defining the subclass is
enough to register it; add the module to ``documents/__init__.py`` so it is imported.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from labkit.evidence.documents.base import DocumentContext, DocumentKind, GeneratedDocument
from labkit.evidence.documents.prose import ProseParams


class PlainTextParams(ProseParams):
    """``text`` or ``topic`` as for every prose kind, plus how the file is encoded."""

    encoding: Literal["utf-8", "utf-8-sig", "utf-16"] = Field(
        "utf-8", description="utf-8-sig and utf-16 start with a byte-order mark, as Windows Notepad writes"
    )
    line_endings: Literal["lf", "crlf"] = Field("lf", description="crlf for notes written on Windows")


class PlainTextKind(DocumentKind):
    """A note, letter or memo saved as a plain-text file."""

    kind = "txt"
    extension = ".txt"
    mime_type = "text/plain"
    magic_description = "Unicode text, UTF-8 text"
    Params = PlainTextParams

    def generate(self, params: PlainTextParams, ctx: DocumentContext) -> GeneratedDocument:
        composition = params.composition(ctx)
        # Explicit text is planted verbatim; only generated bodies are laid out by us.
        text = params.text if params.text is not None else composition.plain_text()
        text = text.replace("\r\n", "\n")
        if params.line_endings == "crlf":
            text = text.replace("\n", "\r\n")
        if params.encoding == "utf-16":  # as Notepad writes it, independent of the host's byte order
            data, magic = b"\xff\xfe" + text.encode("utf-16-le"), "Unicode text, UTF-16, little-endian text"
        else:
            data, magic = text.encode(params.encoding), self.magic_description
        return self.finish(
            data,
            {
                "author": ctx.author,
                "title": composition.title,
                "created": ctx.created.isoformat(timespec="seconds"),
                "encoding": params.encoding,
                "lines": str(text.count("\n") + (0 if text.endswith("\n") or not text else 1)),
            },
            magic_description=magic,
        )

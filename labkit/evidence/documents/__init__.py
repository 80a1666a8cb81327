"""Realistic documents to plant on evidence media: txt, csv, docx, xlsx, pdf, jpg and zip.

Each kind lives in its own module and registers itself by subclassing
:class:`DocumentKind` (copy ``plain_text.py`` to add one, then import it below).
Everything is reproducible: the same parameters and random stream give the same bytes.

    ctx = DocumentContext(rng=random.Random(7), lang="kk", author="Асқар Жұмабаев",
                          created=datetime(2024, 3, 12, 10, 15))
    document = generate_document("xlsx", {"topic": "payments", "row_count": 30}, ctx)
"""

from __future__ import annotations

from labkit.evidence.documents import (  # noqa: F401  (imported to register their kinds)
    archive,
    comma_separated,
    elf_executable,
    pdf_document,
    photo,
    plain_text,
    spreadsheet,
    word_document,
)
from labkit.evidence.documents.base import (
    DocumentContext,
    DocumentKind,
    GeneratedDocument,
    KindParams,
    document_kinds,
    generate_document,
    validate_document_params,
)

__all__ = [
    "DocumentContext",
    "DocumentKind",
    "GeneratedDocument",
    "KindParams",
    "document_kinds",
    "generate_document",
    "validate_document_params",
]

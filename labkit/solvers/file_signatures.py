"""What a file really is, from its first bytes, and whether its extension says the same.

This is the check an examiner makes with ``file`` or a hex viewer: the extension is
a name anyone can change, the signature ("magic bytes") is what programs open.
Office Open XML and OpenDocument files are ZIP archives, so a ZIP is looked into to
tell a .docx from a .xlsx; plain text has no signature and is recognised as UTF-8
without control characters.
"""

from __future__ import annotations

import io
import re
import zipfile

# (magic bytes at offset 0, type). Longer, more specific magics first.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),  # legacy .doc/.xls/.ppt, .msg
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
    (b"{\\rtf", "rtf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\xff\xd8\xff", "jpg"),
    (b"\x1f\x8b", "gz"),
)

# What each extension promises. Types absent here make no promise we can check.
EXTENSION_TYPES: dict[str, str] = {
    "jpg": "jpg",
    "jpeg": "jpg",
    "jpe": "jpg",
    "png": "png",
    "gif": "gif",
    "pdf": "pdf",
    "rtf": "rtf",
    "zip": "zip",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "odt": "odt",
    "ods": "ods",
    "doc": "ole2",
    "xls": "ole2",
    "ppt": "ole2",
    "7z": "7z",
    "rar": "rar",
    "gz": "gz",
    "txt": "txt",
    "csv": "txt",
    "log": "txt",
    "md": "txt",
}

SPREADSHEET_TYPES = frozenset({"xlsx", "ods", "ole2"})
SPREADSHEET_EXTENSIONS = frozenset({"xlsx", "xlsm", "xls", "ods", "csv"})

# Members that identify an office document inside a ZIP.
_ZIP_MEMBERS: tuple[tuple[str, str], ...] = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
)
_OPENDOCUMENT_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_TEXT_CONTROLS = frozenset("\t\n\r\f")
# Anything that ends a run of text: NUL and other C0/C1 controls, and undecodable bytes.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\u2028\u2029]+")


def extension_of(name: str) -> str:
    """The lower-case extension without its dot ('' when there is none)."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def detect_type(content: bytes, *, complete: bool = True) -> str | None:
    """The type the content's signature shows, or None when it shows none we know.

    ``complete`` says whether ``content`` is the whole file: a ZIP can only be told
    apart from a .docx or .xlsx by its member list, which sits at the end.
    """
    if not content:
        return None
    for magic, kind in SIGNATURES:
        if content.startswith(magic):
            if kind == "zip":
                return zip_kind(content) if complete else None
            return kind
    return "txt" if looks_like_text(content) else None


def zip_kind(content: bytes) -> str:
    """docx / xlsx / pptx / odt / ods for office documents, plain 'zip' otherwise."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return "zip"
    for member, kind in _ZIP_MEMBERS:
        if member in names:
            return kind
    return _OPENDOCUMENT_MIMETYPES.get(mimetype, "zip")


def looks_like_text(content: bytes) -> bool:
    """UTF-8 (BOM allowed) with no control characters other than tab and line breaks."""
    try:
        text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and all(ch.isprintable() or ch in _TEXT_CONTROLS or ch == " " for ch in text)


def extension_contradicts(name: str, detected: str | None) -> bool:
    """True when the extension promises one known type and the signature shows another."""
    promised = EXTENSION_TYPES.get(extension_of(name))
    return promised is not None and detected is not None and promised != detected


def readable_text(data: bytes, minimum: int = 4) -> str | None:
    """The longest run of readable UTF-8 text in ``data`` (like ``strings``), or None.

    Slack holds whatever was in the cluster before, so text is cut out of the zeros
    and binary bytes around it rather than decoded as a whole.
    """
    runs = _NOT_TEXT.split(data.decode("utf-8", "replace"))
    best = max((run.strip() for run in runs), key=len, default="")
    return best if len(best) >= minimum else None

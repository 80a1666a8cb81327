"""Make OOXML packages (docx, xlsx) byte-reproducible.

python-docx and openpyxl write each zip member with the wall-clock time and
the host's "made by" system. Microsoft Office itself stamps every member with the
DOS epoch (1980-01-01 00:00) and "made by MS-DOS", so rewriting the package that
way makes it both deterministic and closer to what a real Office file looks like.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Mapping

DOS_EPOCH = (1980, 1, 1, 0, 0, 0)
_MADE_BY_MSDOS = 0


def normalize_office_zip(
    data: bytes, replacements: Mapping[str, bytes] | None = None, drop: Collection[str] = ()
) -> bytes:
    """Rewrite a package member by member, content types first, with fixed zip headers.

    Args:
        data: the package as the library saved it.
        replacements: member name -> new content (e.g. a rewritten ``docProps/app.xml``).
        drop: members to leave out (the caller removes their relationships).
    """
    replacements = replacements or {}
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        # Office writes [Content_Types].xml first, and libmagic's OOXML test looks there.
        members = sorted(source.infolist(), key=lambda member: member.filename != "[Content_Types].xml")
        for member in members:
            if member.filename in drop:
                continue
            info = zipfile.ZipInfo(member.filename, date_time=DOS_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _MADE_BY_MSDOS
            info.external_attr = 0
            content = replacements.get(member.filename, None)
            target.writestr(info, content if content is not None else source.read(member))
    return output.getvalue()

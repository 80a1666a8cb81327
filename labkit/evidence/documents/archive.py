"""Zip archives (.zip) of other generated documents, rendered recursively.

Each member is any registered kind (a zip inside a zip included) with its own
parameters and its own random stream split from the archive's, so adding a
member never changes the bytes of the ones before it. Member times are the DOS
local times a suspect's "Send to > Compressed folder" would record.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from labkit.evidence.documents.base import (
    DocumentContext,
    DocumentKind,
    GeneratedDocument,
    KindParams,
    Language,
    kind_class,
)

# "Made by" VFAT: DOS attributes as Windows sets them, and unlike MS-DOS (0) Info-ZIP then
# honours the UTF-8 flag, so Cyrillic member names list correctly in unzip, 7z and Autopsy.
_MADE_BY_VFAT = 14


class ArchiveMember(KindParams):
    """One file in the archive: its path inside the zip, its kind and that kind's parameters."""

    name: str = Field(min_length=1, max_length=255, description="path inside the archive, '/'-separated")
    kind: str
    params: dict[str, Any] = Field(default_factory=dict)
    modified: datetime | None = Field(None, description="member time, naive local; default: shortly before")
    lang: Language | None = Field(None, description="default: the archive's language")
    title: str | None = None

    @field_validator("name")
    @classmethod
    def _relative_path(cls, name: str) -> str:
        normalised = posixpath.normpath(name)
        if name.startswith("/") or "\\" in name or normalised.startswith("..") or normalised != name:
            raise ValueError(
                "must be a plain relative path like 'docs/letter.docx' (no '..', '\\' or '/' first)"
            )
        return name


class ArchiveParams(KindParams):
    """The members, in the order they are stored, and an optional archive comment."""

    members: list[ArchiveMember] = Field(min_length=1)
    comment: str = Field("", max_length=60000)

    @field_validator("members")
    @classmethod
    def _unique_names(cls, members: list[ArchiveMember]) -> list[ArchiveMember]:
        seen: set[str] = set()
        for member in members:
            if member.name in seen:
                raise ValueError(f"member name {member.name!r} appears twice")
            seen.add(member.name)
        return members


class ArchiveKind(DocumentKind):
    """A zip of several documents, as a suspect packs files to send or hide them."""

    kind = "zip"
    extension = ".zip"
    mime_type = "application/zip"
    magic_description = "Zip archive data"
    Params = ArchiveParams

    @classmethod
    def parse_params(cls, raw: Mapping[str, Any]) -> ArchiveParams:
        """Validate the archive and every member's parameters, reporting all errors with full paths."""
        params = ArchiveParams.model_validate(dict(raw))
        errors: list[InitErrorDetails] = []
        for index, member in enumerate(params.members):
            where: tuple[str | int, ...] = ("members", index)
            try:
                member_kind = kind_class(member.kind, (*where, "kind"))
            except ValidationError as error:
                errors.extend(_relocated(detail, ()) for detail in error.errors())
                continue
            try:
                member_kind.parse_params(member.params)
            except ValidationError as error:
                errors.extend(_relocated(detail, (*where, "params")) for detail in error.errors())
        if errors:
            raise ValidationError.from_exception_data("zip", errors)
        return params

    def generate(self, params: ArchiveParams, ctx: DocumentContext) -> GeneratedDocument:
        output = io.BytesIO()
        latest = ctx.created
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in params.members:
                modified = member.modified or ctx.created - timedelta(minutes=ctx.rng.randint(2, 600))
                member_ctx = ctx.child(created=modified, lang=member.lang or ctx.lang, title=member.title)
                document = kind_class(member.kind)().generate(
                    kind_class(member.kind).parse_params(member.params), member_ctx
                )
                info = zipfile.ZipInfo(member.name, date_time=_dos_time(modified))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = _MADE_BY_VFAT
                info.external_attr = 0x20  # FILE_ATTRIBUTE_ARCHIVE, as Windows sets it
                archive.writestr(info, document.data)
                latest = max(latest, modified)
            archive.comment = params.comment.encode("utf-8")
        return self.finish(
            output.getvalue(),
            {
                "author": ctx.author,
                "created": ctx.created.isoformat(timespec="seconds"),
                "members": "\n".join(member.name for member in params.members),
                "member_count": str(len(params.members)),
                "comment": params.comment,
            },
        )


def _dos_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """Zip stores local time to two seconds, from 1980 on."""
    moment = max(moment, datetime(1980, 1, 1))
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def _relocated(detail: Any, prefix: tuple[str | int, ...]) -> InitErrorDetails:
    """A nested error re-rooted at ``prefix``, with its type name and message unchanged."""
    return InitErrorDetails(
        type=PydanticCustomError(detail["type"], detail["msg"]),
        loc=(*prefix, *detail["loc"]),
        input=detail["input"],
    )

"""What a planted file contains: text, a template, bytes, random data or a generated document."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from labkit.story.base import ActionFailed
from labkit.story.context import StoryContext


class DocumentSpec(BaseModel):
    """A generated realistic document; other keys are the document kind's own parameters."""

    model_config = ConfigDict(extra="allow")
    kind: str
    author: str = ""
    title: str | None = None
    lang: str | None = None


class ContentSpec(BaseModel):
    """Exactly one of text, base64, hex, random_bytes or document."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = None
    encoding: Literal["utf-8", "utf-8-sig", "utf-16", "cp1251", "cp866", "ascii", "latin-1"] = "utf-8"
    newline: Literal["lf", "crlf"] = "crlf"
    base64: str | None = None
    hex: str | None = None
    random_bytes: int | None = Field(None, ge=0, le=512 * 1024 * 1024)
    document: DocumentSpec | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ContentSpec:
        given = [
            k for k in ("text", "base64", "hex", "random_bytes", "document") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of text, base64, hex, random_bytes, document"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


@dataclass(frozen=True)
class RenderedContent:
    data: bytes
    true_type: str
    metadata: dict[str, Any]


def render_content(
    spec: ContentSpec, ctx: StoryContext, *, label: str, local_time: Any, disk_id: str | None = None
) -> RenderedContent:
    """Turn a content spec into bytes, with the file's real type and readable metadata."""
    if spec.text is not None:
        text = ctx.render(spec.text)
        if spec.newline == "crlf":
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        try:
            return RenderedContent(text.encode(spec.encoding), "txt", {})
        except UnicodeEncodeError as exc:
            raise ActionFailed(f"text cannot be encoded as {spec.encoding}: {exc.reason}") from None
    if spec.base64 is not None:
        try:
            return RenderedContent(base64.b64decode(spec.base64, validate=True), "data", {})
        except binascii.Error:
            raise ActionFailed("base64 content is not valid base64") from None
    if spec.hex is not None:
        try:
            return RenderedContent(bytes.fromhex(spec.hex), "data", {})
        except ValueError:
            raise ActionFailed("hex content is not valid hexadecimal") from None
    if spec.random_bytes is not None:
        return RenderedContent(ctx.rng("content", label).randbytes(spec.random_bytes), "data", {})
    doc = spec.document
    assert doc is not None
    # Imported here: the document writers (fpdf, openpyxl, fontTools) take a second to import,
    # and loading or validating a scenario should not pay for that.
    from labkit.evidence.documents import DocumentContext, generate_document

    params = {k: _render_deep(v, ctx) for k, v in (doc.model_extra or {}).items()}
    zone = ctx.disk(disk_id).zone if disk_id is not None or ctx.disks else ctx.zone
    utc_offset = local_time.replace(tzinfo=zone).utcoffset() if local_time is not None else None
    document_ctx = DocumentContext(
        utc_offset=utc_offset or timedelta(0),
        rng=ctx.rng("document", label),
        lang=doc.lang or ctx.language,
        author=ctx.render(doc.author),
        created=local_time,
        title=ctx.render(doc.title) if doc.title else None,
    )
    try:
        generated = generate_document(doc.kind, params, document_ctx)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ActionFailed(
            f"content.document.{where}: {first['msg'].removeprefix('Value error, ')}"
        ) from None
    return RenderedContent(generated.data, generated.kind, dict(generated.metadata))


def _render_deep(value: Any, ctx: StoryContext) -> Any:
    if isinstance(value, str):
        return ctx.render(value)
    if isinstance(value, list):
        return [_render_deep(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: _render_deep(v, ctx) for k, v in value.items()}
    return value

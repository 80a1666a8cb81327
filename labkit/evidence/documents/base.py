"""The extension point for planted documents: one ``DocumentKind`` subclass per file type.

A subclass names its ``kind``, declares its parameters as a pydantic model and
implements :meth:`DocumentKind.generate`; defining the class registers it. The
scenario schema, its validation errors and its documentation all come from that
one declaration, so no kind ever parses a raw dictionary itself.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from labkit.registry import Registry
from labkit.scenario.time_expressions import TimeExpressionError, parse_duration

Language = Literal["en", "ru", "kk"]


def _duration(value: Any) -> Any:
    """Scenario durations ("45m", "2h30m", "3d") become timedeltas; anything else pydantic judges."""
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except TimeExpressionError as exc:
            raise ValueError(str(exc)) from None
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
"""A span written as in timeline entries (``90s``, ``15m``, ``2h30m``, ``3d``)."""

_REGISTRY: Registry[type[DocumentKind]] = Registry("document kind")


class KindParams(BaseModel):
    """Base of every kind's parameters: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class DocumentContext:
    """What a document knows about the story it is planted in.

    Attributes:
        rng: the only source of randomness; a child is split off for nested documents.
        lang: language of generated text ("en", "ru" or "kk").
        author: the person who wrote the file (core properties, PDF Author, ...).
        created: naive LOCAL time the file was written where it is planted (its
            last save), as the suspect's clock showed it. Content times (an office
            document's creation, a PDF export, a photo's shutter) default to
            seeded moments BEFORE it, never after.
        title: document title; kinds invent one from the topic when it is None.
        utc_offset: the suspect's offset from UTC, for formats that store UTC
            (OOXML core properties, PDF dates) or an explicit offset (EXIF).
    """

    rng: random.Random
    lang: Language
    author: str
    created: datetime
    title: str | None = None
    utc_offset: timedelta = field(default=timedelta(0))

    def to_utc(self, local: datetime) -> datetime:
        """A naive local time of the story as naive UTC, for formats that store UTC."""
        return local - self.utc_offset

    def child(self, **changes: Any) -> DocumentContext:
        """A context for a nested document with its own independent random stream."""
        values: dict[str, Any] = {
            "rng": random.Random(self.rng.getrandbits(64)),
            "lang": self.lang,
            "author": self.author,
            "created": self.created,
            "title": None,
            "utc_offset": self.utc_offset,
        }
        values.update(changes)
        return DocumentContext(**values)


@dataclass(frozen=True)
class GeneratedDocument:
    """A finished file plus the facts an examiner can read back from it.

    ``metadata`` values are strings exactly as an answer key would hold them;
    list-valued facts (zip members, spreadsheet columns) are joined with newlines.
    """

    data: bytes
    kind: str
    extension: str
    mime_type: str
    magic_description: str
    metadata: dict[str, str]


class DocumentKind:
    """Base class of document generators; subclasses register themselves by ``kind``."""

    kind: ClassVar[str]
    extension: ClassVar[str]
    mime_type: ClassVar[str]
    magic_description: ClassVar[str]
    Params: ClassVar[type[KindParams]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("kind")
        if name is None:  # an abstract intermediate class
            return
        _REGISTRY.add(name, cls)  # a duplicate name raises TypeError at import time

    @classmethod
    def parse_params(cls, raw: Mapping[str, Any]) -> KindParams:
        """Validate raw scenario parameters; kinds with nested documents override this."""
        return cls.Params.model_validate(dict(raw))

    def generate(self, params: Any, ctx: DocumentContext) -> GeneratedDocument:
        """Build the file from validated parameters; must draw randomness from ``ctx.rng`` only."""
        raise NotImplementedError

    def finish(
        self, data: bytes, metadata: dict[str, str], *, magic_description: str | None = None
    ) -> GeneratedDocument:
        """Wrap bytes with this kind's descriptors (``magic_description`` when it depends on params)."""
        return GeneratedDocument(
            data=data,
            kind=self.kind,
            extension=self.extension,
            mime_type=self.mime_type,
            magic_description=magic_description or self.magic_description,
            metadata=metadata,
        )


def document_kinds() -> dict[str, type[DocumentKind]]:
    """Every registered kind by name, sorted by name."""
    return {name: cls for name in _REGISTRY if (cls := _REGISTRY.get(name)) is not None}


def _unknown_kind_error(kind: str, loc: tuple[str | int, ...]) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError(
            "unknown_document_kind",
            "unknown document kind '{kind}'; {suggestion}",
            {"kind": kind, "suggestion": _REGISTRY.suggestion(kind)},
        ),
        loc=loc,
        input=kind,
    )


def params_error(loc: tuple[str | int, ...], message: str, value: Any) -> ValidationError:
    """A parameter error that only generation can see (it depends on the context), located at ``loc``.

    The story layer maps it to a located scenario error exactly like a validation error.
    """
    detail = InitErrorDetails(
        type=PydanticCustomError("document_parameter", "{message}", {"message": message}),
        loc=loc,
        input=value,
    )
    return ValidationError.from_exception_data("document", [detail])


def kind_class(kind: str, loc: tuple[str | int, ...] = ("kind",)) -> type[DocumentKind]:
    """The class registered as ``kind``, or a ValidationError located at ``loc``."""
    cls = _REGISTRY.get(kind)
    if cls is None:
        raise ValidationError.from_exception_data("document", [_unknown_kind_error(kind, loc)])
    return cls


def validate_document_params(kind: str, params: Mapping[str, Any]) -> KindParams:
    """Check a scenario's parameters for ``kind`` without generating anything.

    Raises:
        pydantic.ValidationError: unknown kind (loc ``("kind",)``) or bad parameters.
    """
    return kind_class(kind).parse_params(params)


def generate_document(kind: str, params: Mapping[str, Any], ctx: DocumentContext) -> GeneratedDocument:
    """Validate ``params`` for ``kind`` and generate the document.

    Raises:
        pydantic.ValidationError: unknown kind or bad parameters; the caller maps it to
            a located scenario error.
    """
    cls = kind_class(kind)
    return cls().generate(cls.parse_params(params), ctx)

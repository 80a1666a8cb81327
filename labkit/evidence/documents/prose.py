"""Prose parameters shared by txt, docx and pdf, and the topics they can write.

A body is either the scenario's own ``text`` or a generated ``topic``. The
parties and particulars (``company``, ``counterpart``, ``number``, ``amount``,
``date``, ...) tie a generated body to the story; whatever is not given is seeded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from labkit.evidence.documents.base import DocumentContext, KindParams
from labkit.evidence.documents.commercial_papers import contract, invoice
from labkit.evidence.documents.composition import Block, Composition, Paragraph, Table, from_text
from labkit.evidence.documents.correspondence import letter, meeting_notes, memo
from labkit.evidence.documents.scene import Scene
from labkit.evidence.documents.vocabulary import vocabulary_for

__all__ = ["Composition", "Paragraph", "ProseParams", "Table", "Topic", "compose", "from_text"]

Topic = Literal["letter", "memo", "meeting_notes", "invoice", "contract"]
Writer = Callable[[Scene, int, DocumentContext], tuple[str, list[Block]]]
_WRITERS: dict[str, Writer] = {
    "letter": letter,
    "memo": memo,
    "meeting_notes": meeting_notes,
    "invoice": invoice,
    "contract": contract,
}
# Particulars only a generated body can use; ``company`` also names docx's licensee, so it is not here.
_TOPIC_ONLY = ("counterpart", "number", "amount", "currency", "date", "signatory", "counterpart_signatory")


def _number_text(value: Any) -> Any:
    """Document numbers are text ("3783", "60/2025"); a bare YAML integer is accepted as one."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


DocumentNumber = Annotated[str, BeforeValidator(_number_text)]


class ProseParams(KindParams):
    """Body parameters shared by txt, docx and pdf: explicit ``text`` or a generated ``topic``."""

    text: str | None = Field(None, description="explicit body; paragraphs separated by blank lines")
    topic: Topic | None = Field(None, description="generate a plausible body on this topic (default: letter)")
    paragraphs: int = Field(
        3, ge=1, le=40, description="body paragraphs, agenda items, invoice lines or contract goods (max 3)"
    )
    company: str | None = Field(
        None,
        min_length=1,
        description="the writer's organisation: sender, invoice supplier, contract supplier (docx: also "
        "app.xml Company); default: seeded",
    )
    counterpart: str | None = Field(
        None, min_length=1, description="the other party: addressee, buyer; default: seeded"
    )
    number: DocumentNumber | None = Field(
        None, min_length=1, max_length=40, description="invoice or contract number; default: seeded"
    )
    amount: Decimal | None = Field(
        None,
        gt=0,
        le=10**13,
        decimal_places=2,
        description="invoice or contract total; invoice lines add up to it; default: seeded",
    )
    currency: str | None = Field(
        None,
        min_length=1,
        max_length=20,
        description="written after amounts; default: tenge, in the language",
    )
    date: dt.date | None = Field(
        None, description="the date written on the document; default: its creation day"
    )
    signatory: str | None = Field(None, min_length=1, description="signs for company; default: the author")
    counterpart_signatory: str | None = Field(
        None, min_length=1, description="signs for counterpart (contract); default: seeded"
    )

    @model_validator(mode="after")
    def _text_or_topic(self) -> ProseParams:
        if self.text is not None and self.topic is not None:
            raise ValueError("give either 'text' or 'topic', not both")
        if self.text is not None:
            given = [name for name in _TOPIC_ONLY if getattr(self, name) is not None]
            if given:
                names = ", ".join(repr(name) for name in given)
                raise ValueError(f"{names} only shape a generated 'topic', not an explicit 'text'")
        if self.company is not None and self.company == self.counterpart:
            raise ValueError("'counterpart' is the other party, so it must differ from 'company'")
        return self

    def composition(self, ctx: DocumentContext, written: dt.datetime | None = None) -> Composition:
        """The body these parameters ask for.

        Args:
            ctx: the document's context.
            written: when the content was written, if earlier than ``ctx.created``
                (a PDF exported before it was saved); the default document date.
        """
        if self.text is not None:
            return from_text(self.text, ctx.title)
        return compose(self.topic or "letter", self.paragraphs, ctx, self, written or ctx.created)


def compose(
    topic: Topic,
    paragraphs: int,
    ctx: DocumentContext,
    particulars: ProseParams | None = None,
    written: dt.datetime | None = None,
) -> Composition:
    """Write a plausible document on ``topic`` with about ``paragraphs`` paragraphs (or items)."""
    given = particulars or ProseParams()
    vocabulary = vocabulary_for(ctx.lang)
    rng = ctx.rng
    first, second = (company.name for company in rng.sample(vocabulary.companies, 2))
    company = given.company or (first if first != given.counterpart else second)
    counterpart = given.counterpart or (second if second != company else first)
    city = rng.choice(vocabulary.cities)
    scene = Scene(
        rng=rng,
        vocabulary=vocabulary,
        lang=ctx.lang,
        today=given.date or (written or ctx.created).date(),
        company=company,
        counterpart=counterpart,
        city=city,
        number=given.number,
        amount=given.amount,
        currency=given.currency or vocabulary.labels["currency"],
        signatory=given.signatory or ctx.author,
        counterpart_signatory=given.counterpart_signatory,
    )
    title, blocks = _WRITERS[topic](scene, paragraphs, ctx)
    return Composition(ctx.title or title, tuple(blocks))

"""Format-neutral document bodies: letters, memos, meeting notes and invoices.

A topic is composed once into a :class:`Composition` (title + paragraphs +
tables); the txt, docx and pdf kinds only render it. So the same seed gives the
same words in every format, and a new format never re-implements the writing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from labkit.evidence.documents.base import DocumentContext, KindParams
from labkit.evidence.documents.office_facts import (
    business_id,
    format_amount,
    format_date,
    pick_iban,
    pick_person,
    random_amount,
)
from labkit.evidence.documents.vocabulary import Vocabulary, vocabulary_for

Topic = Literal["letter", "memo", "meeting_notes", "invoice"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; ``heading`` paragraphs are rendered bold."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Table:
    """A simple grid with a header row; the last column holds money."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | Table


@dataclass(frozen=True)
class Composition:
    """A document body independent of file format."""

    title: str
    blocks: tuple[Block, ...]

    def plain_text(self) -> str:
        """The body as a plain-text file would hold it; tables become aligned columns."""
        parts = [self.title] if self.title else []
        for block in self.blocks:
            parts.append(block.text if isinstance(block, Paragraph) else _table_text(block))
        return "\n\n".join(parts) + "\n"


def _table_text(table: Table) -> str:
    lines = (table.header, *table.rows)
    widths = [max(len(line[column]) for line in lines) for column in range(len(table.header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def from_text(text: str, title: str | None) -> Composition:
    """An explicit body: paragraphs are separated by blank lines, single newlines are kept."""
    chunks = [chunk.strip("\n") for chunk in text.replace("\r\n", "\n").split("\n\n")]
    return Composition(title or "", tuple(Paragraph(chunk) for chunk in chunks if chunk.strip()))


@dataclass(frozen=True)
class _Scene:
    """The cast of one document, fixed so that every sentence tells the same story."""

    rng: random.Random
    vocabulary: Vocabulary
    lang: str
    today: date
    company: str
    counterpart: str
    city: str

    def slots(self) -> dict[str, str]:
        rng, vocabulary = self.rng, self.vocabulary
        goods = rng.choice(vocabulary.goods)
        return {
            "company": self.company,
            "counterpart": self.counterpart,
            "city": self.city,
            "goods": goods.name,
            "date": format_date(self.today + timedelta(days=rng.randint(-30, 30)), vocabulary),
            "number": str(rng.randint(12, 2400)),
            "contract": f"{rng.randint(3, 190)}/{self.today.year}",
            "amount": format_amount(
                random_amount(rng, goods.low_price * 5, goods.high_price * 40), self.lang
            ),
            "person": pick_person(rng, vocabulary).full_name,
        }

    def fill(self, template: str) -> str:
        return template.format_map(self.slots())

    def body(self, paragraphs: int) -> list[Paragraph]:
        pool = list(self.vocabulary.business_sentences)
        self.rng.shuffle(pool)
        out = []
        for index in range(paragraphs):
            count = self.rng.randint(2, 3)
            chosen = [pool[(index * 3 + offset) % len(pool)] for offset in range(count)]
            out.append(Paragraph(" ".join(self.fill(sentence) for sentence in chosen)))
        return out


def compose(topic: Topic, paragraphs: int, ctx: DocumentContext) -> Composition:
    """Write a plausible document on ``topic`` with about ``paragraphs`` paragraphs (or items)."""
    vocabulary = vocabulary_for(ctx.lang)
    rng = ctx.rng
    company, counterpart = rng.sample(vocabulary.companies, 2)
    scene = _Scene(
        rng,
        vocabulary,
        ctx.lang,
        ctx.created.date(),
        company.name,
        counterpart.name,
        rng.choice(vocabulary.cities),
    )
    writer = {"letter": _letter, "memo": _memo, "meeting_notes": _meeting_notes, "invoice": _invoice}[topic]
    title, blocks = writer(scene, paragraphs, ctx)
    return Composition(ctx.title or title, tuple(blocks))


def _signature(scene: _Scene, author: str) -> Paragraph:
    labels = scene.vocabulary.labels
    return Paragraph(f"{labels['regards']}\n{author}\n{scene.rng.choice(scene.vocabulary.positions)}")


def _letter(scene: _Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    labels, rng = scene.vocabulary.labels, scene.rng
    recipient = pick_person(rng, scene.vocabulary)
    subject = scene.fill(labels["letter_subject"])
    greeting = labels["greeting_female" if recipient.female else "greeting_male"]
    return subject, [
        Paragraph(f"{scene.company}, {scene.city}", heading=True),
        Paragraph(
            f"{labels['reference']} {rng.randint(10, 990)}\n{format_date(scene.today, scene.vocabulary)}"
        ),
        Paragraph(f"{labels['to']}: {scene.counterpart}, {recipient.full_name}"),
        Paragraph(f"{labels['subject']}: {subject}"),
        Paragraph(greeting.format(first=recipient.first, surname=recipient.surname)),
        *scene.body(paragraphs),
        _signature(scene, ctx.author),
    ]


def _memo(scene: _Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    labels, vocabulary = scene.vocabulary.labels, scene.vocabulary
    head = pick_person(scene.rng, vocabulary)
    subject = scene.fill(labels["memo_subject"])
    return labels["memo"], [
        Paragraph(
            f"{labels['to']}: {vocabulary.positions[3]} {head.full_name}\n"
            f"{labels['from']}: {ctx.author}\n"
            f"{labels['date']}: {format_date(scene.today, vocabulary)}\n"
            f"{labels['subject']}: {subject}"
        ),
        *scene.body(paragraphs),
        _signature(scene, ctx.author),
    ]


def _meeting_notes(scene: _Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    labels, vocabulary, rng = scene.vocabulary.labels, scene.vocabulary, scene.rng
    attendees = [ctx.author, *(pick_person(rng, vocabulary).full_name for _ in range(rng.randint(2, 4)))]
    agenda = rng.sample(vocabulary.agenda_items, len(vocabulary.agenda_items))
    decisions = rng.sample(vocabulary.decisions, len(vocabulary.decisions))
    blocks: list[Block] = [
        Paragraph(f"{scene.city}, {format_date(scene.today, vocabulary)}"),
        Paragraph(f"{labels['attendees']}: {', '.join(attendees)}"),
        Paragraph(labels["agenda"], heading=True),
        Paragraph(
            "\n".join(
                f"{index + 1}. {scene.fill(agenda[index % len(agenda)])}" for index in range(paragraphs)
            )
        ),
        Paragraph(labels["decisions"], heading=True),
    ]
    for index in range(paragraphs):
        due = format_date(scene.today + timedelta(days=rng.randint(3, 30)), vocabulary)
        blocks.append(
            Paragraph(
                f"{index + 1}. {scene.fill(decisions[index % len(decisions)])} "
                f"{labels['responsible']}: {rng.choice(attendees)}. "
                f"{labels['deadline']}: {due}."
            )
        )
    return labels["minutes"], blocks


def _invoice(scene: _Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    labels, vocabulary, rng, lang = scene.vocabulary.labels, scene.vocabulary, scene.rng, scene.lang
    title = labels["invoice_title"].format(
        number=rng.randint(12, 2400), date=format_date(scene.today, vocabulary)
    )
    bank, account = pick_iban(rng)
    registered = date(rng.randint(2004, 2019), rng.randint(1, 12), 1)
    rows, total = [], Decimal(0)
    for index, goods in enumerate(rng.sample(vocabulary.goods, min(paragraphs, len(vocabulary.goods)))):
        quantity = rng.choice((1, 2, 3, 4, 5, 10, 12, 20, 25, 50, 100))
        price = random_amount(rng, goods.low_price, goods.high_price)
        total += price * quantity
        rows.append(
            (
                str(index + 1),
                goods.name,
                str(quantity),
                goods.unit,
                format_amount(price, lang),
                format_amount(price * quantity, lang),
            )
        )
    vat = (total * 12 / 112).quantize(Decimal("0.01"))
    header = tuple(labels[key] for key in ("number", "item", "quantity", "unit", "price", "amount"))
    currency = labels["currency"]
    return title, [
        Paragraph(
            f"{labels['supplier']}: {scene.company}, {labels['bin']} {business_id(rng, registered)}\n"
            f"{labels['iban']} {account}, {labels['bank']} {bank.name}, {labels['bic']} {bank.bic}"
        ),
        Paragraph(
            f"{labels['buyer']}: {scene.counterpart}, {labels['bin']} "
            f"{business_id(rng, date(registered.year + 1, registered.month, 1))}"
        ),
        Table(header, tuple(rows)),
        Paragraph(
            f"{labels['total']}: {format_amount(total, lang)} {currency}\n"
            f"{labels['vat']}: {format_amount(vat, lang)} {currency}\n"
            f"{labels['amount_due']}: {format_amount(total, lang)} {currency}",
            heading=True,
        ),
        Paragraph(labels["payment_terms"].format(days=rng.choice((3, 5, 10)))),
        Paragraph(f"{vocabulary.positions[3]} ____________ {ctx.author}"),
    ]


class ProseParams(KindParams):
    """Body parameters shared by txt, docx and pdf: explicit ``text`` or a generated ``topic``."""

    text: str | None = Field(None, description="explicit body; paragraphs separated by blank lines")
    topic: Topic | None = Field(None, description="generate a plausible body on this topic (default: letter)")
    paragraphs: int = Field(3, ge=1, le=40, description="body paragraphs, agenda items or invoice lines")

    @model_validator(mode="after")
    def _text_or_topic(self) -> ProseParams:
        if self.text is not None and self.topic is not None:
            raise ValueError("give either 'text' or 'topic', not both")
        return self

    def composition(self, ctx: DocumentContext) -> Composition:
        """The body these parameters ask for."""
        if self.text is not None:
            return from_text(self.text, ctx.title)
        return compose(self.topic or "letter", self.paragraphs, ctx)

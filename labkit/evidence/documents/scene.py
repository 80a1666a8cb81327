"""The cast and particulars of one generated document, fixed before a word is written.

Every sentence of a document draws its names, numbers and money from one
:class:`Scene`, so a letter about contract No. 3783 says 3783 wherever it names
a contract, and an invoice's supplier is the company the story says it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from labkit.evidence.documents.composition import Paragraph
from labkit.evidence.documents.office_facts import format_amount, format_date, pick_person, random_amount
from labkit.evidence.documents.vocabulary import Vocabulary


@dataclass(frozen=True)
class Scene:
    """Who and what a document is about.

    Attributes:
        today: the date written on the document.
        company: the writer's own organisation (sender, supplier).
        counterpart: the other party (addressee, buyer).
        number: the document's number when the story fixes it; otherwise seeded.
        amount: the money the document is about when the story fixes it.
        currency: written after amounts.
        signatory: who signs for ``company``.
        counterpart_signatory: who signs for ``counterpart``, when the story names them.
    """

    rng: random.Random
    vocabulary: Vocabulary
    lang: str
    today: date
    company: str
    counterpart: str
    city: str
    number: str | None
    amount: Decimal | None
    currency: str
    signatory: str
    counterpart_signatory: str | None

    def money(self, amount: Decimal) -> str:
        """An amount with its currency, as this document writes money."""
        return f"{format_amount(amount, self.lang)} {self.currency}"

    def slots(self) -> dict[str, str]:
        """Values for a sentence's slots; fixed particulars win over seeded ones."""
        rng, vocabulary = self.rng, self.vocabulary
        goods = rng.choice(vocabulary.goods)
        values = {
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
        if self.number is not None:
            values["number"] = values["contract"] = self.number
        if self.amount is not None:
            values["amount"] = format_amount(self.amount, self.lang)
        return values

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

    def signature(self) -> Paragraph:
        labels = self.vocabulary.labels
        return Paragraph(
            f"{labels['regards']}\n{self.signatory}\n{self.rng.choice(self.vocabulary.positions)}"
        )

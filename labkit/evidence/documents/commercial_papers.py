"""Papers with money on them: invoices and supply contracts.

When the story fixes the parties, number and amount (an invoice from the shell
company for exactly the sum that left the victim's account), the paper says so:
the supplier is ``company``, the buyer ``counterpart``, and the invoice lines add
up, to the tiyn, to ``amount``. Otherwise every particular is seeded.
"""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal

from labkit.evidence.documents.base import DocumentContext
from labkit.evidence.documents.composition import Block, Paragraph, Table
from labkit.evidence.documents.office_facts import (
    business_id,
    format_amount,
    format_date,
    pick_iban,
    pick_person,
    random_amount,
)
from labkit.evidence.documents.scene import Scene
from labkit.evidence.documents.vocabulary import Goods

_CENT = Decimal("0.01")
# Quantities an invoice's last line may take so that its price comes out in whole tiyn.
_LAST_LINE_QUANTITIES = (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


def _vat(total: Decimal) -> Decimal:
    """The 12% VAT contained in a gross total, as Kazakhstani invoices state it."""
    return (total * 12 / 112).quantize(_CENT)


def _seeded_lines(rng: random.Random, goods: list[Goods]) -> list[tuple[Goods, int, Decimal]]:
    lines = []
    for item in goods:
        quantity = rng.choice((1, 2, 3, 4, 5, 10, 12, 20, 25, 50, 100))
        lines.append((item, quantity, random_amount(rng, item.low_price, item.high_price)))
    return lines


def _round_down(value: Decimal) -> Decimal:
    step = Decimal(100 if value >= 10_000 else 10 if value >= 1_000 else 1)
    return max(_CENT, (value // step) * step)


def _distance_from_range(price: Decimal, item: Goods) -> float:
    """How far (in orders of magnitude) a unit price lies outside the goods' usual range."""
    value = float(price)
    if value < item.low_price:
        return math.log10(item.low_price / value)
    return math.log10(value / item.high_price) if value > item.high_price else 0.0


def lines_for_amount(
    rng: random.Random, goods: list[Goods], amount: Decimal
) -> list[tuple[Goods, int, Decimal]]:
    """Invoice lines (goods, quantity, unit price) whose totals add up exactly to ``amount``.

    Each line but the last takes a seeded share at a seeded catalogue price; the
    last line absorbs the rest at a quantity that keeps its unit price in whole
    tiyn and as close to that item's usual price as possible.
    """
    if amount < 100 * len(goods):
        goods = goods[:1]
    weights = [rng.uniform(0.6, 1.4) for _ in goods]
    lines, spent = [], Decimal(0)
    for item, weight in zip(goods[:-1], weights, strict=False):
        share = amount * Decimal(weight / sum(weights))
        price = random_amount(rng, item.low_price, item.high_price)
        if price > share:
            price, quantity = _round_down(share), 1
        else:
            quantity = int(share / price)
            quantity = quantity - quantity % 5 if quantity >= 10 else quantity
        lines.append((item, quantity, price))
        spent += price * quantity
    last, rest = goods[-1], amount - spent
    candidates = [q for q in _LAST_LINE_QUANTITIES if (rest * 100) % q == 0 and rest / q >= _CENT]
    quantity = min(candidates, key=lambda q: (_distance_from_range(rest / q, last), q))
    lines.append((last, quantity, (rest / quantity).quantize(_CENT)))
    return lines


def invoice(scene: Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    """An invoice for payment from ``company`` (supplier) to ``counterpart`` (buyer)."""
    labels, vocabulary, rng, lang = scene.vocabulary.labels, scene.vocabulary, scene.rng, scene.lang
    seeded_number = rng.randint(12, 2400)
    title = labels["invoice_title"].format(
        number=scene.number or seeded_number, date=format_date(scene.today, vocabulary)
    )
    bank, account = pick_iban(rng)
    registered = date(rng.randint(2004, 2019), rng.randint(1, 12), 1)
    goods = rng.sample(vocabulary.goods, min(paragraphs, len(vocabulary.goods)))
    if scene.amount is None:
        lines = _seeded_lines(rng, goods)
    else:
        lines = lines_for_amount(rng, goods, scene.amount)
    rows, total = [], Decimal(0)
    for index, (item, quantity, price) in enumerate(lines):
        total += price * quantity
        rows.append(
            (
                str(index + 1),
                item.name,
                str(quantity),
                item.unit,
                format_amount(price, lang),
                format_amount(price * quantity, lang),
            )
        )
    header = tuple(labels[key] for key in ("number", "item", "quantity", "unit", "price", "amount"))
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
            f"{labels['total']}: {scene.money(total)}\n"
            f"{labels['vat']}: {scene.money(_vat(total))}\n"
            f"{labels['amount_due']}: {scene.money(total)}",
            heading=True,
        ),
        Paragraph(labels["payment_terms"].format(days=rng.choice((3, 5, 10)))),
        Paragraph(f"{vocabulary.positions[3]} ____________ {scene.signatory}"),
    ]


def contract(scene: Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    """A supply contract: ``company`` supplies, ``counterpart`` buys, for ``amount``.

    ``paragraphs`` is the number of goods named in the subject (at most three).
    """
    labels, vocabulary, rng = scene.vocabulary.labels, scene.vocabulary, scene.rng
    number = scene.number or f"{rng.randint(3, 190)}/{scene.today.year}"
    goods = rng.sample(vocabulary.goods, min(paragraphs, 3, len(vocabulary.goods)))
    amount = scene.amount
    if amount is None:
        amount = sum(
            (random_amount(rng, item.low_price * 20, item.high_price * 60) for item in goods), Decimal(0)
        )
    counterpart_signatory = scene.counterpart_signatory or pick_person(rng, vocabulary).full_name
    until = date(scene.today.year + (1 if scene.today.month >= 11 else 0), 12, 31)
    slots = {
        "goods": ", ".join(item.name for item in goods),
        "amount": format_amount(amount, scene.lang),
        "vat": format_amount(_vat(amount), scene.lang),
        "currency": scene.currency,
        "days": str(rng.choice((3, 5, 10, 15))),
        "delivery": str(rng.choice((10, 15, 20, 30))),
        "city": scene.city,
        "until": format_date(until, vocabulary),
    }
    blocks: list[Block] = [
        Paragraph(
            labels["contract_place"].format(city=scene.city, date=format_date(scene.today, vocabulary))
        ),
        Paragraph(
            labels["contract_preamble"].format(
                company=scene.company,
                signatory=scene.signatory,
                counterpart=scene.counterpart,
                counterpart_signatory=counterpart_signatory,
            )
        ),
    ]
    for heading, clauses in vocabulary.contract_sections:
        blocks.append(Paragraph(heading, heading=True))
        blocks.extend(Paragraph(clause.format_map(slots)) for clause in clauses)
    director = vocabulary.positions[3]
    bank, account = pick_iban(rng)
    registered = date(rng.randint(2004, 2019), rng.randint(1, 12), 1)
    blocks += [
        Paragraph(labels["contract_parties"], heading=True),
        Paragraph(
            f"{labels['supplier']}: {scene.company}\n{labels['bin']} {business_id(rng, registered)}\n"
            f"{labels['iban']} {account}, {labels['bank']} {bank.name}, {labels['bic']} {bank.bic}\n"
            f"{director} ____________ {scene.signatory}"
        ),
        Paragraph(
            f"{labels['buyer']}: {scene.counterpart}\n"
            f"{labels['bin']} {business_id(rng, date(registered.year + 1, registered.month, 1))}\n"
            f"{director} ____________ {counterpart_signatory}"
        ),
    ]
    return labels["contract_title"].format(number=number), blocks

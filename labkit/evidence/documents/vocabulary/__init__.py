"""Small hand-written word lists that make planted documents read like real office paperwork.

One module per language holds a :class:`Vocabulary`; everything is a tuple so
``rng.choice`` sees the same order on every machine. Amounts are in tenge (KZT):
the programme trains Kazakhstani police, so counterparties, banks and cities are local.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Company:
    """A counterparty name as it appears on paper, and the mail domain its staff use."""

    name: str
    domain: str


@dataclass(frozen=True)
class Goods:
    """A catalogue line: name, unit of measure and a plausible unit price range in KZT."""

    name: str
    unit: str
    low_price: int
    high_price: int


@dataclass(frozen=True)
class Bank:
    """A Kazakhstani bank: display name, SWIFT/BIC, and the 3-digit code inside its IBANs."""

    name: str
    bic: str
    iban_code: str


@dataclass(frozen=True)
class Vocabulary:
    """Everything language-specific a generator needs; templates use ``str.format`` slots.

    Sentence slots: {company} {counterpart} {goods} {city} {date} {number} {amount} {person}.
    Contract clauses (``contract_sections``: heading and its clauses) use {goods} {amount}
    {vat} {currency} {days} {delivery} {city} {until}.
    """

    male_first_names: tuple[str, ...]
    female_first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    companies: tuple[Company, ...]
    cities: tuple[str, ...]
    goods: tuple[Goods, ...]
    positions: tuple[str, ...]
    months: tuple[str, ...]
    date_pattern: str
    business_sentences: tuple[str, ...]
    agenda_items: tuple[str, ...]
    decisions: tuple[str, ...]
    payment_purposes: tuple[str, ...]
    contract_sections: tuple[tuple[str, tuple[str, ...]], ...]
    labels: Mapping[str, str]
    inflects_surnames: bool

    def female_surname(self, surname: str) -> str:
        """Russian and Kazakh surnames in -ов/-ев/-ин take -а for women; others do not change."""
        if self.inflects_surnames and surname.endswith(("ов", "ев", "ёв", "ин")):
            return surname + "а"
        return surname


BANKS: tuple[Bank, ...] = (
    Bank("Halyk Bank", "HSBKKZKX", "601"),
    Bank("Kaspi Bank", "CASPKZKA", "722"),
    Bank("Bank CenterCredit", "KCJBKZKX", "856"),
    Bank("ForteBank", "IRTYKZKA", "965"),
    Bank("Jusan Bank", "TSESKZKA", "998"),
    Bank("Bank RBK", "KINCKZKA", "821"),
)


def vocabulary_for(lang: str) -> Vocabulary:
    """The vocabulary of ``lang`` ("en", "ru" or "kk")."""
    from labkit.evidence.documents.vocabulary import english, kazakh, russian

    return {"en": english.VOCABULARY, "ru": russian.VOCABULARY, "kk": kazakh.VOCABULARY}[lang]

"""Plausible office facts: people, bank accounts, business IDs, phones, dates and amounts.

Identifiers carry valid check digits (IBAN mod-97, the Kazakhstani BIN weighted
mod-11), so a trainee who validates them with a real tool is not tipped off
that the paperwork is synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from labkit.evidence.documents.vocabulary import BANKS, Bank, Vocabulary
from labkit.scenario.transliteration import to_ascii

_MOBILE_PREFIXES = ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Person:
    """A named employee or contact."""

    first: str
    surname: str
    female: bool

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.surname}"


def pick_person(rng: random.Random, vocabulary: Vocabulary) -> Person:
    """A random person with the surname agreeing with the gender."""
    female = rng.random() < 0.5
    first = rng.choice(vocabulary.female_first_names if female else vocabulary.male_first_names)
    surname = rng.choice(vocabulary.surnames)
    return Person(first, vocabulary.female_surname(surname) if female else surname, female)


def iban(rng: random.Random, bank: Bank) -> str:
    """A Kazakhstani IBAN (20 characters) with correct ISO 13616 check digits."""
    bban = bank.iban_code + "".join(rng.choice("0123456789") for _ in range(13))
    numeric = "".join(str(int(char, 36)) for char in bban + "KZ00")
    return f"KZ{98 - int(numeric) % 97:02d}{bban}"


def pick_iban(rng: random.Random) -> tuple[Bank, str]:
    """A bank and an account number in it."""
    bank = rng.choice(BANKS)
    return bank, iban(rng, bank)


def business_id(rng: random.Random, registered: date) -> str:
    """A 12-digit BIN of a legal entity registered in ``registered``'s month, with its check digit."""
    while True:
        body = f"{registered:%y%m}4{rng.choice('01')}" + "".join(rng.choice("0123456789") for _ in range(5))
        digits = [int(char) for char in body]
        check = sum(weight * digit for weight, digit in zip(range(1, 12), digits, strict=True)) % 11
        if check == 10:
            weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
            check = sum(weight * digit for weight, digit in zip(weights, digits, strict=True)) % 11
        if check != 10:
            return body + str(check)


def phone_number(rng: random.Random) -> str:
    """A Kazakhstani mobile number as people write it: +7 7xx xxx xx xx."""
    digits = "".join(rng.choice("0123456789") for _ in range(7))
    return f"+7 {rng.choice(_MOBILE_PREFIXES)} {digits[:3]} {digits[3:5]} {digits[5:]}"


def email_address(person: Person, domain: str) -> str:
    """first.surname@domain, transliterated the way scenario user names are."""
    return f"{to_ascii(person.first)}.{to_ascii(person.surname)}@{domain}"


def format_date(day: date, vocabulary: Vocabulary) -> str:
    """A date as the language writes it in letters: "12 March 2024", "12 марта 2024 г."."""
    return vocabulary.date_pattern.format(day=day.day, month=vocabulary.months[day.month - 1], year=day.year)


def format_amount(amount: Decimal, lang: str) -> str:
    """Money with two decimals: 1,234,567.89 in English, 1 234 567,89 in Russian and Kazakh."""
    text = f"{amount.quantize(_CENT):,.2f}"
    if lang == "en":
        return text
    return text.replace(",", " ").replace(".", ",")


def random_amount(rng: random.Random, low: int, high: int) -> Decimal:
    """A price between ``low`` and ``high`` tenge, log-uniform, rounded the way price lists are."""
    value = low * (high / low) ** rng.random()
    step = 100 if value >= 10_000 else 10 if value >= 1_000 else 1
    return Decimal(max(step, round(value / step) * step)).quantize(_CENT)

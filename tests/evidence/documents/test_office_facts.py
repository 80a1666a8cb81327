"""Identifiers pass the check-digit validation a suspicious trainee might run on them."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal

import pytest

from labkit.evidence.documents.office_facts import (
    Person,
    business_id,
    email_address,
    format_amount,
    pick_iban,
)
from labkit.evidence.documents.vocabulary import vocabulary_for
from labkit.scenario.transliteration import to_ascii


def test_ibans_pass_iso_13616_validation() -> None:
    rng = random.Random(3)
    for _ in range(200):
        _, account = pick_iban(rng)
        assert len(account) == 20 and account.startswith("KZ")
        rearranged = account[4:] + account[:4]
        assert int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def test_business_ids_pass_the_weighted_mod_11_check() -> None:
    rng = random.Random(4)
    for _ in range(200):
        bin_number = business_id(rng, date(2015, 6, 1))
        digits = [int(char) for char in bin_number]
        assert bin_number[:4] == "1506" and bin_number[4] == "4"
        check = sum(weight * digit for weight, digit in zip(range(1, 12), digits[:11], strict=True)) % 11
        if check == 10:
            weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
            check = sum(weight * digit for weight, digit in zip(weights, digits[:11], strict=True)) % 11
        assert check == digits[11]


def test_amounts_and_transliteration() -> None:
    assert format_amount(Decimal("1234567.8"), "en") == "1,234,567.80"
    assert format_amount(Decimal("1234567.8"), "kk") == "1 234 567,80"
    kazakh = Person("Ғалым", "Құдайбергенов", female=False)
    assert email_address(kazakh, "example.kz") == "galym.qudaybergenov@example.kz"
    assert email_address(Person("Алёна", "Щукина", female=True), "mail.ru") == "alena.shchukina@mail.ru"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_vocabulary_name_transliterates_letter_by_letter(lang: str) -> None:
    """A letter missing from the transliteration table would vanish silently from addresses."""
    vocabulary = vocabulary_for(lang)
    names = {*vocabulary.male_first_names, *vocabulary.female_first_names, *vocabulary.surnames}
    names |= {vocabulary.female_surname(surname) for surname in vocabulary.surnames}
    for name in sorted(names):
        local_part = email_address(Person(name, name, female=False), "example.kz").split("@")[0]
        assert local_part.isascii() and re.fullmatch(r"[a-z]+\.[a-z]+", local_part), name
        assert all(to_ascii(letter) or letter in "ъьЪЬ" for letter in name), name

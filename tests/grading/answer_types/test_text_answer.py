from __future__ import annotations

import pytest

from labkit.grading.answer_types.text_answer import TextAnswer


def judge(given: str, answer: str = "Ivan Petrov", **options: object) -> str:
    answer_type = TextAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given", ["Ivan Petrov", "ivan petrov", "  IVAN   PETROV ", "Ivan\u00a0Petrov", "Ｉｖａｎ Petrov"]
)
def test_accepts_case_spacing_and_width_variants(given: str) -> None:
    assert judge(given) == "accepted"


def test_cyrillic_casefold_and_composed_forms() -> None:
    assert judge("ЁЛКА", answer="ёлка") == "accepted"
    assert judge("Йод", answer="И\u0306од") == "accepted"  # decomposed й


@pytest.mark.parametrize("given", ["Ivan Petrov2", "Ivan", "IvanPetrov", "Петров"])
def test_near_misses_are_wrong(given: str) -> None:
    assert judge(given) == "wrong"


def test_alternatives_and_case_sensitivity() -> None:
    assert judge("I. Petrov", alternatives=["I. Petrov", "Petrov"]) == "accepted"
    assert judge("ivan petrov", case_sensitive=True) == "wrong"
    assert judge("Ivan  Petrov", case_sensitive=True) == "accepted"


def test_list_answer_for_single_value_type() -> None:
    answer_type = TextAnswer()
    expected = answer_type.expect("x")
    assert answer_type.check_given(expected, ("x",)).credit == 1.0
    assert answer_type.check_given(expected, ("x", "y")).reason == "wrong: give one value, not a list of 2"


def test_key_answer_must_be_text() -> None:
    with pytest.raises(ValueError):
        TextAnswer().expect(42)

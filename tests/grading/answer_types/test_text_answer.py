from __future__ import annotations

import pytest

from labkit.grading.answer_types.text_answer import TextAnswer
from labkit.grading.results import Check


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


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_seal_forms_match_exactly_right_answers_only(case_sensitive: bool) -> None:
    answer_type = TextAnswer({"case_sensitive": case_sensitive, "alternatives": ["I. Petrov"]})
    expected = answer_type.expect("Ivan Petrov")
    forms = answer_type.seal_forms(expected)
    public = TextAnswer(answer_type.public_options())
    assert public.public_options() == {"case_sensitive": case_sensitive}  # the alternatives stay secret
    givens = ["Ivan Petrov", "  ivan  PETROV ", "Ｉｖａｎ Petrov", "I. Petrov", "i. petrov", "Ivan", "Петров"]
    for given in givens:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given
    assert public.seal_form(("Ivan Petrov",)) in forms
    assert public.seal_form(("Ivan", "Petrov")) not in forms


@pytest.mark.parametrize("case_sensitive", [True, False])
@pytest.mark.parametrize(
    "given",
    ['"Halyk online: g.qasymova / Tiger2000$"', "«Halyk online: g.qasymova / Tiger2000$»",
     "“Halyk online: g.qasymova / Tiger2000$”", "'Halyk online: g.qasymova / Tiger2000$'",
     " „Halyk online: g.qasymova / Tiger2000$“ "],
)  # fmt: skip
def test_a_quoted_answer_is_the_answer(given: str, case_sensitive: bool) -> None:
    answer_type = TextAnswer({"case_sensitive": case_sensitive})
    expected = answer_type.expect("Halyk online: g.qasymova / Tiger2000$")
    assert answer_type.check(expected, given) == Check.accepted()
    assert answer_type.seal_form(given) in answer_type.seal_forms(expected)
    assert answer_type.check(expected, '"Halyk online: g.qasymova / Tiger2000$') == Check.wrong()  # one quote
    assert answer_type.check(expected, '"Halyk online" g.qasymova / Tiger2000$"') == Check.wrong()

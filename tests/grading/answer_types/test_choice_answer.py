from __future__ import annotations

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.choice_answer import ChoiceAnswer
from labkit.grading.results import Check

CHOICES = ["FAT12", "FAT16", "FAT32", "exFAT"]


def judge(given: str, answer: str = "FAT16", choices: list[str] = CHOICES) -> str:
    answer_type = ChoiceAnswer({"choices": choices})
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize("given", ["FAT16", "fat16", " Fat16 ", "b", "B", "b)", "(b)", "2", "2."])
def test_accepts_text_letter_or_number(given: str) -> None:
    assert judge(given) == "accepted"


@pytest.mark.parametrize("given", ["a", "3", "FAT32", "c"])
def test_other_choices_are_wrong(given: str) -> None:
    assert judge(given) == "wrong"


@pytest.mark.parametrize("given", ["e", "5", "0", "NTFS", "FAT 16"])
def test_not_a_choice(given: str) -> None:
    assert judge(given) == "wrong: not one of the choices (write a-d, 1-4 or the text)"


def test_text_wins_over_numbers_when_choices_are_numbers() -> None:
    assert judge("4", answer="4", choices=["8", "4", "2"]) == "accepted"
    assert judge("2", answer="4", choices=["8", "4", "2"]) == "wrong"


def test_invalid_options_and_key_answers() -> None:
    with pytest.raises(ValidationError):
        ChoiceAnswer({"choices": ["only one"]})
    with pytest.raises(ValidationError):
        ChoiceAnswer({"choices": ["Yes", "yes "]})
    with pytest.raises(ValueError):
        ChoiceAnswer({"choices": CHOICES}).expect("NTFS")


def test_sheet_hint_lists_letters() -> None:
    assert ChoiceAnswer({"choices": ["x", "y"]}).sheet_hint() == ["  a) x", "  b) y"]


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = ChoiceAnswer({"choices": CHOICES})
    expected = answer_type.expect("FAT16")
    forms = answer_type.seal_forms(expected)
    public = ChoiceAnswer(answer_type.public_options())
    assert public.public_options() == {"choices": CHOICES} and forms == {"1"}
    for given in ["FAT16", " fat16 ", "b", "(B)", "2.", "a", "3", "FAT32", "e", "NTFS", ""]:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given


def test_the_sheets_own_line_copied_is_the_choice_when_letter_and_text_agree() -> None:
    answer_type = ChoiceAnswer({"choices": ["jpg", "pdf", "docx", "xlsx", "zip", "txt"]})
    expected = answer_type.expect("pdf")
    for given in ("b) pdf", "(b) PDF", "b. pdf", "b)pdf"):
        assert answer_type.check(expected, given) == Check.accepted(), given
        assert answer_type.seal_form(given) in answer_type.seal_forms(expected)
    mixed = answer_type.check(expected, "e) pdf").reason
    assert mixed == "wrong: the letter e) and the text 'pdf' name different choices"
    assert answer_type.check(expected, "e) zip") == Check.wrong()  # a consistent line, the wrong choice
    assert answer_type.seal_form("b) zip") is None

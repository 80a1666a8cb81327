from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.rubric_answer import MAX_RUBRIC_CHARS, RubricAnswer
from labkit.grading.results import Check

MODEL = "The clerk copied the ledger to a USB flash drive and uploaded it to a cloud share."
KEYWORDS = [
    {"any": ["exfiltration", "эксфильтр*", "data theft"], "weight": 2},
    {"any": ["USB", "flash drive", "флешк*"]},
    {"any": ["cloud", "облак*"]},
]

GARBAGE: list[str | tuple[str, ...]] = [
    bytes(range(256)).decode("latin-1"),
    "\x00\x01\x02\x1b[31mUSB\x7f",
    "9" * 1_000_000,
    "usb " * 250_000,
    "(" * 1_000_000,
    "\ud800 usb \udfff",
    "\u202ecloud USB",
    tuple(["USB"] * 100_000),
    "",
]


def check(given: str | tuple[str, ...], **options: object) -> Check:
    answer_type = RubricAnswer({"keywords": KEYWORDS} | options)
    return answer_type.check_given(answer_type.expect(MODEL), given)


def test_keywords_mark_the_answer_and_it_is_always_for_review() -> None:
    result = check("The data theft went through a USB stick; nothing was uploaded.")
    assert result == Check(0.75, "keywords 2 of 3 (found: data theft, USB); for review", review=True)
    assert check("Exfiltration via USB to the cloud") == Check(
        1.0, "keywords 3 of 3 (found: exfiltration, USB, cloud); for review", review=True
    )
    assert check("I do not know") == Check(0.0, "keywords 0 of 3; for review", review=True)


def test_matching_is_by_whole_words_any_case_with_russian_endings() -> None:
    assert check("Эксфильтрация данных через флешку в облако").credit == 1.0
    assert check("ЭКСФИЛЬТРАЦИЯ").credit == 0.5
    assert check("USBSTOR registry key").credit == 0.0  # USB as part of a longer word is not USB
    assert check("a flash  drive").credit == 0.25  # phrases match across any spacing
    assert check("a flash-drive").credit == 0.25
    assert check("a drive, flash").credit == 0.0  # a phrase's words in its order
    assert check("в облаке").credit == 0.25
    assert check("облачное хранилище").credit == 0.0  # облач- is not облак-: list the stems the key accepts
    assert check("облёко", keywords=[{"any": ["облеко"]}]).credit == 1.0  # ё reads as е


def test_min_words_and_list_answers() -> None:
    assert check("USB", min_words=5) == Check(0.0, "too short (1 words, at least 5); for review", review=True)
    assert check(("It went to a USB stick", "then to the cloud"), min_words=5).credit == 0.5
    assert RubricAnswer().check_given("model", "anything") == Check(
        0.0, "no keywords to mark by; for review", review=True
    )


@pytest.mark.parametrize("given", GARBAGE, ids=lambda g: repr(g)[:30])
def test_garbage_never_raises_is_quick_and_still_goes_to_review(given: str | tuple[str, ...]) -> None:
    started = time.perf_counter()
    result = check(given)
    assert time.perf_counter() - started < 1
    assert result.review is True
    assert 0.0 <= result.credit <= 1.0


def test_a_very_long_answer_is_left_to_the_trainer() -> None:
    result = check("USB " * MAX_RUBRIC_CHARS)
    assert result == Check(
        0.0, f"too long to mark by keywords ({4 * MAX_RUBRIC_CHARS} characters); for review", True
    )


def test_keywords_are_hidden_and_nothing_is_sealed() -> None:
    answer_type = RubricAnswer({"keywords": KEYWORDS, "min_words": 3})
    assert answer_type.public_options() == {"min_words": 3}
    assert answer_type.seal_forms(MODEL) is None
    assert RubricAnswer(answer_type.public_options()).seal_form(MODEL) is None


@pytest.mark.parametrize(
    "options",
    [
        {"keywords": [{"any": []}]},
        {"keywords": [{"any": ["*"]}]},
        {"keywords": [{"any": ["usb"], "weight": 0}]},
        {"keywords": [{"any": ["usb"], "weigth": 1}]},
        {"keywords": ["usb"]},
        {"min_words": -1},
    ],
)
def test_bad_options_are_validation_errors(options: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RubricAnswer(options)


def test_the_expected_answer_is_a_model_answer() -> None:
    assert RubricAnswer().expect("  A model answer. ") == "A model answer."
    for bad in ("", "  ", None, 5):
        with pytest.raises(ValueError):
            RubricAnswer().expect(bad)

from __future__ import annotations

import pytest

from labkit.grading.answer_types.integer_answer import IntegerAnswer, parse_integer


def judge(given: str, answer: object = 45056, **options: object) -> str:
    answer_type = IntegerAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    ["45056", "45 056", "45,056", "0xB000", "0xb000", "45\u00a0056", "+45056", "45056 bytes", "45 056 байт"],
)
def test_accepted_forms(given: str) -> None:
    assert judge(given) == "accepted"


@pytest.mark.parametrize(
    "given", ["4,5056", "45 0560", "45,056.0", "45.056", "0x", "forty", "1e5", "45 056,000"]
)
def test_garbage_is_not_a_number(given: str) -> None:
    assert judge(given).startswith("wrong: not a whole number")


def test_near_miss_and_tolerance() -> None:
    assert judge("45057") == "wrong"
    assert judge("45059", tolerance=3) == "accepted within tolerance (+3)"
    assert judge("45052", tolerance=3) == "wrong"
    assert parse_integer("-0x10") == -16
    assert parse_integer("1 234 567") == 1234567
    assert parse_integer("1 234,567") is None  # mixed separators


def test_key_answer_validation() -> None:
    assert IntegerAnswer().expect("0xB000") == 45056
    with pytest.raises(ValueError):
        IntegerAnswer().expect(True)
    with pytest.raises(ValueError):
        IntegerAnswer().expect("many")

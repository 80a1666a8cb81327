from __future__ import annotations

import time

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


@pytest.mark.parametrize(
    "given",
    [
        bytes(range(256)).decode("latin-1"),
        "\x00\x01\x1b[31m45056\x7f",
        "9" * 1_000_000,
        "1" + " " * 1_000_000 + "x",  # took hours: the unit suffix regex once backtracked over the spaces
        "45 056" + " " * 1_000_000 + "bytes",
        "9 999" * 200_000,
        "\ud800",
        "\u202e65054",
    ],
    ids=lambda g: repr(g)[:30],
)
def test_garbage_is_refused_quickly(given: str) -> None:
    answer_type = IntegerAnswer({"tolerance": 5})
    started = time.perf_counter()
    assert answer_type.check_given(45056, given).reason.startswith("wrong: not a whole number")
    assert answer_type.seal_form(given) is None
    assert time.perf_counter() - started < 0.5


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = IntegerAnswer({"tolerance": 3})
    forms = answer_type.seal_forms(answer_type.expect(45056))
    assert forms == frozenset({"45056"})
    reader = IntegerAnswer(answer_type.public_options())
    for right in ("45056", "45 056", "0xB000", "+45056", "45 056 байт", ("45,056",)):
        assert reader.seal_form(right) in forms, right
        assert reader.seal_form(right) == answer_type.seal_form(right)
    for not_exact in ("45057", "45053", "-45056", "4.5056", "forty", ("45056", "1")):
        assert reader.seal_form(not_exact) not in forms, not_exact
    assert judge("45057", tolerance=3) == "accepted within tolerance (+1)"  # full credit, yet not exact

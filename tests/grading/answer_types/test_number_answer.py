from __future__ import annotations

import random
import time
from decimal import Decimal

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.number_answer import NumberAnswer, parse_number

GARBAGE = [
    bytes(range(256)).decode("latin-1"),
    "\x00\x01\x02\x1b[31m3.14\x7f",
    "9" * 1_000_000,
    "1 " * 500_000,
    "1," * 500_000 + "5",
    "3.14" + " " * 1_000_000 + "x",
    "\ud800\udfff",
    "\u202e41.3",
    "1e999999",
    "NaN",
    "inf",
    "-inf",
    "",
    "   ",
]


def judge(given: str, answer: object = "3.14", **options: object) -> str:
    answer_type = NumberAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    ("given", "answer"),
    [
        ("3.14", "3.14"),
        ("3,14", "3.14"),
        ("+3.140", 3.14),
        (" ３.１４ ", "3.14"),  # full-width digits, as some input methods type them
        ("−2.5", -2.5),  # the typographic minus sign
        (".5", 0.5),
        (",5", 0.5),
        ("1 234 567,89", "1234567.89"),
        ("1\u00a0234\u00a0567,89", "1234567.89"),  # NBSP grouping, as ru/kk locales print it
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("1'234.5", "1234.5"),
        ("6.02e23", "602000000000000000000000"),
        ("6,02E+23", 6.02e23),
        ("-0", 0),
        ("0.1", 0.1),  # compared as decimals: the float 0.1 in the key is 0.1
        ("45056", 45056),
    ],
)
def test_accepted_forms(given: str, answer: object) -> None:
    assert judge(given, answer) == "accepted"


def test_an_ambiguous_comma_is_read_both_ways() -> None:
    assert parse_number("1,234") == (Decimal("1234"), Decimal("1.234"))
    assert judge("1,234", 1234) == "accepted (the comma read as a thousands separator)"
    assert judge("1,234", "1.234") == "accepted (the comma read as a decimal comma)"
    assert judge("1,234", 12.34) == "wrong"
    assert parse_number("0,123") == (Decimal("0.123"),)  # no group starts with 0: a decimal comma
    assert parse_number("1,2345") == (Decimal("1.2345"),)
    assert parse_number("1 234,567") == (Decimal("1234.567"),)  # spaces group, so the comma is decimal
    assert parse_number("1,234e2") == (Decimal("123.4"),)  # nobody groups digits in scientific notation


def test_tolerances_report_the_difference() -> None:
    assert judge("3,16", tolerance=0.05) == "accepted within tolerance (+0.02)"
    assert judge("3.09", tolerance=0.05) == "accepted within tolerance (-0.05)"
    assert judge("3.20", tolerance=0.05) == "wrong"
    assert judge("101", 100, relative_tolerance=0.01) == "accepted within tolerance (+1)"
    assert judge("102", 100, relative_tolerance=0.01) == "wrong"
    # The larger of the two tolerances applies.
    assert judge("102", 100, relative_tolerance=0.01, tolerance=2) == "accepted within tolerance (+2)"


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("3.15", "wrong"),
        ("-3.14", "wrong: the sign is wrong"),
        ("3.14.15", "wrong: not a number (write e.g. 3.14 or 3,14)"),
        ("1,,2", "wrong: not a number (write e.g. 3.14 or 3,14)"),
        ("1 234.567.890", "wrong: not a number (write e.g. 3.14 or 3,14)"),  # two kinds of grouping
        ("12 34", "wrong: not a number (write e.g. 3.14 or 3,14)"),  # groups of three or none
        ("3.", "wrong: not a number (write e.g. 3.14 or 3,14)"),
        ("pi", "wrong: not a number (write e.g. 3.14 or 3,14)"),
        ("NaN", "wrong: not a number (write e.g. 3.14 or 3,14)"),
        ("inf", "wrong: not a number (write e.g. 3.14 or 3,14)"),
        ("٣٫١٤", "wrong: not a number (write e.g. 3.14 or 3,14)"),  # other scripts' digits are not read
        ("1e999999", "wrong: the exponent is out of range (at most e±400)"),
        ("9" * 101, "wrong: too long to be a number (101 characters)"),
    ],
)
def test_near_misses_say_why(given: str, reason: str) -> None:
    assert judge(given) == reason


@pytest.mark.parametrize("given", GARBAGE)
def test_garbage_is_refused_quickly(given: str) -> None:
    answer_type = NumberAnswer({"tolerance": 0.5})
    started = time.perf_counter()
    check = answer_type.check_given(answer_type.expect(3.14), given)
    answer_type.seal_form(given)
    assert time.perf_counter() - started < 0.5
    assert check.credit == 0.0 and check.reason.startswith("wrong")


def test_key_answer_and_options_are_validated() -> None:
    for bad in (True, "pi", float("nan"), float("inf"), None, "1,234"):
        with pytest.raises(ValueError):
            NumberAnswer().expect(bad)
    for options in ({"tolerance": -1}, {"relative_tolerance": 2}, {"tolerance": float("inf")}, {"tol": 1}):
        with pytest.raises(ValidationError):
            NumberAnswer(options)


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = NumberAnswer({"tolerance": 0.05})
    forms = answer_type.seal_forms(answer_type.expect("3.14"))
    reader = NumberAnswer(answer_type.public_options())
    for right in ("3.14", "3,14", "3.140", "+3.14", "314e-2", "3,140"):  # "3,140" could mean 3140 or 3.14
        assert reader.seal_form(right) in forms, right
        assert reader.seal_form(right) == answer_type.seal_form(right)
    for not_exact in ("3.15", "3.16", "-3.14", "3", "31.4", "x", ("3.14", "3.14")):
        assert reader.seal_form(not_exact) not in forms, not_exact
    assert reader.seal_form(("3.14",)) in forms
    zero = NumberAnswer().seal_forms(Decimal(0))
    assert NumberAnswer().seal_form("-0") in zero and NumberAnswer().seal_form("0,000") in zero


def test_seal_iff_full_credit_on_random_spellings() -> None:
    """Over random values and spellings: sealed-equal exactly when graded "accepted" without tolerance."""
    rng = random.Random(5)
    answer_type = NumberAnswer()
    outcomes = set()
    for _ in range(600):
        expected = Decimal(rng.choice(["1234", "1.234", "1.5", "1500", "-2.25", "999", "0.5", "12.345"]))
        integer, fraction = (
            rng.choice([0, 1, 2, 12, 999, 1234, 1500]),
            rng.choice(["", "5", "25", "234", "500"]),
        )
        sign, point = rng.choice(["", "-"]), rng.choice([",", "."])
        given = f"{sign}{integer}{point}{fraction}" if fraction else f"{sign}{integer}"
        check = answer_type.check(expected, given)
        sealed = answer_type.seal_form(given) in answer_type.seal_forms(expected)
        assert sealed == (check.credit == 1.0), (expected, given, check)
        outcomes.add((sealed, check.reason))
    assert {reason for sealed, reason in outcomes if sealed} == {
        "accepted",
        "accepted (the comma read as a thousands separator)",
        "accepted (the comma read as a decimal comma)",
    }

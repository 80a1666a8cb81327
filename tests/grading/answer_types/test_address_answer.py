from __future__ import annotations

import pytest

from labkit.grading.answer_types.address_answer import AddressAnswer, parse_address
from labkit.grading.results import Check


def judge(given: str, answer: object = "0x7f9026c49000") -> str:
    answer_type = AddressAnswer({})
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    ["0x7f9026c49000", "7f9026c49000", "0x00007f9026c49000", "0X7F9026C49000", "0x00007f90`26c49000",
     " 0x7f9026c49000 ", "7f90_26c4_9000"],
)  # fmt: skip
def test_accepted_forms(given: str) -> None:
    assert judge(given) == "accepted"


@pytest.mark.parametrize(
    "given", ["140263044599808", "0x", "zz", "0x7f9026c49000000000", "0x7f90 26c4 9000 x", ""]
)
def test_garbage_and_ambiguous_decimal_are_not_addresses(given: str) -> None:
    assert judge(given).startswith("wrong: not a hexadecimal address")


def test_near_miss() -> None:
    assert judge("0x7f9026c4a000") == "wrong"
    assert parse_address("0x400000") == 0x400000 and parse_address("400000") is None


def test_a_key_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="not a hexadecimal address"):
        AddressAnswer({}).expect("somewhere")


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = AddressAnswer({})
    expected = answer_type.expect("0x00007F9026C49000")
    forms = answer_type.seal_forms(expected)
    public = AddressAnswer(answer_type.public_options())
    assert forms == {"0x7f9026c49000"}
    givens = ["0x7f9026c49000", "7F9026C49000", "0x00007f90`26c49000", "7f90_26c4_9000", "0x7f9026c4a000",
              "140263044599808", "zz", ""]  # fmt: skip
    for given in givens:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given

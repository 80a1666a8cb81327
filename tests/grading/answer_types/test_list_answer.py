from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.list_answer import ListAnswer, longest_in_order
from labkit.grading.results import Check

STEPS = ["phishing", "macro", "dropper", "persistence", "exfiltration"]

GARBAGE: list[str | tuple[str, ...]] = [
    bytes(range(256)).decode("latin-1"),
    "\x00\x01,\x02;\x1b[31m",
    "9" * 1_000_000,
    "phishing, " * 200_000,
    "\n" * 1_000_000,
    "((((" * 250_000,
    "\ud800, \udfff",
    "\u202ephishing, macro",
    tuple(["phishing"] * 100_000),
    ("x" * 1_000_000, "macro"),
]


def check(given: str | tuple[str, ...], answer: list[object] = STEPS, **options: object) -> Check:
    answer_type = ListAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    [
        tuple(STEPS),
        "Phishing, MACRO, dropper, persistence, exfiltration",
        "phishing\nmacro\ndropper\npersistence\nexfiltration",
        "phishing; macro; dropper; persistence; exfiltration",
    ],
)
def test_the_right_order_in_any_list_form(given: str | tuple[str, ...]) -> None:
    assert check(given) == Check(1.0, "5 of 5 in order")


@pytest.mark.parametrize(
    ("given", "credit", "reason"),
    [
        ("macro, phishing, dropper, persistence, exfiltration", 0.8, "4 of 5 in order, 1 out of order"),
        ("exfiltration, persistence, dropper, macro, phishing", 0.2, "1 of 5 in order, 4 out of order"),
        ("phishing, dropper, exfiltration", 0.6, "3 of 5 in order"),
        ("phishing, macro, dropper, persistence, exfiltration, reboot", 0.8, "5 of 5 in order, 1 extra"),
        ("phishing, phishing, macro, dropper, persistence, exfiltration", 0.8, "5 of 5 in order, 1 extra"),
        ("phishing, usb, cloud, macro", 0.0, "2 of 5 in order, 2 extras"),
        ("nothing", 0.0, "0 of 5 in order, 1 extra"),
    ],
)
def test_partial_credit_out_of_order_and_extras(given: str, credit: float, reason: str) -> None:
    assert check(given) == Check(pytest.approx(credit), reason)


def test_repeated_expected_items_and_item_types() -> None:
    # A sequence may repeat a value (the same port twice); the answer must repeat it too.
    ports = {"item": "integer"}
    assert check("22, 80, 22", [22, 80, 22], **ports) == Check(1.0, "3 of 3 in order")
    assert check("22, 80", [22, 80, 22], **ports) == Check(pytest.approx(2 / 3), "2 of 3 in order")
    assert check(("0x16", "80", "22"), [22, 80, 22], **ports) == Check(1.0, "3 of 3 in order")
    assert check("1,5; 2,5", ["1.5", "2.5"], item="number").credit == 1.0
    assert check("a, b, c, d, e, f", ["a", "b"], penalty=0).credit == 1.0


def test_longest_in_order_weighs_partial_credit() -> None:
    assert longest_in_order([[1.0, 0.0], [0.0, 1.0]]) == [(0, 0), (1, 1)]
    assert longest_in_order([[0.0, 1.0], [1.0, 0.0]]) in ([(0, 1)], [(1, 0)])
    # Taking the half-credit pair (0, 0) blocks two full ones: the full ones win.
    assert longest_in_order([[0.5, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]) == [(1, 0), (2, 1)]
    assert longest_in_order([]) == []


@pytest.mark.parametrize("given", GARBAGE, ids=lambda g: repr(g)[:30])
def test_garbage_never_raises_and_is_quick(given: str | tuple[str, ...]) -> None:
    answer_type = ListAnswer({"item": "datetime"})
    expected = answer_type.expect(["2026-03-14T10:03:12+05:00", "2026-03-14T11:03:12+05:00"])
    started = time.perf_counter()
    result = answer_type.check_given(expected, given)
    answer_type.seal_form(given)
    assert time.perf_counter() - started < 1
    assert 0.0 <= result.credit < 1.0


def test_bad_options_and_key_answers() -> None:
    for options in (
        {"item": "list"},
        {"item": "set"},
        {"item": "rubric"},
        {"item": "nope"},
        {"penalty": 1.5},
    ):
        with pytest.raises(ValidationError):
            ListAnswer(options)
    with pytest.raises(ValueError, match="item 1: "):
        ListAnswer({"item": "hash"}).expect(["not hex"])


def test_seal_forms_keep_the_order() -> None:
    answer_type = ListAnswer({"item": "integer", "item_options": {"tolerance": 1}})
    forms = answer_type.seal_forms(answer_type.expect([22, 80, 22]))
    assert forms == frozenset({"22\n80\n22"})
    reader = ListAnswer(answer_type.public_options())
    assert reader.public_options() == answer_type.public_options()
    for right in ("22, 80, 22", ("0x16", "80", "22"), "22;80;22"):
        assert reader.seal_form(right) in forms
    for not_exact in ("22, 22, 80", "22, 80", "22, 80, 22, 22", "22, 81, 22", "22, x, 22"):
        assert reader.seal_form(not_exact) not in forms
    assert ListAnswer({"penalty": 0}).seal_forms(("a",)) is None

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.set_answer import MAX_ITEMS, SetAnswer, best_assignment, split_items
from labkit.grading.results import Check

HOSTS = ["alpha", "bravo", "charlie"]

GARBAGE: list[str | tuple[str, ...]] = [
    bytes(range(256)).decode("latin-1"),
    "\x00\x01,\x02;\x1b[31m",
    "9" * 1_000_000,
    "alpha, " * 200_000,
    "a;" * 500_000,
    "\n" * 1_000_000,
    "(" * 1_000_000,
    "\ud800, \udfff",
    "\u202ealpha, bravo",
    tuple(["alpha"] * 100_000),
    tuple(str(i) for i in range(1001)),
    ("x" * 1_000_000, "alpha"),
]


def check(given: str | tuple[str, ...], answer: list[object] = HOSTS, **options: object) -> Check:
    answer_type = SetAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    [
        ("alpha", "bravo", "charlie"),
        ("Charlie", "ALPHA", "bravo"),
        "alpha, bravo, charlie",
        "charlie;alpha;bravo",
        "bravo\ncharlie\nalpha",
        " alpha ,bravo,, charlie ,",
    ],
)
def test_any_order_and_any_list_form(given: str | tuple[str, ...]) -> None:
    assert check(given) == Check(1.0, "3 of 3 items")


def test_partial_credit_and_the_penalty_for_extras() -> None:
    assert check("alpha, bravo") == Check(2 / 3, "2 of 3 items")
    assert check("alpha, bravo, charlie, delta") == Check(pytest.approx(2 / 3), "3 of 3 items, 1 wrong extra")
    assert check("alpha, delta, echo") == Check(0.0, "1 of 3 items, 2 wrong extras")  # never below zero
    assert check("alpha, bravo, delta", penalty=0.1).credit == pytest.approx(2 / 3 - 0.1)
    assert check("alpha, bravo, charlie, delta", penalty=0) == Check(1.0, "3 of 3 items, 1 wrong extra")


def test_each_given_item_counts_once_and_repeats_are_not_extras() -> None:
    assert check("alpha, alpha, alpha") == Check(1 / 3, "1 of 3 items, 2 given twice")
    assert check("alpha, Alpha, bravo, charlie") == Check(1.0, "3 of 3 items, 1 given twice")
    # Two expected items that are equal need two given ones.
    assert check("x", ["x", "x"]).credit == 0.5


def test_far_too_many_items_cancel_the_credit_without_judging_each() -> None:
    many = tuple(f"host{i}" for i in range(900)) + tuple(HOSTS)
    started = time.perf_counter()
    assert check(many) == Check(0.0, "wrong: 903 items for 3 expected; the extras cancel any credit")
    assert time.perf_counter() - started < 0.5
    assert check(tuple(str(i) for i in range(MAX_ITEMS + 1))).reason == f"wrong: more than {MAX_ITEMS} items"
    assert check(" ; ;").reason == "wrong: no items"


def test_items_are_judged_by_the_item_type() -> None:
    sizes = {"item": "integer", "item_options": {"tolerance": 2}}
    assert check(("45 056", "0x10", "1 001"), [45056, 16, 1000], **sizes) == Check(1.0, "3 of 3 items")
    # Semicolons split first, so decimal commas survive.
    numbers = {"item": "number"}
    assert check("1,5; 2,25", ["1.5", "2.25"], **numbers) == Check(1.0, "2 of 2 items")
    assert check(("1,5", "2.25"), ["2.25", "1.5"], **numbers) == Check(1.0, "2 of 2 items")


def test_partial_item_credit_is_paired_for_the_best_total() -> None:
    times = ["2026-03-14T10:03:12+05:00", "2026-03-14T11:00:00+05:00"]
    # The first given time is the first expected one with a wrong offset (half credit as an item).
    given = ("2026-03-14 10:03:12 UTC", "2026-03-14 11:00:00")
    assert check(given, times, item="datetime") == Check(0.75, "1.5 of 2 items")


def test_best_assignment_is_optimal_not_greedy() -> None:
    # Greedy would give row 0 column 0 (1.0) and leave row 1 with nothing: total 1.0; best is 1.9.
    assert best_assignment([[1.0, 0.9], [1.0, 0.0]]) == [1, 0]
    assert best_assignment([[0.0], [1.0], [0.5]]) == [-1, 0, -1]
    assert best_assignment([]) == []


@pytest.mark.parametrize("given", GARBAGE, ids=lambda g: repr(g)[:30])
def test_garbage_never_raises_and_is_quick(given: str | tuple[str, ...]) -> None:
    answer_type = SetAnswer({"item": "integer"})
    expected = answer_type.expect([1, 2, 3])
    started = time.perf_counter()
    result = answer_type.check_given(expected, given)
    answer_type.seal_form(given)
    assert time.perf_counter() - started < 1
    assert 0.0 <= result.credit < 1.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"item": "set"}, "a 'set' answer cannot be an item of a set or list"),
        ({"item": "list"}, "a 'list' answer cannot be an item of a set or list"),
        ({"item": "rubric"}, "a 'rubric' answer cannot be an item of a set or list"),
        ({"item": "ipv4"}, "unknown answer type 'ipv4' (known: address, "),
        ({"item": "integer", "item_options": {"tolerance": -1}}, "tolerance: Input should be greater than"),
        ({"item": "integer", "item_options": {"tolerence": 1}}, "tolerence: Extra inputs are not permitted"),
        ({"item": "choice"}, "choices: Field required"),
        ({"penalty": 2}, "less than or equal to 1"),
        ({"penalty": -0.5}, "greater than or equal to 0"),
    ],
)
def test_bad_options_are_one_clear_validation_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SetAnswer(options)
    assert message in caught.value.errors()[0]["msg"]


def test_key_answer_must_be_a_list_of_valid_items() -> None:
    answer_type = SetAnswer({"item": "integer"})
    for bad, message in (("alpha", "non-empty list"), ([], "non-empty list"), ([1, "many"], "item 2: ")):
        with pytest.raises(ValueError, match=message):
            answer_type.expect(bad)


def test_split_items_prefers_newlines_then_semicolons() -> None:
    assert split_items("a, b\nc") == ("a, b", "c")
    assert split_items("a, b; c") == ("a, b", "c")
    assert split_items(("a, b", " ", "c")) == ("a, b", "c")


def test_public_options_hide_what_the_item_type_hides() -> None:
    answer_type = SetAnswer({"item": "text", "item_options": {"alternatives": ["Bravo Two"]}, "penalty": 0.5})
    public = answer_type.public_options()
    assert public == {"item": "text", "item_options": {"case_sensitive": False}, "penalty": 0.5}
    assert "Bravo Two" not in repr(public)
    rebuilt = SetAnswer(public)
    for given in ("bravo, ALPHA, charlie", ("Charlie", "alpha", "bravo"), "x"):
        assert rebuilt.seal_form(given) == answer_type.seal_form(given)


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = SetAnswer({"item": "integer", "item_options": {"tolerance": 5}})
    forms = answer_type.seal_forms(answer_type.expect([45056, 16, 1000]))
    assert forms == frozenset({"1000\n16\n45056"})
    reader = SetAnswer(answer_type.public_options())
    for right in ("16, 1 000, 45 056", ("0x10", "45056", "1000"), "1000; 16; 45056; 16"):
        assert reader.seal_form(right) in forms, right
    for not_exact in ("16, 1000", "16, 1000, 45056, 7", "16, 1001, 45056", "16, 1000, x", "x"):
        assert reader.seal_form(not_exact) not in forms, not_exact


def test_unsealable_sets() -> None:
    # Free extras: a full-credit answer may hold anything else, which a seal cannot know.
    assert SetAnswer({"penalty": 0}).seal_forms(("a", "b")) is None
    # Too many combinations of the items' accepted spellings.
    wide = SetAnswer({"item": "number"})
    assert wide.seal_forms(wide.expect(["1.5", "2.5", "3.5", "4.5", "5.5"])) is None
    assert wide.seal_forms(wide.expect(["1.25", "2.75"])) is not None

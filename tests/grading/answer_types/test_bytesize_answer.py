from __future__ import annotations

import itertools
import time

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.bytesize_answer import BytesizeAnswer

GARBAGE = [
    bytes(range(256)).decode("latin-1"),
    "\x00\x01\x02 44 KiB\x7f",
    "9" * 1_000_000,
    "9 " * 500_000 + "KB",
    "1" + " " * 1_000_000 + "KiB",
    "44 " + "K" * 1_000_000,
    "\ud800 KB",
    "44 \u202eBiK",
    "1e999999 KB",
    "NaN B",
    "inf",
    "-0",
    "",
]


def judge(given: str, answer: object = 45056, **options: object) -> str:
    answer_type = BytesizeAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    [
        "45056",
        "45 056",
        "45\u00a0056",
        "45,056",
        "45056 bytes",
        "45056B",
        "45 056 байт",
        "45 056 Б",
        "44 KiB",
        "44KiB",
        "44 kib",
        "44.0 KiB",
        "44,0 KiB",
        "44 КиБ",
        "44 kibibytes",
        "0.04296875 MiB",
    ],
)
def test_accepted_forms(given: str) -> None:
    assert judge(given) == "accepted"


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("44K", "accepted (K read as 1024 bytes)"),  # ls -h, du -h
        ("44 KB", "accepted (KB read as 1024 bytes)"),
        ("44 КБ", "accepted (КБ read as 1024 bytes)"),
        ("44 Кбайт", "accepted (Кбайт read as 1024 bytes)"),
        ("44 килобайта", "accepted (килобайта read as 1024 bytes)"),
        ("45.056 kB", "accepted (kB read as 1000 bytes)"),
        ("45 KB", "accepted (rounded; KB read as 1000 bytes)"),  # 45.056 to the answer's precision
        ("45.1 KB", "accepted (rounded; KB read as 1000 bytes)"),
        ("0.043 MiB", "accepted (rounded)"),
    ],
)
def test_units_kb_ambiguity_and_rounding(given: str, reason: str) -> None:
    assert judge(given) == reason


def test_larger_units_name_their_power() -> None:
    assert judge("1.5 GB", 1610612736) == "accepted (GB read as 1024³ bytes)"
    assert judge("1.5 GB", 1_500_000_000) == "accepted (GB read as 1000³ bytes)"
    assert judge("1.5 ГБ", 1_500_000_000) == "accepted (ГБ read as 1000³ bytes)"
    assert judge("2 TiB", 2 * 1024**4) == "accepted"


def test_rounding_up_counts_as_ls_and_explorer_round() -> None:
    assert judge("1.2 MB", 1_234_000) == "accepted (rounded; MB read as 1024² bytes)"  # 1.1768 MiB
    assert judge("1.3 MB", 1_234_000) == "accepted (rounded; MB read as 1000² bytes)"  # 1.234 rounded up
    assert judge("1.4 MB", 1_234_000) == "wrong"
    assert judge("1.3 MiB", 1_234_000) == "wrong"


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("45057", "wrong"),
        ("43 KiB", "wrong"),
        ("45.0 KB", "wrong"),  # to one decimal, 45.056 is 45.1
        ("44 MiB", "wrong: check the unit (the number would be right in KiB)"),
        ("45056 KiB", "wrong: check the unit (the number would be right in bytes)"),
        ("0 GB", "wrong: too rough; give the size in bytes or to at least two significant digits"),
        ("0.04 MiB", "wrong: too rough; give the size in bytes or to at least two significant digits"),
        ("45056.5", "wrong: a size in bytes is a whole number"),
        ("-44 KiB", "wrong: a size cannot be negative"),
        ("44 XB", "wrong: unknown unit 'XB' (write bytes, KiB, MiB, KB...)"),
        ("KiB", "wrong: not a size (write e.g. 45056, 44 KiB or 44K)"),
        ("forty-four K", "wrong: not a size (write e.g. 45056, 44 KiB or 44K)"),
        ("0xB000", "wrong: not a size (write e.g. 45056, 44 KiB or 44K)"),
    ],
)
def test_near_misses_say_why(given: str, reason: str) -> None:
    assert judge(given) == reason


def test_tolerance_in_bytes() -> None:
    assert judge("45058", tolerance=2) == "accepted within tolerance (+2 bytes)"
    assert judge("45055", tolerance=2) == "accepted within tolerance (-1 byte)"
    assert judge("45059", tolerance=2) == "wrong"


@pytest.mark.parametrize("given", GARBAGE)
def test_garbage_is_refused_quickly(given: str) -> None:
    answer_type = BytesizeAnswer({"tolerance": 10})
    started = time.perf_counter()
    check = answer_type.check_given(answer_type.expect(45056), given)
    answer_type.seal_form(given)
    assert time.perf_counter() - started < 0.5
    assert check.credit == 0.0 and check.reason.startswith("wrong")


def test_key_answer_and_options_are_validated() -> None:
    assert BytesizeAnswer().expect("44 KiB") == 45056
    assert BytesizeAnswer().expect("45 056") == 45056
    for bad in (True, -1, "44 KB", "1.5", "lots", None, 1.5):
        with pytest.raises(ValueError):
            BytesizeAnswer().expect(bad)
    for options in ({"tolerance": -1}, {"tolerance": 0.5}, {"unit": "KiB"}):
        with pytest.raises(ValidationError):
            BytesizeAnswer(options)


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = BytesizeAnswer({"tolerance": 100})
    forms = answer_type.seal_forms(45056)
    reader = BytesizeAnswer(answer_type.public_options())
    for right in ("45056", "45 056 байт", "44 KiB", "44.0 KiB", "44K", "44 KB", "45.056 KB", "45,056 KB"):
        assert reader.seal_form(right) in forms, right
        assert reader.seal_form(right) == answer_type.seal_form(right)
    for not_exact in ("45 KB", "45057", "45100", "0.043 MiB", "44 MiB", "garbage", ("44 KiB", "1")):
        assert reader.seal_form(not_exact) not in forms, not_exact


def test_seal_iff_exact_over_many_spellings() -> None:
    """Sealed-equal exactly when grading accepts the answer as naming the very number of bytes."""
    answer_type = BytesizeAnswer()
    numbers = ["0", "1", "44", "44.0", "45,056", "44,000", "45.056", "1,5", "1.5", "1 000", "1,000", "45056"]
    units = ["", "B", "K", "KB", "KiB", "MB", "MiB", "GB"]
    hits = 0
    for expected in (0, 1000, 1024, 45056, 44000, 1_500_000, 1572864, 1_000_000, 1_048_576_000):
        forms = answer_type.seal_forms(expected)
        for number, unit in itertools.product(numbers, units):
            given = f"{number} {unit}".strip()
            reason = answer_type.check(expected, given).reason
            exact = reason == "accepted" or (reason.startswith("accepted (") and "rounded" not in reason)
            assert (answer_type.seal_form(given) in forms) == exact, (expected, given, reason)
            hits += exact
    assert hits > 20

from __future__ import annotations

import random
import time

import pytest

from labkit.grading.answer_types.mac_answer import MacAnswer, format_mac
from labkit.grading.results import Check

KEY = "00:1B:44:11:3A:B7"


def judge(given: str, answer: str = KEY) -> Check:
    answer_type = MacAnswer({})
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    ["00:1b:44:11:3a:b7", "00:1B:44:11:3A:B7", "00-1B-44-11-3A-B7", "001b.4411.3ab7", "001B.4411.3AB7",
     "001b44113ab7", "0:1b:44:11:3a:b7", "00 1b 44 11 3a b7", " 00:1b:44:11:3a:b7 ",
     "\u200e00:1b:44:11:3a:b7", "００:1b:44:11:3a:b7"],
)  # fmt: skip
def test_accepted_notations(given: str) -> None:
    assert judge(given) == Check.accepted()


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("00:1b:44:11:3a:b8", "wrong: same vendor prefix (OUI), different device"),
        ("00:1c:44:11:3a:b7", "wrong"),
        ("00:1b:44:11:3a", "wrong: 5 bytes, a MAC address has 6"),
        ("00:1b:44:11:3a:b7:00", "wrong: 7 bytes, a MAC address has 6"),
        ("00:1b:44:ff:fe:11:3a:b7", "wrong: 8 bytes is an EUI-64 identifier, not a 48-bit MAC address"),
        ("001b44113ab", "wrong: not a MAC address (write e.g. 00:1b:44:11:3a:b7)"),
        ("00:1b-44:11:3a:b7", "wrong: not a MAC address (write e.g. 00:1b:44:11:3a:b7)"),
        ("00::1b:44:11:3a:b7", "wrong: not a MAC address (write e.g. 00:1b:44:11:3a:b7)"),
        ("0g:1b:44:11:3a:b7", "wrong: not a MAC address (write e.g. 00:1b:44:11:3a:b7)"),
        ("001:b44:113:ab7", "wrong: not a MAC address (write e.g. 00:1b:44:11:3a:b7)"),
        ("0x001b44113ab7", "wrong: not a MAC address (write e.g. 00:1b:44:11:3a:b7)"),
    ],
)
def test_near_misses_say_why(given: str, reason: str) -> None:
    assert judge(given) == Check(0.0, reason)


_RANDOM = random.Random(11)
GARBAGE = [
    "", "\x00" * 12, "\x1b[2J", bytes(range(256)).decode("latin-1"),
    _RANDOM.randbytes(4000).decode("utf-8", "surrogateescape"), "a" * 1_000_000, "00:" * 300_000,
    ":" * 4000, "0" * 4096, "\u202e7b:a3:11:44:b1:00\u202c" + "x", "\u200f" * 4000,
]  # fmt: skip


def test_garbage_is_wrong_and_fast() -> None:
    answer_type = MacAnswer({})
    expected = answer_type.expect(KEY)
    started = time.perf_counter()
    for given in GARBAGE:
        check = answer_type.check_given(expected, given)
        assert check.credit == 0.0 and check.reason.startswith("wrong: "), repr(given[:40])
        answer_type.seal_form(given)
    assert time.perf_counter() - started < 1.0
    assert judge("a" * 1_000_000).reason == "wrong: too long (over 4096 characters)"


@pytest.mark.parametrize("answer", ["00:1b:44:11:3a", "router", 0x001B44113AB7])
def test_bad_keys_are_refused(answer: object) -> None:
    with pytest.raises(ValueError):
        MacAnswer({}).expect(answer)


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = MacAnswer({})
    expected = answer_type.expect(KEY)
    forms = answer_type.seal_forms(expected)
    public = MacAnswer(answer_type.public_options())
    assert forms == {"00:1b:44:11:3a:b7"} and format_mac(expected) == "00:1b:44:11:3a:b7"
    for given in ["001b.4411.3ab7", "00-1B-44-11-3A-B7", "0:1b:44:11:3a:b7", "00:1b:44:11:3a:b8", "junk", ""]:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given

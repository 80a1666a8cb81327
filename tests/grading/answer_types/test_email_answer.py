from __future__ import annotations

import random
import time

import pytest

from labkit.grading.answer_types.email_answer import EmailAnswer
from labkit.grading.results import Check

KEY = "Ivan.Petrov@Bücher.example"


def judge(given: str, answer: str = KEY, **options: object) -> Check:
    answer_type = EmailAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    ["ivan.petrov@bücher.example", "IVAN.PETROV@BÜCHER.EXAMPLE", "ivan.petrov@xn--bcher-kva.example",
     "ivan.petrov@bücher.example.", "Ivan Petrov <ivan.petrov@bücher.example>",
     '"Petrov, Ivan" <Ivan.Petrov@XN--BCHER-KVA.EXAMPLE>', "<ivan.petrov@bücher.example>",
     "mailto:ivan.petrov@bücher.example", "MAILTO:ivan.petrov@bücher.example?subject=Invoice",
     "mailto:ivan.petrov%40b%C3%BCcher.example", "<mailto:ivan.petrov@bücher.example>",
     "\u200fivan.petrov@bücher.example\u200f"],
)  # fmt: skip
def test_accepted_forms(given: str) -> None:
    assert judge(given) == Check.accepted()


def test_case_sensitive_local_part() -> None:
    assert judge("Ivan.Petrov@BÜCHER.example", case_sensitive_local=True) == Check.accepted()
    assert judge("ivan.petrov@bücher.example", case_sensitive_local=True) == Check.wrong(
        "letter case before @ differs (this question compares it exactly)"
    )


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("ivan@bücher.example", "wrong: right domain, different mailbox"),
        ("ivan.petrov+news@bücher.example", "wrong: right domain, different mailbox"),
        ("ivan.petrov@bucher.example", "wrong: right mailbox name, different domain"),
        ("olga@example.com", "wrong"),
        ("ivan.petrov", "wrong: not an e-mail address (write e.g. ivan@example.com)"),
        ("bücher.example", "wrong: not an e-mail address (write e.g. ivan@example.com)"),
        ("@bücher.example", "wrong: not an e-mail address (write e.g. ivan@example.com)"),
        ("ivan petrov@bücher.example", "wrong: not an e-mail address (write e.g. ivan@example.com)"),
        ("ivan@petrov@bücher.example", "wrong: not an e-mail address (write e.g. ivan@example.com)"),
        ("i" * 65 + "@bücher.example", "wrong: not an e-mail address (write e.g. ivan@example.com)"),
        ("ivan.petrov@", "wrong: the part after @ is not a domain name"),
        ("ivan.petrov@[10.1.2.3]", "wrong: the part after @ is not a domain name"),
        ("ivan.petrov@bücher..example", "wrong: the part after @ is not a domain name"),
    ],
)
def test_near_misses_say_why(given: str, reason: str) -> None:
    assert judge(given) == Check(0.0, reason)


_RANDOM = random.Random(17)
GARBAGE = [
    "", "@", "<>", "mailto:", "\x00@\x00", "a\x07@b.example", bytes(range(256)).decode("latin-1"),
    _RANDOM.randbytes(4000).decode("utf-8", "surrogateescape"), "a" * 1_000_000, "a@" * 2000,
    "<" * 4000 + ">", "mailto:" * 500, "@" * 4000, "\u202eelpmaxe.rehcub@vortep.navi", "\u200f" * 4000,
]  # fmt: skip


def test_garbage_is_wrong_and_fast() -> None:
    answer_type = EmailAnswer({})
    expected = answer_type.expect(KEY)
    started = time.perf_counter()
    for given in GARBAGE:
        check = answer_type.check_given(expected, given)
        assert check.credit == 0.0 and check.reason.startswith("wrong"), repr(given[:40])
        answer_type.seal_form(given)
    assert time.perf_counter() - started < 1.0
    assert judge("a" * 1_000_000).reason == "wrong: too long (over 4096 characters)"


@pytest.mark.parametrize("answer", ["ivan", "ivan@", 42, "a b@example.com"])
def test_bad_keys_are_refused(answer: object) -> None:
    with pytest.raises(ValueError):
        EmailAnswer({}).expect(answer)


GIVENS = [
    "Ivan Petrov <IVAN.PETROV@xn--bcher-kva.example>", "mailto:ivan.petrov@bücher.example",
    "Ivan.Petrov@bücher.example", "ivan@bücher.example", "ivan.petrov@bucher.example", "junk",
]  # fmt: skip


@pytest.mark.parametrize("case_sensitive_local", [False, True])
def test_seal_forms_match_exactly_right_answers_only(case_sensitive_local: bool) -> None:
    answer_type = EmailAnswer({"case_sensitive_local": case_sensitive_local})
    expected = answer_type.expect(KEY)
    forms = answer_type.seal_forms(expected)
    public = EmailAnswer(answer_type.public_options())
    assert public.public_options() == {"case_sensitive_local": case_sensitive_local}
    for given in GIVENS:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given

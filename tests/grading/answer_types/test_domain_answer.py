from __future__ import annotations

import random
import time

import pytest

from labkit.grading.answer_types.domain_answer import DomainAnswer, domain_a_label, strip_invisible
from labkit.grading.results import Check

KEY = "bücher.example"


def judge(given: str, answer: str = KEY, **options: object) -> Check:
    answer_type = DomainAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    ["bücher.example", "Bücher.Example", "BÜCHER.EXAMPLE.", "xn--bcher-kva.example", "XN--BCHER-KVA.example.",
     "bücher。example", "ｂüｃｈｅｒ.example", "\u200fbücher.example\u200e", "bu\u0308cher.example"],
)  # fmt: skip
def test_case_trailing_dot_and_idn_forms_are_one_name(given: str) -> None:
    assert judge(given) == Check.accepted()


def test_a_key_in_a_label_form_accepts_the_unicode_form() -> None:
    assert judge("Bücher.example", answer="xn--bcher-kva.example") == Check.accepted()
    assert judge("пример.рф", answer="xn--e1afmkfd.xn--p1ai") == Check.accepted()
    assert judge("faß.de", answer="xn--fa-hia.de") == Check.accepted()  # IDNA 2008: ß is not ss
    assert judge("fass.de", answer="faß.de") == Check.wrong()


def test_underscore_labels_from_dns_records() -> None:
    assert judge("_DMARC.example.com", answer="_dmarc.example.com") == Check.accepted()


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("https://bücher.example/login?x=1", "accepted (host name taken from the URL)"),
        ("HTTP://user@BÜCHER.example:8080/", "accepted (host name taken from the URL)"),
        ("//bücher.example/", "accepted (host name taken from the URL)"),
        ("bücher.example/login.php", "accepted (host name taken from the URL)"),
        ("bücher.example:443", "accepted (host name taken from the URL)"),
        ("info@bücher.example", "accepted (domain taken from the e-mail address)"),
    ],
)
def test_pasted_urls_and_addresses_are_accepted_with_a_reason(given: str, reason: str) -> None:
    assert judge(given) == Check.accepted(reason)


def test_subdomains_are_wrong_unless_the_key_allows_them() -> None:
    assert judge("www.bücher.example") == Check.wrong("a name inside the asked domain, not the domain itself")
    assert judge("c2.evil.example", answer="evil.example", subdomains=True) == Check.accepted(
        "accepted (a name inside the asked domain)"
    )
    assert judge("https://a.b.evil.example/x", answer="evil.example", subdomains=True).credit == 1.0
    assert judge("notevil.example", answer="evil.example", subdomains=True) == Check.wrong()


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("bucher.example", "wrong"),
        ("bücher.example.com", "wrong"),
        ("example", "wrong: too broad (a parent domain of the asked name)"),
        ("10.1.2.3", "wrong: an IP address, the question asks for a domain name"),
        ("http://[2001:db8::1]/", "wrong: an IP address, the question asks for a domain name"),
        ("https:///path", "wrong: a URL without a host name"),
        ("xn--zz.example", "wrong: not a domain name (write e.g. mail.example.com)"),
        ("bücher..example", "wrong: not a domain name (write e.g. mail.example.com)"),
        ("-bücher.example", "wrong: not a domain name (write e.g. mail.example.com)"),
        ("bücher example", "wrong: not a domain name (write e.g. mail.example.com)"),
        ("😀.example", "wrong: not a domain name (write e.g. mail.example.com)"),
        ("a" * 64 + ".example", "wrong: not a domain name (write e.g. mail.example.com)"),
        (".".join(["a" * 60] * 5), "wrong: not a domain name (write e.g. mail.example.com)"),
    ],
)
def test_near_misses_say_why(given: str, reason: str) -> None:
    assert judge(given) == Check(0.0, reason)


_RANDOM = random.Random(13)
GARBAGE = [
    "", ".", "\x00.example", "exa\x07mple.com", bytes(range(256)).decode("latin-1"),
    _RANDOM.randbytes(4000).decode("utf-8", "surrogateescape"), _RANDOM.randbytes(4000).decode("latin-1"),
    "a" * 1_000_000, "a." * 500_000, "http://" + "a" * 4000, "http://[" + ":" * 3000, "xn--" * 1000,
    "\u202eelpmaxe.rehcüb", "\u200f" * 4000, "@" * 4000, "/" * 4000, "ü" * 4000,
]  # fmt: skip


def test_garbage_is_wrong_and_fast() -> None:
    answer_type = DomainAnswer({})
    expected = answer_type.expect(KEY)
    started = time.perf_counter()
    for given in GARBAGE:
        check = answer_type.check_given(expected, given)
        assert check.credit == 0.0 and check.reason.startswith("wrong"), repr(given[:40])
        answer_type.seal_form(given)
    assert time.perf_counter() - started < 1.0
    assert judge("a" * 1_000_000).reason == "wrong: too long (over 4096 characters)"


@pytest.mark.parametrize("answer", ["https://bücher.example/", "10.1.2.3", "not a name", 42, "a@b.example"])
def test_bad_keys_are_refused(answer: object) -> None:
    with pytest.raises(ValueError):
        DomainAnswer({}).expect(answer)


def test_helpers() -> None:
    assert domain_a_label("Пример.РФ.") == "xn--e1afmkfd.xn--p1ai"
    assert domain_a_label("") is None
    assert strip_invisible("\ufeffa\u200bb\u200dc\u202e") == "ab\u200dc"  # joiners stay: IDNA needs them


GIVENS = ["Bücher.Example.", "xn--bcher-kva.example", "https://bücher.example/", "info@bücher.example",
          "www.bücher.example", "example", "bucher.example", "10.1.2.3", ""]  # fmt: skip


@pytest.mark.parametrize("subdomains", [False, True])
def test_seal_forms_match_exactly_right_answers_only(subdomains: bool) -> None:
    answer_type = DomainAnswer({"subdomains": subdomains})
    expected = answer_type.expect(KEY)
    forms = answer_type.seal_forms(expected)
    public = DomainAnswer(answer_type.public_options())
    assert forms == {"xn--bcher-kva.example"}
    for given in GIVENS:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given

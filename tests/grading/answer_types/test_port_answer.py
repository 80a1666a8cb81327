from __future__ import annotations

import random
import time

import pytest

from labkit.grading.answer_types.port_answer import PortAnswer
from labkit.grading.results import Check


def judge(given: str, answer: object = 443, **options: object) -> Check:
    answer_type = PortAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    ["443", " 443 ", "443/tcp", "443/TCP", "tcp/443", "TCP 443", "tcp:443", ":443", "port 443", "Порт 443",
     "443 / tcp", "０443", "\u200f443"],
)  # fmt: skip
def test_accepted_forms(given: str) -> None:
    assert judge(given, protocol="tcp") == Check.accepted()


def test_without_a_protocol_in_the_key_any_protocol_is_fine() -> None:
    assert judge("443/udp") == Check.accepted()
    assert judge("53/udp", answer="53") == Check.accepted()


def test_a_stated_wrong_protocol_costs_half() -> None:
    assert judge("443/udp", protocol="tcp") == Check(0.5, "partial: right port, wrong protocol (UDP)")
    assert judge("UDP 443", answer="443/tcp") == Check(0.5, "partial: right port, wrong protocol (UDP)")
    assert judge("53/tcp", answer=53, protocol="udp").credit == 0.5
    assert judge("8443/tcp", protocol="tcp") == Check.wrong()


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("8443", "wrong"),
        ("4430", "wrong"),
        ("https", "wrong: give the port number (e.g. 443), not a service name"),
        ("10.1.2.3:443", "wrong: give the port number alone, without the address"),
        ("0", "wrong: a port number is between 1 and 65535"),
        ("65536", "wrong: a port number is between 1 and 65535"),
        ("99999999999", "wrong: a port number is between 1 and 65535"),
        ("443 8443", "wrong: give one port number"),
        ("tcp", "wrong: not a port number (write e.g. 443 or 443/tcp)"),
        ("443/tcp/udp", "wrong: not a port number (write e.g. 443 or 443/tcp)"),
        ("443/sctp", "wrong: not a port number (write e.g. 443 or 443/tcp)"),
        ("-443", "wrong: not a port number (write e.g. 443 or 443/tcp)"),
        ("٤٤٣", "wrong: not a port number (write e.g. 443 or 443/tcp)"),  # Arabic-Indic digits
    ],
)
def test_near_misses_say_why(given: str, reason: str) -> None:
    assert judge(given) == Check(0.0, reason)


_RANDOM = random.Random(7)
GARBAGE = [
    "", "\x00\x01\x7f", bytes(range(256)).decode("latin-1"),
    _RANDOM.randbytes(4000).decode("utf-8", "surrogateescape"),
    "4" * 1_000_000, "443/" * 250_000, "/" * 4000, "1 " * 2000, "\u202e", "\u200f" * 4000,
]  # fmt: skip


def test_garbage_is_wrong_and_fast() -> None:
    answer_type = PortAnswer({"protocol": "tcp"})
    expected = answer_type.expect(443)
    started = time.perf_counter()
    for given in GARBAGE:
        check = answer_type.check_given(expected, given)
        assert check.credit == 0.0 and check.reason.startswith("wrong: "), repr(given[:40])
        answer_type.seal_form(given)
    assert time.perf_counter() - started < 1.0
    assert judge("4" * 1_000_000).reason == "wrong: too long (over 4096 characters)"


@pytest.mark.parametrize("answer", [0, 70000, "https", True, 44.3, "443/tcp/udp"])
def test_bad_keys_are_refused(answer: object) -> None:
    with pytest.raises(ValueError):
        PortAnswer({}).expect(answer)


def test_a_key_contradicting_its_protocol_option_is_refused() -> None:
    with pytest.raises(ValueError, match="names UDP but the protocol option says tcp"):
        PortAnswer({"protocol": "tcp"}).expect("53/udp")


def test_the_protocol_is_hidden_from_the_public_options() -> None:
    assert PortAnswer({"protocol": "udp"}).public_options() == {}


GIVENS = ["443", "443/tcp", "TCP 443", ":443", "443/udp", "8443", "https", "0"]


@pytest.mark.parametrize("options", [{}, {"protocol": "tcp"}, {"protocol": "udp"}])
def test_seal_forms_match_exactly_right_answers_only(options: dict[str, object]) -> None:
    answer_type = PortAnswer(options)
    expected = answer_type.expect(443)
    forms = answer_type.seal_forms(expected)
    public = PortAnswer(answer_type.public_options())
    for given in GIVENS:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given

from __future__ import annotations

import random
import time

import pytest

from labkit.grading.answer_types.ip_answer import IpAnswer
from labkit.grading.results import Check


def judge(given: str, answer: str = "10.1.2.3") -> Check:
    answer_type = IpAnswer({})
    return answer_type.check_given(answer_type.expect(answer), given)


@pytest.mark.parametrize(
    "given",
    ["10.1.2.3", " 10.1.2.3 ", "::ffff:10.1.2.3", "::FFFF:10.1.2.3", "[10.1.2.3]", "１０.１.２.３",
     "\u200f10.1.2.3\u200e", "\u202a10.1.2.3\u202c", "10.1.2.3%eth0"],
)  # fmt: skip
def test_ipv4_notations_are_accepted(given: str) -> None:
    assert judge(given) == Check.accepted()


@pytest.mark.parametrize(
    "given",
    ["2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8:0:0::1",
     "[2001:db8::1]", "2001:db8::1%eth0", "[2001:db8::1%3]"],
)  # fmt: skip
def test_ipv6_notations_are_accepted(given: str) -> None:
    assert judge(given, answer="2001:db8::1") == Check.accepted()


def test_an_ipv4_mapped_key_equals_its_ipv4_address() -> None:
    assert judge("10.1.2.3", answer="::ffff:10.1.2.3") == Check.accepted()


@pytest.mark.parametrize(
    "given", ["10.1.2.0/24", "10.1.2.0 255.255.255.0", "10.1.2.0/255.255.255.0", "10.1.2.0/0.0.0.255"]
)
def test_network_notations_are_accepted(given: str) -> None:
    assert judge(given, answer="10.1.2.0/24") == Check.accepted()


def test_forgiven_with_a_reason() -> None:
    assert judge("10.1.2.7/24", answer="10.1.2.0/24") == Check.accepted(
        "accepted (10.1.2.7/24 has host bits set; it names 10.1.2.0/24)"
    )
    assert judge("10.1.2.3/24").reason == "accepted (the /24 prefix is not part of the address)"
    assert judge("10.1.2.3 255.255.255.0").reason == "accepted (the /24 prefix is not part of the address)"
    assert judge("10.1.2.3/32").reason == "accepted (/32 is that one address)"
    assert judge("2001:db8::/64", answer="2001:db8::/64").reason == "accepted"
    assert judge("2001:DB8::1/64", answer="2001:db8::/64").reason.startswith("accepted (2001:db8::1/64 has")


@pytest.mark.parametrize(
    ("given", "answer", "reason"),
    [
        ("10.1.2.4", "10.1.2.3", "wrong"),
        ("10.1.2.3:443", "10.1.2.3", "wrong: give the address without the port"),
        ("[2001:db8::1]:443", "2001:db8::1", "wrong: give the address without the port"),
        ("10.1.2.0/24", "10.1.2.3", "wrong: that is the network, the question asks for an address"),
        ("10.9.0.0/16", "10.1.2.3", "wrong: that is a network, the question asks for an address"),
        ("::/0", "10.1.2.3", "wrong: that is a network, the question asks for an address"),
        ("2001:db8::1", "10.1.2.3", "wrong: an IPv6 address, the question asks for IPv4"),
        ("10.1.2.3", "2001:db8::1", "wrong: an IPv4 address, the question asks for IPv6"),
        ("010.1.2.3", "10.1.2.3",
         "wrong: leading zeros in an octet are ambiguous (octal to some tools); write them without"),
        ("10.1.2.0", "10.1.2.0/24",
         "wrong: that is an address, the question asks for a network (CIDR, e.g. 192.0.2.0/24)"),
        ("10.1.0.0/16", "10.1.2.0/24", "wrong: /16 is wider than the asked network"),
        ("10.1.2.128/25", "10.1.2.0/24", "wrong: /25 is narrower than the asked network"),
        ("10.1.3.0/24", "10.1.2.0/24", "wrong"),
        ("2001:db8::/24", "10.1.2.0/24", "wrong: an IPv6 network, the question asks for IPv4"),
        ("10.1.2.3.4", "10.1.2.3", "wrong: not an IP address (write e.g. 192.0.2.10 or 2001:db8::1)"),
        ("167838211", "10.1.2.3", "wrong: not an IP address (write e.g. 192.0.2.10 or 2001:db8::1)"),
        ("10.1.2", "10.1.2.3", "wrong: not an IP address (write e.g. 192.0.2.10 or 2001:db8::1)"),
        ("fish", "10.1.2.0/24", "wrong: not an IP network (write it in CIDR, e.g. 192.0.2.0/24)"),
        ("10.1.2.0/33", "10.1.2.0/24", "wrong: not an IP network (write it in CIDR, e.g. 192.0.2.0/24)"),
    ],
)  # fmt: skip
def test_near_misses_say_why(given: str, answer: str, reason: str) -> None:
    assert judge(given, answer=answer) == Check(0.0, reason)


_RANDOM = random.Random(5)
GARBAGE = [
    "", "\x00\x01\x02\x1b[31m", bytes(range(256)).decode("latin-1"),
    _RANDOM.randbytes(4000).decode("utf-8", "surrogateescape"), _RANDOM.randbytes(4000).decode("latin-1"),
    "1" * 1_000_000, "1." * 500_000, ":" * 1_000_000, "[" * 4000, "[" + ":" * 4000 + "]:1", "%" * 4000,
    "10.1.2.3/" + "9" * 4000, "\u202e3.2.1.01", "\u200f" * 4000, "1 2 3", "10.1.2.3:99999999", "a:b",
]  # fmt: skip


@pytest.mark.parametrize("answer", ["10.1.2.3", "2001:db8::1", "10.1.2.0/24"])
def test_garbage_is_wrong_and_fast(answer: str) -> None:
    answer_type = IpAnswer({})
    expected = answer_type.expect(answer)
    started = time.perf_counter()
    for given in GARBAGE:
        check = answer_type.check_given(expected, given)
        assert check.credit == 0.0 and check.reason.startswith("wrong: "), repr(given[:40])
        answer_type.seal_form(given)
    assert time.perf_counter() - started < 1.0
    assert judge("1" * 1_000_000).reason == "wrong: too long (over 4096 characters)"


@pytest.mark.parametrize("answer", ["10.1.2.7/24", "10.1.2.3:80", "www.example.com", 167838211, "010.1.2.3"])
def test_bad_keys_are_refused(answer: object) -> None:
    with pytest.raises(ValueError):
        IpAnswer({}).expect(answer)


def test_a_key_with_host_bits_names_its_network() -> None:
    with pytest.raises(ValueError, match=r"write the network as 10\.1\.2\.0/24"):
        IpAnswer({}).expect("10.1.2.7/24")


SEAL_CASES = {
    "10.1.2.3": ["10.1.2.3", "::ffff:10.1.2.3", "[10.1.2.3]", "10.1.2.3/24", "10.1.2.3/32", "10.1.2.3:80",
                 "10.1.2.0/24", "10.1.2.4", "010.1.2.3", "junk"],
    "2001:db8::1": ["2001:DB8::1", "2001:db8:0:0:0:0:0:1", "[2001:db8::1]:443", "fe80::1%eth0",
                    "2001:db8::2"],
    "10.1.2.0/24": ["10.1.2.0/24", "10.1.2.0 255.255.255.0", "10.1.2.7/24", "10.1.2.0", "10.1.0.0/16"],
}  # fmt: skip


@pytest.mark.parametrize("answer", sorted(SEAL_CASES))
def test_seal_forms_match_exactly_right_answers_only(answer: str) -> None:
    answer_type = IpAnswer({})
    expected = answer_type.expect(answer)
    forms = answer_type.seal_forms(expected)
    public = IpAnswer(answer_type.public_options())
    for given in SEAL_CASES[answer]:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given
    assert public.seal_form("10.1.2.7/24") != "10.1.2.0/24"  # accepted with a reason, not exactly
    assert public.seal_form(("2001:DB8::1",)) == "2001:db8::1"
    assert public.seal_form(("10.1.2.3", "10.1.2.4")) is None

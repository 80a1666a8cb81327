"""IPv4 and IPv6 addresses, and networks in CIDR when the expected answer is one.

Forgiven as notation (plain "accepted"): IPv6 case, compressed or expanded
groups, ``[brackets]``, a zone (``fe80::1%eth0`` is compared without it), an
IPv4-mapped IPv6 address (``::ffff:10.1.2.3`` is 10.1.2.3), a netmask instead
of a prefix length (``10.1.2.0 255.255.255.0``, ``10.1.2.0/255.255.255.0``).

Forgiven with a reason: host bits in a CIDR when a network is asked
(``10.1.2.7/24`` names 10.1.2.0/24, as ``ip addr`` prints it), and a prefix on
the right address when an address is asked.

Refused with a reason: a network where an address is asked (and the reverse),
an address with a port, and octets with leading zeros (``010.1.2.3`` is 8.1.2.3
to inet_aton and 10.1.2.3 to a person; the answer is ambiguous, so it is wrong).

Only a plain "accepted" is exactly right for the practice self-check: forms
accepted with a reason (host bits set, a prefix on an address) get seal forms
of their own and do not match; they are judged at grading.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.answer_types.domain_answer import MAX_ANSWER_CHARS, TOO_LONG, strip_invisible
from labkit.grading.results import Check

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Interface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
Kind = Literal["address", "network", "interface"]

_PORT = re.compile(r":[0-9]{1,5}")
_DOTTED_QUAD = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
_NOT_AN_IP = "not an IP address (write e.g. 192.0.2.10 or 2001:db8::1)"
_NOT_A_NETWORK = "not an IP network (write it in CIDR, e.g. 192.0.2.0/24)"
_LEADING_ZERO_REASON = "leading zeros in an octet are ambiguous (octal to some tools); write them without"


@dataclass(frozen=True)
class ParsedIp:
    """What an answer names: an address, a network, or an address with a prefix (host bits set)."""

    kind: Kind
    value: Address | Network | Interface
    with_port: bool = False


def parse_ip(text: str) -> ParsedIp | str:
    """The address or network an answer names, or the reason it names none."""
    if len(text) > MAX_ANSWER_CHARS:
        return TOO_LONG
    text = unicodedata.normalize("NFKC", strip_invisible(text)).strip()
    words = text.split()
    if len(words) == 2:  # "10.1.2.0 255.255.255.0"
        text = f"{words[0]}/{words[1]}"
    elif len(words) > 2:
        return _NOT_AN_IP
    with_port = False
    if text.startswith("["):  # [2001:db8::1] or [2001:db8::1]:443
        inner, closed, rest = text[1:].partition("]")
        if not closed or (rest and not _PORT.fullmatch(rest)):
            return _NOT_AN_IP
        text, with_port = inner, bool(rest)
    elif text.count(":") == 1:  # 10.1.2.3:443 (an IPv6 address has at least two colons)
        host, _, port = text.partition(":")
        if not _PORT.fullmatch(":" + port):
            return _NOT_AN_IP
        text, with_port = host, True
    address, slash, prefix = text.partition("/")
    address = address.split("%", 1)[0]  # the zone names the sender's interface, not the address
    if _DOTTED_QUAD.fullmatch(address) and any(len(o) > 1 and o[0] == "0" for o in address.split(".")):
        return _LEADING_ZERO_REASON
    try:
        if not slash:
            return ParsedIp("address", _unmapped(ipaddress.ip_address(address)), with_port)
        if with_port:
            return _NOT_AN_IP
        try:
            return ParsedIp("network", ipaddress.ip_network(f"{address}/{prefix}", strict=True))
        except ValueError:
            return ParsedIp("interface", ipaddress.ip_interface(f"{address}/{prefix}"))
    except ValueError:
        return _NOT_AN_IP


def _unmapped(address: Address) -> Address:
    """An IPv4-mapped IPv6 address (``::ffff:10.1.2.3``) as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class IpAnswer(AnswerType):
    """The same address (or network), whatever its notation."""

    name = "ip"
    Options = AnswerOptions
    options: AnswerOptions

    def expect(self, answer: Any) -> Address | Network:
        parsed = parse_ip(answer) if isinstance(answer, str) else None
        if not isinstance(parsed, ParsedIp) or parsed.with_port:
            raise ValueError(f"{answer!r} is not an IP address or network (write e.g. 10.1.2.3, 10.1.2.0/24)")
        if parsed.kind == "interface":
            network = parsed.value.network
            raise ValueError(f"{answer!r} has host bits set; write the network as {network}")
        return parsed.value

    def check(self, expected: Address | Network, given: str) -> Check:
        parsed = parse_ip(given)
        if isinstance(expected, ipaddress.IPv4Network | ipaddress.IPv6Network):
            if not isinstance(parsed, ParsedIp):
                return Check.wrong(_NOT_A_NETWORK if parsed == _NOT_AN_IP else parsed)
            return _check_network(expected, parsed)
        if not isinstance(parsed, ParsedIp):
            return Check.wrong(parsed)
        return _check_address(expected, parsed)

    def seal_forms(self, expected: Address | Network) -> frozenset[str]:
        return frozenset({str(expected)})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        parsed = parse_ip(given)
        if not isinstance(parsed, ParsedIp):
            return None
        # Interfaces print with their host bits ("10.1.2.7/24"), so they never equal a network's text.
        return f"{parsed.value} with a port" if parsed.with_port else str(parsed.value)


def _check_address(expected: Address, parsed: ParsedIp) -> Check:
    if parsed.kind == "address":
        if parsed.value == expected:
            return Check.wrong("give the address without the port") if parsed.with_port else Check.accepted()
        return _family_or_wrong(expected, parsed.value)
    if parsed.kind == "interface":
        interface: Interface = parsed.value
        if interface.ip == expected:
            prefix = interface.network.prefixlen
            return Check.accepted(f"accepted (the /{prefix} prefix is not part of the address)")
        return _family_or_wrong(expected, interface.ip)
    network: Network = parsed.value
    if network.version == expected.version:  # ``in`` across versions compares bare integers
        if network.num_addresses == 1 and network.network_address == expected:
            return Check.accepted(f"accepted (/{network.prefixlen} is that one address)")
        if expected in network:
            return Check.wrong("that is the network, the question asks for an address")
    return Check.wrong("that is a network, the question asks for an address")


def _check_network(expected: Network, parsed: ParsedIp) -> Check:
    if parsed.kind == "address":
        return Check.wrong("that is an address, the question asks for a network (CIDR, e.g. 192.0.2.0/24)")
    if parsed.kind == "interface":
        network = parsed.value.network
        if network == expected:
            return Check.accepted(f"accepted ({parsed.value} has host bits set; it names {network})")
    else:
        network = parsed.value
        if network == expected:
            return Check.accepted()
    if network.version != expected.version:
        return Check.wrong(f"an IPv{network.version} network, the question asks for IPv{expected.version}")
    if network.supernet_of(expected):
        return Check.wrong(f"/{network.prefixlen} is wider than the asked network")
    if network.subnet_of(expected):
        return Check.wrong(f"/{network.prefixlen} is narrower than the asked network")
    return Check.wrong()


def _family_or_wrong(expected: Address, given: Address) -> Check:
    if given.version != expected.version:
        return Check.wrong(f"an IPv{given.version} address, the question asks for IPv{expected.version}")
    return Check.wrong()

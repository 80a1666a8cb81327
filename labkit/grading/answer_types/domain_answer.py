"""Domain names as trainees copy them: any case, a trailing dot, Unicode or ``xn--`` form, or inside a URL.

Names are compared in their A-label form (IDNA 2008 with the UTS #46 mapping, via
the ``idna`` package), so ``Bücher.Example.``, ``bücher.example`` and
``xn--bcher-kva.example`` are one name. Labels of plain ASCII may hold ``_``
(``_dmarc.example.com``, SRV names): DNS allows it and evidence contains it.

A name taken out of a pasted URL (``https://mail.example.com/login``) or an
e-mail address earns full credit with a reason saying so.

Subdomains (decision): with the default ``subdomains: false`` a name inside the
asked domain (``mail.example.com`` for ``example.com``) is wrong, with a reason,
because DNS names a different host. ``subdomains: true`` is for questions whose
answer is the domain of a family of hosts (C2 servers under one registered
domain): any name inside it earns full credit, with a reason. A parent of the
asked name is always wrong ("too broad").

Only a plain "accepted" is exactly right for the practice self-check: a name
out of a URL or an address, or a subdomain allowed by ``subdomains``, does not
match there; it is judged at grading.

The helpers :func:`strip_invisible` and :func:`domain_a_label` are shared with the
other network answer types (ip, port, mac, email).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import idna
from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check

#: Longer answers are refused before any parsing, so no input can make grading slow.
MAX_ANSWER_CHARS = 4096
TOO_LONG = f"too long (over {MAX_ANSWER_CHARS} characters)"

_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_HOST_PORT = re.compile(r"(?P<host>[^:]+):[0-9]{1,5}")
#: Zero-width joiners are meaningful inside some scripts' IDN labels; every other format character goes.
_JOINERS = frozenset("\u200c\u200d")
_NOT_A_DOMAIN = "not a domain name (write e.g. mail.example.com)"

Source = Literal["name", "url", "email"]


def strip_invisible(text: str) -> str:
    """``text`` without invisible format characters (bidi marks, zero-width spaces, BOM).

    Copying from a report or a right-to-left document drags them along; they
    change nothing a reader sees, so they must not change a verdict either.
    """
    if text.isascii():
        return text
    return "".join(ch for ch in text if ch in _JOINERS or unicodedata.category(ch) != "Cf")


def domain_a_label(host: str) -> str | None:
    """``host`` as a lower-case A-label name without the trailing dot, or None if it is not a domain name."""
    try:
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    except ValueError:  # idna.IDNAError and UnicodeError are ValueErrors
        return None
    labels = mapped.removesuffix(".").split(".")
    converted: list[str] = []
    for label in labels:
        if label.isascii():
            if not _ASCII_LABEL.fullmatch(label):
                return None
            if label.startswith("xn--") and not _valid_a_label(label):
                return None
            converted.append(label)
            continue
        try:
            converted.append(idna.alabel(label).decode("ascii"))
        except ValueError:
            return None
    name = ".".join(converted)
    return name if len(name) <= 253 else None


def _valid_a_label(label: str) -> bool:
    """An ``xn--`` label that decodes to a valid U-label and encodes back to itself."""
    try:
        return idna.alabel(idna.ulabel(label)).decode("ascii") == label
    except ValueError:
        return False


@dataclass(frozen=True)
class ParsedDomain:
    """A name as read from an answer, and where in the answer it was found."""

    name: str
    source: Source


def parse_domain(text: str) -> ParsedDomain | str:
    """The name an answer gives, or the reason it gives none."""
    if len(text) > MAX_ANSWER_CHARS:
        return TOO_LONG
    text = strip_invisible(text).strip()
    source: Source = "name"
    if "://" in text or text.startswith("//"):
        source = "url"
        try:
            host = urlsplit(text).hostname or ""
        except ValueError:
            return _NOT_A_DOMAIN
        if not host:
            return "a URL without a host name"
    elif "/" in text or _HOST_PORT.fullmatch(text):
        source = "url"
        host = text.split("/", 1)[0]
        port = _HOST_PORT.fullmatch(host)
        host = port["host"] if port else host
    elif "@" in text:
        source = "email"
        host = text.rpartition("@")[2]
    else:
        host = text
    if _is_ip_address(host):
        return "an IP address, the question asks for a domain name"
    name = domain_a_label(host)
    return ParsedDomain(name, source) if name else _NOT_A_DOMAIN


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class DomainOptions(AnswerOptions):
    subdomains: bool = Field(
        False,
        description=(
            "Also give full credit for any name inside the expected domain (mail.example.com for "
            "example.com); when false such a name is wrong, with a reason saying so."
        ),
    )


class DomainAnswer(AnswerType):
    """The same DNS name, whatever the case, trailing dot or IDN form."""

    name = "domain"
    Options = DomainOptions
    options: DomainOptions

    def expect(self, answer: Any) -> str:
        parsed = parse_domain(answer) if isinstance(answer, str) else None
        if not isinstance(parsed, ParsedDomain) or parsed.source != "name":
            raise ValueError(f"{answer!r} is not a domain name (write it as e.g. mail.example.com)")
        return parsed.name

    def check(self, expected: str, given: str) -> Check:
        parsed = parse_domain(given)
        if not isinstance(parsed, ParsedDomain):
            return Check.wrong(parsed)
        name = parsed.name
        if name == expected:
            if parsed.source == "url":
                return Check.accepted("accepted (host name taken from the URL)")
            if parsed.source == "email":
                return Check.accepted("accepted (domain taken from the e-mail address)")
            return Check.accepted()
        if name.endswith("." + expected):
            if self.options.subdomains:
                return Check.accepted("accepted (a name inside the asked domain)")
            return Check.wrong("a name inside the asked domain, not the domain itself")
        if expected.endswith("." + name):
            return Check.wrong("too broad (a parent domain of the asked name)")
        return Check.wrong()

    def seal_forms(self, expected: str) -> frozenset[str]:
        return frozenset({expected})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        parsed = parse_domain(given)
        if not isinstance(parsed, ParsedDomain):
            return None
        # A name out of a URL or an address is accepted with a reason, not exactly: it must not match.
        return parsed.name if parsed.source == "name" else f"{parsed.name} (from {parsed.source})"

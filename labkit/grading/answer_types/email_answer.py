"""E-mail addresses as mail clients and headers show them.

``Ivan Petrov <ivan@example.com>``, ``<ivan@example.com>`` and
``mailto:ivan@example.com`` are read as the address. The domain is compared as
a domain name (case, trailing dot, IDN U-label or ``xn--``, see
:mod:`domain_answer`); the part before ``@`` ignores letter case unless the key
sets ``case_sensitive_local`` (RFC 5321 lets a server tell ``Ivan`` from
``ivan``; in practice none does). Sub-addresses (``ivan+news@``) are different
mailboxes and are judged so.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import unquote

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.answer_types.domain_answer import (
    MAX_ANSWER_CHARS,
    TOO_LONG,
    domain_a_label,
    strip_invisible,
)
from labkit.grading.results import Check

_NOT_AN_ADDRESS = "not an e-mail address (write e.g. ivan@example.com)"
_FORBIDDEN_IN_LOCAL = frozenset('<>()[],;:\\"@')


class EmailOptions(AnswerOptions):
    case_sensitive_local: bool = Field(
        False, description="Compare the letter case of the part before @ too (servers almost never do)."
    )


def _address_text(text: str) -> str:
    """The bare address inside ``Name <address>`` or a ``mailto:`` link."""
    text = text.strip()
    if text.endswith(">") and "<" in text:
        text = text[text.rindex("<") + 1 : -1].strip()
    if text[:7].lower() == "mailto:":
        text = unquote(text[7:]).split("?", 1)[0].strip()
    return text


def _unfit_in_local(ch: str) -> bool:
    """Characters an unquoted local part cannot hold (quoted local parts are not accepted)."""
    return ch.isspace() or ch in _FORBIDDEN_IN_LOCAL or unicodedata.category(ch)[0] == "C"


class EmailAnswer(AnswerType):
    """The same mailbox: the local part (case rule per ``case_sensitive_local``) at the same domain."""

    name = "email"
    Options = EmailOptions
    options: EmailOptions

    def parse(self, text: str) -> tuple[str, str] | str:
        """(local part, A-label domain) with the key's case rule applied, or the reason it is no address."""
        if len(text) > MAX_ANSWER_CHARS:
            return TOO_LONG
        local, at, domain = _address_text(strip_invisible(text)).rpartition("@")
        if not at or not local or len(local) > 64:
            return _NOT_AN_ADDRESS
        if any(_unfit_in_local(ch) for ch in local):
            return _NOT_AN_ADDRESS
        name = domain_a_label(domain)
        if name is None:
            return "the part after @ is not a domain name"
        local = unicodedata.normalize("NFC", local)
        return (local if self.options.case_sensitive_local else local.casefold()), name

    def expect(self, answer: Any) -> tuple[str, str]:
        parsed = self.parse(answer) if isinstance(answer, str) else None
        if not isinstance(parsed, tuple):
            raise ValueError(f"{answer!r} is not an e-mail address (write it as e.g. ivan@example.com)")
        return parsed

    def check(self, expected: tuple[str, str], given: str) -> Check:
        parsed = self.parse(given)
        if isinstance(parsed, str):
            return Check.wrong(parsed)
        local, domain = parsed
        expected_local, expected_domain = expected
        if parsed == expected:
            return Check.accepted()
        if domain == expected_domain:
            if local.casefold() == expected_local.casefold():
                return Check.wrong("letter case before @ differs (this question compares it exactly)")
            return Check.wrong("right domain, different mailbox")
        if local == expected_local:
            return Check.wrong("right mailbox name, different domain")
        return Check.wrong()

    def seal_forms(self, expected: tuple[str, str]) -> frozenset[str]:
        return frozenset({"@".join(expected)})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        parsed = self.parse(given)
        return "@".join(parsed) if isinstance(parsed, tuple) else None

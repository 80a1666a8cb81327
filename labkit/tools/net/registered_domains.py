"""The registered domain of a DNS name, and the label entropy that makes a DNS tunnel stand out.

No public-suffix download at run time: the registered domain is the last two labels,
or three under a known second-level public suffix (co.uk, com.kz, gov.kz...). That
is what a trainee needs to group ``a1b2.t.evil.co.uk`` and ``c3d4.t.evil.co.uk``.
"""

from __future__ import annotations

import math
from collections import Counter

SECOND_LEVEL_SUFFIXES = frozenset(
    {
        # Kazakhstan, Russia and neighbours
        "com.kz",
        "gov.kz",
        "edu.kz",
        "org.kz",
        "net.kz",
        "mil.kz",
        "co.kz",
        "com.ru",
        "net.ru",
        "org.ru",
        "pp.ru",
        "msk.ru",
        "spb.ru",
        "com.ua",
        "gov.ua",
        "net.ua",
        "org.ua",
        "edu.ua",
        "com.by",
        "gov.by",
        "com.uz",
        "gov.uz",
        "com.kg",
        "gov.kg",
        "com.tr",
        "gov.tr",
        "edu.tr",
        # United Kingdom and Commonwealth
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "ltd.uk",
        "plc.uk",
        "me.uk",
        "net.uk",
        "nhs.uk",
        "police.uk",
        "com.au",
        "net.au",
        "org.au",
        "edu.au",
        "gov.au",
        "co.nz",
        "org.nz",
        "govt.nz",
        "co.za",
        "org.za",
        "gov.za",
        "co.in",
        "net.in",
        "org.in",
        "gov.in",
        "ac.in",
        # Asia, Americas
        "co.jp",
        "ne.jp",
        "or.jp",
        "ac.jp",
        "go.jp",
        "co.kr",
        "or.kr",
        "com.cn",
        "net.cn",
        "org.cn",
        "gov.cn",
        "edu.cn",
        "com.hk",
        "com.tw",
        "com.sg",
        "com.my",
        "co.id",
        "co.th",
        "com.br",
        "net.br",
        "gov.br",
        "com.ar",
        "com.mx",
        "gob.mx",
        # infrastructure
        "in-addr.arpa",
        "ip6.arpa",
    }
)


def registered_domain(name: str) -> str:
    """``a.b.evil.co.uk`` -> ``evil.co.uk``; ``x.example.com`` -> ``example.com`` (lower case)."""
    labels = [label for label in name.lower().rstrip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels) or "."
    keep = 3 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def subdomain_part(name: str) -> str:
    """The labels left of the registered domain, without dots (what a tunnel encodes data in)."""
    labels = [label for label in name.lower().rstrip(".").split(".") if label]
    kept = len(registered_domain(name).split(".")) if labels else 0
    return "".join(labels[: len(labels) - kept])


def shannon_entropy(text: str) -> float:
    """Bits per character; English host names score about 2.5-3.5, base32/hex data about 4-5."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    # sum of p*log2(1/p): never negative (a single repeated character gives 0.0, not -0.0)
    return sum(count / total * math.log2(total / count) for count in counts.values())

"""Cyrillic (Russian and Kazakh) to ASCII: the one table for every generated identifier.

Scenario user names (:mod:`labkit.scenario.variables`) and the e-mail addresses in
planted office documents (:mod:`labkit.evidence.documents.office_facts`) both use it,
so "Құдайбергенов" is spelt the same way in a login and in a letterhead.
"""

from __future__ import annotations

# fmt: off
_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}
# fmt: on


def to_ascii(text: str) -> str:
    """Transliterate Cyrillic letters; keep ASCII letters, digits, '.', '-' and '_'."""
    out = []
    for char in text.lower():
        if char in _TABLE:
            out.append(_TABLE[char])
        elif char.isascii() and (char.isalnum() or char in ".-_"):
            out.append(char)
    return "".join(out)

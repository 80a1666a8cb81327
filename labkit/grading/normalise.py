"""Text normalisation shared by the answer types, so "equal" means one thing everywhere."""

from __future__ import annotations

import unicodedata


def collapse_whitespace(text: str) -> str:
    """Trim and reduce every run of Unicode whitespace (NBSP, tabs, newlines) to one space."""
    return " ".join(text.split())


def fold_text(text: str, *, case_sensitive: bool = False) -> str:
    """NFKC, collapsed whitespace and (unless told otherwise) casefolding.

    NFKC makes full-width digits, ligatures and composed/decomposed letters
    compare equal; casefold handles more than ``lower()`` (German sharp s, Kazakh
    and Russian letters alike).
    """
    text = collapse_whitespace(unicodedata.normalize("NFKC", text))
    return text if case_sensitive else text.casefold()


def remove_characters(text: str, characters: str) -> str:
    """``text`` without any whitespace and without any of ``characters``."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in characters)

"""Choosing the text to show from a per-language dict (prompts, feedback, titles)."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")
FALLBACK_LANGUAGE = "en"


def pick_text(texts: Mapping[str, str], lang: str) -> str:
    """Return ``texts[lang]``, else English, else the first language in sorted order.

    Scenario authors may not translate everything; a trainee reading Kazakh still
    sees the English prompt rather than nothing. Sorting keeps the choice deterministic.
    """
    if texts.get(lang):
        return texts[lang]
    if texts.get(FALLBACK_LANGUAGE):
        return texts[FALLBACK_LANGUAGE]
    for code in sorted(texts):
        if texts[code]:
            return texts[code]
    return ""

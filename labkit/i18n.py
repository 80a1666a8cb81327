"""Human-facing text in several languages.

Scenario texts (title, briefing, prompts, hints, feedback) are either a plain
string or a mapping of language code to string; ``pick`` chooses one, falling
back to English, then to any language present.
"""

from __future__ import annotations

from collections.abc import Mapping

SUPPORTED_LANGUAGES = ("en", "ru", "kk")
FALLBACK_LANGUAGE = "en"

LocalizedText = str | Mapping[str, str]


def as_mapping(text: LocalizedText | None) -> dict[str, str]:
    """Normalise a localized text to a language -> string mapping."""
    if text is None:
        return {}
    if isinstance(text, str):
        return {FALLBACK_LANGUAGE: text}
    return dict(text)


def pick(text: LocalizedText | None, lang: str) -> str:
    """The text in ``lang``, else English, else the first language given, else ''."""
    mapping = as_mapping(text)
    for candidate in (lang, FALLBACK_LANGUAGE):
        if mapping.get(candidate):
            return mapping[candidate]
    return next(iter(mapping.values()), "")

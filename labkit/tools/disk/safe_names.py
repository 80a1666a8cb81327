"""Turn names found in evidence into names that are safe to create on the examiner's disk.

An image is hostile input: its directory entries can hold ``..``, ``/``, NUL, control
and bidi characters, Windows device names or 255 UTF-16 units. Every component is
rewritten so it can only ever name one new entry inside the output directory, and
names that collide after rewriting (or differ only in case) get `` (2)``, `` (3)``...
"""

from __future__ import annotations

import unicodedata

MAX_COMPONENT_BYTES = 200  # well under NAME_MAX (255), leaving room for " (n)" and temp names
_FORBIDDEN = set('/\\:*?"<>|')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{n}" for n in range(10)),
    *(f"LPT{n}" for n in range(10)),
    "COM¹",
    "COM²",
    "COM³",
    "LPT¹",
    "LPT²",
    "LPT³",
}


def sanitise_component(name: str) -> str:
    """One path component made safe; never empty, never ``.``/``..``, never containing a separator."""
    name = unicodedata.normalize("NFC", name)
    cleaned = "".join("_" if _is_unsafe(character) else character for character in name)
    cleaned = cleaned.rstrip(" .")  # Windows drops these silently, creating collisions
    if not cleaned:  # "", ".", "..", "   " all end up here
        cleaned = "_" * min(max(len(name), 1), 8)
    if cleaned.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return _shorten(cleaned, MAX_COMPONENT_BYTES)


def _is_unsafe(character: str) -> bool:
    if character in _FORBIDDEN:
        return True
    category = unicodedata.category(character)
    # Cc: control (NUL, ESC, DEL...); Cf: format (bidi overrides, zero-width); Cs: lone surrogates
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _shorten(name: str, limit: int) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode("utf-8")) > 16 or not stem:
        stem, suffix, dot = name, "", ""
    room = limit - len((dot + suffix).encode("utf-8")) - 1
    truncated = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f"{truncated}~{dot}{suffix}"


class NameRegistry:
    """Names already given out in one output directory (case-insensitively, as on Windows/macOS)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, name: str) -> str:
        """``name`` or the first free ``name (n).ext``."""
        candidate = name
        number = 2
        while candidate.casefold() in self._taken:
            stem, dot, suffix = name.rpartition(".")
            if not dot or not stem:
                stem, dot, suffix = name, "", ""
            candidate = f"{stem} ({number}){dot}{suffix}"
            number += 1
        self._taken.add(candidate.casefold())
        return candidate

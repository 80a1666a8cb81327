"""Message digests as tools print them: any case, grouped with spaces, colons or dashes."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.normalise import remove_characters
from labkit.grading.results import Check

#: Hex digits per algorithm, and the name examiners know it by.
DIGEST_LENGTHS: dict[str, int] = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
DISPLAY_NAMES: dict[str, str] = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
_ALGORITHM_BY_LENGTH = {length: algorithm for algorithm, length in DIGEST_LENGTHS.items()}
_HEX_DIGITS = frozenset("0123456789abcdef")
#: A run of hex digits, possibly grouped by ':' or '-' ("AB:CD:..."); linear, no backtracking.
_HEX_RUN = re.compile(r"[0-9A-Fa-f]+(?:[:\-][0-9A-Fa-f]+)*")
#: Longer answers are not searched for a digest in a sentence (a pasted file, not an answer).
MAX_SENTENCE_CHARS = 4096


class HashOptions(AnswerOptions):
    algorithm: Literal["md5", "sha1", "sha256", "sha512"] | None = Field(
        None, description="Digest algorithm; inferred from the expected answer's length when absent."
    )


def normalise_digest(text: str) -> str:
    """Lower-case hex with the grouping separators and an optional 0x prefix removed."""
    digest = remove_characters(text, ":-").lower()
    return digest[2:] if digest.startswith("0x") else digest


def _is_hex(text: str) -> bool:
    return bool(text) and set(text) <= _HEX_DIGITS


def _digest_in(text: str) -> str | None:
    """The digest in an answer: the whole of it, the hex word of a pasted tool line, or the one digest
    of a sentence; None when there is none, or more than one different digest.

    ``sha256sum`` prints ``<digest>  <file>`` and BSD tools ``SHA256 (<file>) = <digest>``;
    trainees paste both, and some answer in a sentence ("<md5>, and the media matches").
    """
    found = _digests_in(text)
    return found[0] if len(found) == 1 else None


def _digests_in(text: str) -> list[str]:
    """Every different digest-length hex run of ``text`` (the whole answer when it is one)."""
    whole = normalise_digest(text)
    if _is_hex(whole):
        return [whole]
    runs: list[str] = []
    if len(text) <= MAX_SENTENCE_CHARS:
        for run in _HEX_RUN.findall(text):
            candidate = normalise_digest(run)
            if len(candidate) in _ALGORITHM_BY_LENGTH and candidate not in runs:
                runs.append(candidate)
        if runs:
            return runs
    words = text.split()  # a long pasted tool line: its first or last word
    for word in (words[0], words[-1]) if len(words) > 1 else ():
        candidate = normalise_digest(word)
        if len(candidate) in _ALGORITHM_BY_LENGTH and _is_hex(candidate):
            return [candidate]
    return []


class HashAnswer(AnswerType):
    """Equal digests; a wrong-length answer is told which algorithm it looks like."""

    name = "hash"
    Options = HashOptions
    options: HashOptions

    def expect(self, answer: Any) -> tuple[str, str]:
        if not isinstance(answer, str):
            raise ValueError("a hash answer must be a string of hex digits")
        digest = normalise_digest(answer)
        if not _is_hex(digest):
            raise ValueError(f"{answer!r} is not a hexadecimal digest")
        algorithm = self.options.algorithm or _ALGORITHM_BY_LENGTH.get(len(digest))
        if algorithm is None or DIGEST_LENGTHS[algorithm] != len(digest):
            wanted = DISPLAY_NAMES.get(algorithm or "", "known")
            raise ValueError(f"{len(digest)} hex digits is not a {wanted} digest")
        return digest, algorithm

    def check(self, expected: tuple[str, str], given: str) -> Check:
        digest, algorithm = expected
        found = _digests_in(given)
        if len(found) > 1:
            return Check.wrong(f"{len(found)} different digests given; give one")
        candidate = found[0] if found else None
        if candidate is None:
            return Check.wrong("not a hexadecimal digest")
        if len(candidate) != len(digest):
            wanted = DISPLAY_NAMES[algorithm]
            looks_like = _ALGORITHM_BY_LENGTH.get(len(candidate))
            if looks_like:
                detail = f"{len(candidate)} hex digits looks like {DISPLAY_NAMES[looks_like]}"
            else:
                detail = f"{len(candidate)} hex digits, expected {len(digest)}"
            return Check.wrong(f"not a {wanted} ({detail})")
        return Check.accepted() if candidate == digest else Check.wrong()

    def seal_forms(self, expected: tuple[str, str]) -> frozenset[str]:
        return frozenset({expected[0]})

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        if isinstance(given, tuple):
            given = given[0] if len(given) == 1 else ""
        return _digest_in(given)

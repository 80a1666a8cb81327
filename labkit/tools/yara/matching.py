"""Run compiled rules over one object's bytes, whole or in overlapping windows, each hit reported once.

yara matches a buffer held in memory. An object up to :data:`WHOLE_LIMIT` bytes is matched
whole, so conditions on ``filesize``, ``$a at 0`` or ``#a > 3`` mean what they say. A larger
object (a big file, physical memory) is matched in windows of :data:`WINDOW` bytes that
overlap by :data:`OVERLAP`, so memory stays bounded: a string up to OVERLAP bytes long that
crosses a window border lies whole in the next window and is found; an occurrence seen in
two windows is reported once (deduplicated by rule, string and offset). Conditions are then
evaluated per window, as volatility's yarascan does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yara

from labkit.tools.yara.results import PageOwner, RuleMatch, StringHit

WHOLE_LIMIT = 64 * 1024 * 1024
WINDOW = 16 * 1024 * 1024
OVERLAP = 64 * 1024
MATCH_DATA_LIMIT = 64


@dataclass
class HitBudget:
    """How many string hits may still be reported, over the whole scan (``--max``)."""

    remaining: int
    reached: bool = False

    def take(self) -> bool:
        if self.remaining <= 0:
            self.reached = True
            return False
        self.remaining -= 1
        return True


@dataclass
class _RuleHits:
    rule: str
    namespace: str
    tags: tuple[str, ...]
    meta: dict[str, object]
    hits: dict[tuple[str, int], tuple[int, bytes]] = field(default_factory=dict)


class ObjectMatches:
    """The matches of every rule over one object, gathered window by window."""

    def __init__(self, rules: yara.Rules, budget: HitBudget) -> None:
        self._rules = rules
        self._budget = budget
        self._by_rule: dict[tuple[str, str], _RuleHits] = {}
        self.warnings: list[str] = []

    @property
    def full(self) -> bool:
        return self._budget.reached

    def match(self, data: bytes, base: int = 0) -> None:
        """Match ``data``, which starts at ``base`` in the object."""
        for found in self._rules.match(data=data, warnings_callback=self._warning):
            key = (found.namespace, found.rule)
            entry = self._by_rule.get(key)
            if entry is None:
                entry = self._by_rule[key] = _RuleHits(
                    found.rule, found.namespace, tuple(found.tags), dict(found.meta)
                )
            for string in found.strings:
                for instance in string.instances:
                    self._add(entry, string.identifier, base + instance.offset, instance)

    def match_object(self, pieces: Iterable[bytes], size: int, base: int = 0) -> int:
        """Match an object of ``size`` bytes given piece by piece: whole if small enough, else in windows."""
        if size <= WHOLE_LIMIT:
            data = b"".join(pieces)
            self.match(data, base)
            return len(data)
        return self.match_windows(pieces, base)

    def match_windows(self, pieces: Iterable[bytes], base: int = 0) -> int:
        """Match a long run of bytes given piece by piece; returns how many bytes it had."""
        buffer = bytearray()
        start = base
        matched_any = False
        for piece in pieces:
            buffer += piece
            while len(buffer) >= WINDOW + OVERLAP and not self.full:
                self.match(bytes(buffer[: WINDOW + OVERLAP]), start)
                matched_any = True
                del buffer[:WINDOW]
                start += WINDOW
            if self.full:
                return start - base + len(buffer)
        if buffer or not matched_any:
            self.match(bytes(buffer), start)
        return start - base + len(buffer)

    def results(
        self,
        frame_of: Callable[[int], int | None] | None = None,
        owners_of: Callable[[int], tuple[PageOwner, ...]] | None = None,
    ) -> list[RuleMatch]:
        """Rules in the order of their first hit (then namespace and name); hits by offset."""
        matches = []
        for entry in self._by_rule.values():
            hits = tuple(
                StringHit(
                    identifier,
                    offset,
                    length,
                    data,
                    frame_of(offset) if frame_of else None,
                    owners_of(offset) if owners_of else (),
                )
                for (identifier, offset), (length, data) in sorted(
                    entry.hits.items(), key=lambda item: (item[0][1], item[0][0])
                )
            )
            matches.append(RuleMatch(entry.rule, entry.namespace, entry.tags, entry.meta, hits))
        first = {id(match): match.strings[0].offset if match.strings else -1 for match in matches}
        return sorted(matches, key=lambda match: (first[id(match)], match.namespace, match.rule))

    def _add(
        self, entry: _RuleHits, identifier: str, offset: int, instance: yara.StringMatchInstance
    ) -> None:
        key = (identifier, offset)
        known = entry.hits.get(key)
        if known is not None:
            if instance.matched_length > known[0]:  # cut short at a window's end the first time
                entry.hits[key] = (instance.matched_length, bytes(instance.matched_data[:MATCH_DATA_LIMIT]))
            return
        if self._budget.take():
            entry.hits[key] = (instance.matched_length, bytes(instance.matched_data[:MATCH_DATA_LIMIT]))

    def _warning(self, kind: int, detail: object) -> int:
        if kind == yara.CALLBACK_TOO_MANY_MATCHES:
            rule, string = getattr(detail, "rule", "?"), getattr(detail, "string", "?")
            message = (
                f"rule {rule} ({getattr(detail, 'namespace', '?')}): string {string} has too many "
                "matches; yara stopped recording them (make the string more specific)"
            )
            if message not in self.warnings:
                self.warnings.append(message)
        return yara.CALLBACK_CONTINUE

"""Windowed matching finds what one whole-buffer yara-python match finds, each hit once."""

from __future__ import annotations

import random

import pytest
import yara

from labkit.tools.yara import matching
from labkit.tools.yara.matching import HitBudget, ObjectMatches

RULES = yara.compile(
    source="""
rule marker { strings: $m = "WINDOW-BORDER-MARKER" $n = /ID-[0-9]{6}/ condition: any of them }
rule wide_hex { strings: $h = { DE AD BE EF [2-8] CA FE } condition: $h }
"""
)


def whole(data: bytes) -> set[tuple[str, str, int]]:
    """The independent answer: yara-python over the whole buffer at once."""
    return {
        (match.rule, string.identifier, instance.offset)
        for match in RULES.match(data=data)
        for string in match.strings
        for instance in string.instances
    }


def found(matches: ObjectMatches, base: int = 0) -> set[tuple[str, str, int]]:
    return {(m.rule, hit.identifier, hit.offset - base) for m in matches.results() for hit in m.strings}


@pytest.fixture()
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "WHOLE_LIMIT", 1000)
    monkeypatch.setattr(matching, "WINDOW", 4096)
    monkeypatch.setattr(matching, "OVERLAP", 64)


def sample() -> bytes:
    data = bytearray(random.Random(7).randbytes(50_000))
    # windows start every 4096 bytes and run 64 bytes into the next: 4085 crosses a window start,
    # 4130 lies in two windows, 4155 crosses a window's end
    for offset in (0, 4085, 4130, 8180, 12_000, 49_980):
        data[offset : offset + 20] = b"WINDOW-BORDER-MARKER"
    for offset in (100, 4155, 20_475):
        data[offset : offset + 9] = b"ID-123456"
    data[16_380:16_390] = b"\xde\xad\xbe\xef\x00\x00\x00\x00\xca\xfe"
    return bytes(data)


def test_windows_find_every_hit_once_across_borders(small_windows: None) -> None:
    data = sample()
    matches = ObjectMatches(RULES, HitBudget(10_000))
    pieces = (data[i : i + 777] for i in range(0, len(data), 777))  # pieces unrelated to windows
    assert matches.match_object(pieces, len(data), base=0x1000) == len(data)
    results = matches.results()
    offsets = [hit.offset for m in results for hit in m.strings]
    assert len(offsets) == len(set(offsets))  # each occurrence reported once
    assert found(matches, 0x1000) == whole(data) and len(whole(data)) == 10


def test_small_object_is_matched_whole_so_filesize_conditions_hold() -> None:
    rules = yara.compile(
        source='rule small { condition: filesize == 5 } rule at0 { strings: $a = "ab" condition: $a at 0 }'
    )
    matches = ObjectMatches(rules, HitBudget(10))
    matches.match_object(iter([b"ab", b"cde"]), 5)
    assert {m.rule for m in matches.results()} == {"small", "at0"}


def test_budget_stops_reporting_and_says_so() -> None:
    data = b"ID-000001 " * 50
    budget = HitBudget(7)
    matches = ObjectMatches(RULES, budget)
    matches.match(data)
    assert budget.reached and sum(len(m.strings) for m in matches.results()) == 7


def test_hit_data_is_capped_and_offsets_sorted() -> None:
    rules = yara.compile(source="rule long { strings: $a = /A{100}/ condition: $a }")
    matches = ObjectMatches(rules, HitBudget(100))
    matches.match(b"x" * 10 + b"A" * 100)
    ((match,),) = [matches.results()]
    (hit,) = match.strings
    assert (hit.offset, hit.length, hit.data) == (10, 100, b"A" * matching.MATCH_DATA_LIMIT)

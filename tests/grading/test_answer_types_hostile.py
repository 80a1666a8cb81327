"""No answer can crash the grader or keep it busy: every answer type against hostile input.

The answer-sheet reader's own defences (nesting, aliases, tags, duplicate keys,
encodings, the 1 MiB cap, seeded byte mutations) are tested in
``tests/grading/test_sheet_reader.py`` through ``load_answer_sheet``; here the
same kinds of file go through the public ``grade_files`` with a real key, and
hostile *values* go through ``check_answer`` for every registered answer type.
The time bounds are guards against catastrophic regex backtracking and
quadratic loops, not benchmarks.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest

from labkit.errors import AnswerSheetError
from labkit.grading import answer_type_names, check_answer, get_answer_type, grade_files
from labkit.key import AnswerKey, KeyQuestion

SECONDS_PER_CALL = 2.0
SECONDS_PER_SHEET = 5.0

# One realistic key question per answer type: (expected answer, options).
SAMPLES: dict[str, tuple[Any, dict[str, Any]]] = {
    "address": ("0x7f9026c49000", {}),
    "bytesize": (45056, {"tolerance": 16}),
    "choice": ("ext4", {"choices": ["FAT32", "NTFS", "ext4", "exFAT"]}),
    "datetime": ("2026-03-14T10:03:12+05:00", {"tolerance_seconds": 2, "timezone": "Asia/Almaty"}),
    "domain": ("bücher.example", {"subdomains": True}),
    "email": ("Ivan.Petrov@bücher.example", {}),
    "hash": ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", {}),
    "integer": (45056, {"tolerance": 2}),
    "ip": ("10.1.2.0/24", {}),
    "list": (["10.1.2.3", "2001:db8::1", "10.1.2.9"], {"item": "ip"}),
    "mac": ("00:1b:44:11:3a:b7", {}),
    "number": ("3.14", {"tolerance": 0.01, "relative_tolerance": 0.001}),
    "path": ("/Бухгалтерия/платежи_2465.xlsx", {"alternatives": ["/BUHGAL~1/PLATEZ~1.XLS"]}),
    "port": (443, {"protocol": "tcp"}),
    "rubric": (
        "The ledger left on a USB stick.",
        {"keywords": [{"any": ["USB", "флешк*"], "weight": 2}, {"any": ["exfiltration"]}], "min_words": 2},
    ),
    "serial": ("0F0E-0E5B", {}),
    "set": (
        ["2026-03-14T10:03:12+05:00", "2026-03-14T11:20:00+05:00"],
        {"item": "datetime", "item_options": {"tolerance_seconds": 2}},
    ),
    "text": ("Kingston DataTraveler", {"alternatives": ["Kingston DT"]}),
}

MB = 1_000_000
HOSTILE: dict[str, str | tuple[str, ...]] = {
    "1 MB of digits": "7" * MB,
    "1 MB of 9s grouped by spaces": "9" + " 999" * (MB // 4),
    "1 MB of 9s grouped by commas": "9" + ",999" * (MB // 4),
    "1 MB of 9s grouped by dots": "9" + ".999" * (MB // 4),
    "1 MB of 9s and colons": "99:" * (MB // 3),
    "1 MB of 9s and dashes": "9-" * (MB // 2),
    "digits, spaces, then a letter": "1" + " " * MB + "x",
    "a time then 1 MB of spaces and junk": "2026-03-14 10:03:12" + " " * MB + "@",
    "nested-looking parentheses": "(" * MB,
    "nested-looking brackets": "[" * (MB // 2) + "]" * (MB // 2),
    "IPv6-looking colons": "::" * (MB // 2),
    "domain-looking dots": "a." * (MB // 2),
    "many at signs": "a@" * (MB // 2),
    "a hex prefix and 1 MB of hex": "0x" + "f" * MB,
    "slashes": "/" * MB,
    "backslashes": "\\" * MB,
    "combining accents": "e\u0301" * (MB // 2),
    "newlines": "\n" * MB,
    "commas": "," * MB,
    "punycode prefixes": "xn--" * (MB // 4),
    "100k identical items": tuple(["10.1.2.3"] * 100_000),
    "100k distinct items": tuple(str(i) for i in range(100_000)),
    "100k empty items": tuple([""] * 100_000),
    "NUL bytes": "\x00" * 1000,
    "a right-looking answer with a NUL": "10.1.2.3\x00",
    "control characters": "".join(chr(c) for c in range(32)) + "\x7f\x9b",
    "binary junk": bytes(random.Random(5).randbytes(4096)).decode("latin-1"),
    "a lone high surrogate": "\ud800",
    "lone surrogates around text": "\udfff45056\ud800",
    "RTL override": "\u202e3.2.1.01",
    "RTL override around an address": "\u202e10.1.2.3\u202c",
    "a huge exponent": "1e999999",
    "a tiny exponent": "1e-999999",
    "NaN": "NaN",
    "inf": "inf",
    "-inf": "-inf",
    "minus zero": "-0",
    "an empty list": (),
    "a list of hostile items": ("\ud800", "(" * 10_000, "1e999999", "\x00"),
}


def key_question(answer_type: str, question_id: str = "q1", points: float = 3) -> KeyQuestion:
    answer, options = SAMPLES[answer_type]
    return KeyQuestion.model_validate(
        {
            "id": question_id,
            "type": answer_type,
            "answer": answer,
            "points": points,
            "medium": "disk",
            "options": options,
        }
    )


def test_every_registered_type_has_a_sample() -> None:
    assert sorted(SAMPLES) == answer_type_names()


def test_the_samples_are_graded_right() -> None:
    """The samples are valid keys: the expected answer itself earns full credit (or goes to review)."""
    for name, (answer, _options) in SAMPLES.items():
        given = "The ledger left on a USB stick, exfiltration." if name == "rubric" else answer
        verdict = check_answer(key_question(name), given)
        assert verdict.points == verdict.max_points, (name, verdict.reason)
        assert verdict.review == (name == "rubric")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_hostile_answers_get_a_bounded_verdict_quickly(name: str) -> None:
    question = key_question(name)
    for label, given in HOSTILE.items():
        started = time.perf_counter()
        verdict = check_answer(question, given)
        elapsed = time.perf_counter() - started
        assert elapsed < SECONDS_PER_CALL, f"{name} took {elapsed:.2f} s on {label}"
        assert 0.0 <= verdict.points <= verdict.max_points, (name, label, verdict)
        assert verdict.status in ("correct", "partial", "wrong", "unanswered"), (name, label)
        assert isinstance(verdict.reason, str) and len(verdict.reason) < 500, (name, label)
        assert verdict.review == (name == "rubric" and verdict.status != "unanswered"), (name, label)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_hostile_answers_read_for_the_self_check_quickly(name: str) -> None:
    """``labkit check`` and the collusion check read answers with ``seal_form``: bounded, never raising."""
    answer_type_class = get_answer_type(name)
    assert answer_type_class is not None
    _answer, options = SAMPLES[name]
    reader = answer_type_class(answer_type_class(options).public_options())
    for label, given in HOSTILE.items():
        if not given:
            continue
        started = time.perf_counter()
        form = reader.seal_form(given)
        elapsed = time.perf_counter() - started
        assert elapsed < SECONDS_PER_CALL, f"{name} took {elapsed:.2f} s on {label}"
        assert form is None or isinstance(form, str), (name, label)


def write_key(tmp_path: Path) -> Path:
    questions = [key_question(name, f"q_{name}") for name in sorted(SAMPLES)]
    key = AnswerKey(scenario="hostile", seed=1, questions=questions)
    path = tmp_path / "key.json"
    path.write_text(key.to_json(), encoding="utf-8")
    return path


def test_a_sheet_full_of_hostile_answers_grades_end_to_end(tmp_path: Path) -> None:
    """~50 KB of a different hostile value per question, under the sheet's 1 MiB cap, through grade_files."""
    values = ["9 999" * 10_000, "(" * 50_000, "::" * 25_000, "a." * 25_000, "1" + " " * 50_000 + "x"]
    lines = []
    for index, name in enumerate(sorted(SAMPLES)):
        value = values[index % len(values)].replace("'", "''")
        lines.append(f"q_{name}: '{value}'")
    sheet = tmp_path / "answers.yaml"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    result = grade_files(write_key(tmp_path), sheet)
    assert time.perf_counter() - started < SECONDS_PER_SHEET * 2
    assert len(result.verdicts) == len(SAMPLES)
    assert all(0 <= v.points <= v.max_points for v in result.verdicts)
    assert 0 <= result.total <= result.max_points


# (content, what the one-line error must say)
SHEETS: dict[str, tuple[bytes, str]] = {
    # One enormous line rather than test_sheet_reader's many short ones: refused at the cap, unread.
    "10 MB on one line": (b"q_text: " + b"9" * (10 * 1024 * 1024), ":1: file is larger than 1024 KiB"),
    "10,000 levels of block sequences": (
        b"q_list:\n  " + b"- " * 10_000 + b"x\n",
        ":2:5: q_list: a list answer may hold only plain values",
    ),
    "10,000 levels of flow mappings": (
        b"q_text: " + b"{a: " * 10_000 + b"}" * 10_000 + b"\n",
        ":1:9: q_text: an answer cannot contain 'name: value' pairs",
    ),
    "10,000 levels of mixed flow nesting": (
        b"q_set: " + b"[{a: " * 5_000 + b"}]" * 5_000 + b"\n",
        ":1:9: q_set: a list answer may hold only plain values",
    ),
    "random binary junk": (random.Random(20260314).randbytes(200_000), ":1:3: not UTF-8 text"),
    "an ELF header (valid UTF-8)": (
        b"\x7fELF\x02\x01\x01" + bytes(4096),
        ":1:1: contains the invisible character",
    ),
    "a valid start, then junk": (
        b"q_text: Kingston DT\nq_integer: 45056\n" + bytes(range(256)) * 8,
        ":4:118: not UTF-8 text",
    ),
}


@pytest.mark.parametrize(("content", "what"), SHEETS.values(), ids=list(SHEETS))
def test_hostile_sheets_raise_one_located_error_quickly(tmp_path: Path, content: bytes, what: str) -> None:
    key = write_key(tmp_path)
    sheet = tmp_path / "answers.yaml"
    sheet.write_bytes(content)
    started = time.perf_counter()
    with pytest.raises(AnswerSheetError) as caught:
        grade_files(key, sheet)
    assert time.perf_counter() - started < SECONDS_PER_SHEET
    message = caught.value.one_line()
    assert message.startswith(f"{sheet}{what}"), message
    assert "\n" not in message and len(message) < 300
    assert caught.value.exit_code == 2

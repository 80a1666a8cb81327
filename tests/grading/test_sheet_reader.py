"""Reading answer sheets, including every kind of hostile input: one located error, never a crash."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from labkit.errors import AnswerSheetError
from labkit.grading.sheet import MAX_SHEET_BYTES, load_answer_sheet, parse_answer_sheet


def test_values_stay_as_typed() -> None:
    sheet = parse_answer_sheet(
        b"# comment\nq1: no\nq2: 0xB000\nq3: 2026-03-14 10:03:12\nq4: 012\nq5: 'quoted: yes'\n"
        b"q6:\nq7: ~\nq8: [a, b]\nq9:\n  - C:\\Users\\x\n  - ''\nq10: \"\"\n"
    )
    values = {qid: answer.value for qid, answer in sheet.answers.items()}
    assert values == {
        "q1": "no",
        "q2": "0xB000",
        "q3": "2026-03-14 10:03:12",
        "q4": "012",
        "q5": "quoted: yes",
        "q6": None,
        "q7": None,
        "q8": ("a", "b"),
        "q9": ("C:\\Users\\x", ""),
        "q10": "",
    }
    assert sheet.answers["q9"].cleaned == ("C:\\Users\\x",)
    assert sheet.answers["q10"].cleaned is None
    assert [a.line for a in sheet.answers.values()][:3] == [2, 3, 4]


def test_a_sheet_filled_in_as_a_form_is_read_line_by_line() -> None:
    """Not YAML, but every line is 'id: answer': a right answer must not cost the trainee the practical."""
    text = (
        "# labkit answer sheet\n# case: 1e8302ae57\n"
        "q1: 46D85C29327826B57E8ED57BBECFAAF5\n"
        'q3: "E:\\Бухгалтерия\\платежи_2229.xlsx"\n'  # an unknown escape to YAML
        "q9: Halyk online: g.qasymova / Tiger2000$\n"  # 'mapping values are not allowed here'
        "q10:\n"
        "q11:\n  - 10.0.0.7\n  - '10.0.0.9'\n"
        "q12: [a.example, b.example]\n"
        "q13: 'it''s: fine'\n"
    )
    sheet = parse_answer_sheet(text.encode(), file="answers.yaml")
    assert {qid: (a.value, a.line) for qid, a in sheet.answers.items()} == {
        "q1": ("46D85C29327826B57E8ED57BBECFAAF5", 3),
        "q3": ("E:\\Бухгалтерия\\платежи_2229.xlsx", 4),
        "q9": ("Halyk online: g.qasymova / Tiger2000$", 5),
        "q10": (None, 6),
        "q11": (("10.0.0.7", "10.0.0.9"), 7),
        "q12": (("a.example", "b.example"), 10),
        "q13": ("it's: fine", 11),
    }
    assert sheet.note == "not valid YAML (line 4: found unknown escape character 'Б'); read line by line"
    assert parse_answer_sheet(b"q1: x\n").note is None
    twice = r"s\.yaml:2: question 'q1' is answered twice \(lines 1 and 2\)"
    with pytest.raises(AnswerSheetError, match=twice):
        parse_answer_sheet(b"q1: a: b\nq1: c\n", file="s.yaml")


def test_bom_crlf_and_utf16_are_read() -> None:
    assert parse_answer_sheet("\ufeffq1: x\r\nq2: y\r\n".encode()).answers["q2"].line == 2
    assert parse_answer_sheet("q1: Алматы\n".encode("utf-16")).answers["q1"].value == "Алматы"


def billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


# (case, content, expected "file:line[:column]: message" fragments)
HOSTILE: list[tuple[str, bytes, str, str]] = [
    ("not utf-8", b"q1: ok\nq2: caf\xe9\n", ":2:8:", "not UTF-8 text"),
    ("binary junk", bytes(range(256)) * 64, ":2:", "not UTF-8 text"),
    ("nul bytes", b"q1: ok\nq2: a\x00b\n", ":2:6:", "invisible character U+0000"),
    ("deep flow nesting", b"q1: " + b"[" * 200_000 + b"]" * 200_000, ":1:6:", "only plain values"),
    ("deep top nesting", b"[" * 200_000, ":1:1:", "lines of 'question id: answer'"),
    (
        "deep block nesting",
        "".join(" " * i + f"k{i}:\n" for i in range(1000)).encode(),
        ":2:2:",
        "cannot contain",
    ),
    ("billion laughs", billion_laughs(), ":1:4:", "anchors (&name) are not allowed"),
    ("alias", b"q1: *.docx\n", ":1:5:", "aliases (*name) are not allowed"),
    ("tag", b"q1: !important\n", ":1:5:", "tags (!name) are not allowed"),
    ("tab indentation", b"q1: x\n\tq2: y\n", ":2:1:", "replace the tab with spaces"),
    ("duplicate keys", b"q1: a\nq2: b\nq1: c\n", ":3:1:", "answered twice (lines 1 and 3)"),
    ("top level list", b"- a\n- b\n", ":1:1:", "lines of 'question id: answer'"),
    ("top level scalar", b"just some text\n", ":1:1:", "lines of 'question id: answer'"),
    ("empty file", b"", ":1:", "has no answers"),
    ("only comments", b"# q1: ?\n", ":1:", "has no answers"),
    ("two documents", b"q1: a\n---\nq2: b\n", ":2:1:", "more than one YAML document"),
    # Neither YAML nor lines of 'id: answer' (a line of prose): the YAML error stands.
    ("colon in answer", b"q1: note: x\nsee my report\n", ":1:9:", "put the answer in quotes"),
    ("unclosed quote", b"q1: ok\nq2: 'abc\nmy notes\n", ":2:5:", "quote is not closed"),
    ("mapping answer", b"q1:\n  a: b\n", ":2:3:", "cannot contain 'name: value' pairs"),
    ("too many answers", "".join(f"q{i}: x\n" for i in range(5000)).encode(), ":2001:", "more than 2000"),
    ("huge list", b"q1: [" + b"a," * 300_000 + b"]\n", ":1:", "more than 1000 values"),
]


@pytest.mark.parametrize(("content", "where", "what"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_sheets_give_one_located_error(tmp_path: Path, content: bytes, where: str, what: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    started = time.monotonic()
    with pytest.raises(AnswerSheetError) as caught:
        load_answer_sheet(path)
    assert time.monotonic() - started < 5
    message = caught.value.one_line()
    assert message.startswith(f"{path}{where}"), message
    assert what in message
    assert "\n" not in message and len(message) < 300
    assert caught.value.exit_code == 2


def test_a_10_mb_file_is_refused_after_reading_only_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_bytes(b"q1: x\n" * (10 * 1024 * 1024 // 6))
    with pytest.raises(AnswerSheetError, match=r"answers\.yaml:174763: file is larger than 1024 KiB"):
        load_answer_sheet(path)
    assert MAX_SHEET_BYTES // 6 + 1 == 174763


def test_missing_and_non_regular_files(tmp_path: Path) -> None:
    with pytest.raises(AnswerSheetError, match="file not found"):
        load_answer_sheet(tmp_path / "nope.yaml")
    with pytest.raises(AnswerSheetError, match="not a regular file"):
        load_answer_sheet(tmp_path)
    with pytest.raises(AnswerSheetError, match="not a regular file"):
        load_answer_sheet("/dev/zero")


def test_seeded_mutations_never_escape_as_other_exceptions() -> None:
    """Byte-level mutations of a real sheet: each parses or raises AnswerSheetError, nothing else."""
    base = b"# labkit\nq1: 45 056\nq2: [a, 'b']\nq3:\n  - x\nq4: \"C:\\\\x\"\nq5: 14.03.2026 10:03\n"
    alphabet = b"\x00\t\n\r :-[]{}&*!|>'\"#%@`?,\xff\xc3\xa9"
    rng = random.Random(20260314)
    for _ in range(400):
        data = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.choice(alphabet)
        try:
            parse_answer_sheet(bytes(data), file="answers.yaml")
        except AnswerSheetError as exc:
            assert exc.line is not None


def test_a_lone_surrogate_escape_is_a_located_error() -> None:
    """"\\ud800" parses as YAML but no report, terminal or gradebook can carry it."""
    with pytest.raises(AnswerSheetError, match=r"s\.yaml:2: q2: an escape names half a character"):
        parse_answer_sheet(b'q1: x\nq2: ["a", "\\udfff"]\n', file="s.yaml")

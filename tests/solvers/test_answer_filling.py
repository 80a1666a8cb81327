"""Filling answers.yaml: every value reads back exactly, with ruamel and with labkit's own reader."""

from __future__ import annotations

import stat
from pathlib import Path

from ruamel.yaml import YAML

from labkit.grading import load_answer_sheet
from labkit.solvers.answer_filling import fill_answer_sheet, write_answer_sheet

SHEET = """# labkit answer sheet: test
# q1: a path?
q1:
# q2: a note?
q2:   # trainee's comment
# q3: already answered
q3: old
"q 4":
"""

TRICKY = {
    "q1": 'C:\\Users\\x\\"quoted" #not a comment: yes',
    "q2": "no",
    "q3": "line one\nline two\ttab \u2028 sep",
    "q 4": "0x1F",
    "q5": "Halyk online: a.zhumabaev / Monkey2003#",
}


def test_values_read_back_exactly_and_comments_stay(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(SHEET, encoding="utf-8")
    path.chmod(0o640)

    write_answer_sheet(path, TRICKY)

    text = path.read_text(encoding="utf-8")
    assert YAML(typ="safe", pure=True).load(text) == TRICKY
    sheet = load_answer_sheet(path)
    assert {qid: sheet.get(qid).value for qid in TRICKY} == TRICKY  # type: ignore[union-attr]
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        line for line in SHEET.splitlines() if line.startswith("#")
    ]
    assert text.count("q5:") == 1 and text.rstrip().endswith('q5: "Halyk online: a.zhumabaev / Monkey2003#"')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_only_the_question_line_changes() -> None:
    filled = fill_answer_sheet("q1:\nq10:\n# q1: not this\n", {"q1": "a"})
    assert filled == 'q1: "a"\nq10:\n# q1: not this\n'

from __future__ import annotations

import io
import json

from rich.console import Console

from labkit.grading.results import GradeResult, Verdict
from labkit.reports.json_report import grade_result_to_dict, grade_result_to_json
from labkit.reports.terminal import grade_table

RESULT = GradeResult(
    scenario="ledger",
    sheet="answers.yaml",
    verdicts=(
        Verdict("q1", "hash", "correct", 2.0, 2.0, "accepted", "abc", 3, {"en": "Hash?", "ru": "Хеш?"}),
        Verdict(
            "q2", "datetime", "partial", 1.0, 2.0, "partial: offset", "10:03 (UTC)", 4, {"en": "When?"},
            {"en": "FAT stores local time.", "kk": "FAT жергілікті уақытты сақтайды."},
        ),
        Verdict("q3", "text", "wrong", 0.0, 1.0, "wrong", "[bold]x[/bold]", 5, {"en": "Who [red]?"}),
        Verdict("q4", "integer", "unanswered", 0.0, 1.0, "no answer", None, None),
    ),
)  # fmt: skip


def render(lang: str) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None, record=True)
    console.print(grade_table(RESULT, lang))
    return console.export_text()


def test_terminal_table_rows_and_total() -> None:
    text = render("en")
    for fragment in (
        "Question",
        "Verdict",
        "Points",
        "Reason",
        "q1",
        "Hash?",
        "correct",
        "2/2",
        "partial",
        "1/2",
    ):
        assert fragment in text
    assert "Who [red]?" in text  # prompts are text, never rich markup
    assert "Feedback: FAT stores local time." in text
    assert text.rstrip().endswith("Total: 3/6 (50.0%)")


def test_terminal_labels_and_texts_follow_the_language() -> None:
    russian = render("ru")
    assert "Вопрос" in russian and "Хеш?" in russian and "Итого: 3/6 (50.0%)" in russian
    kazakh = render("kk")
    assert "FAT жергілікті уақытты сақтайды." in kazakh and "жауап жоқ" in kazakh


def test_json_schema_is_stable() -> None:
    data = json.loads(grade_result_to_json(RESULT, "en"))
    assert data == grade_result_to_dict(RESULT, "en")
    assert list(data) == [
        "format", "kind", "scenario", "sheet", "lang",
        "total", "max_points", "percentage", "counts", "questions", "sheet_note",
    ]  # fmt: skip
    assert (data["format"], data["total"], data["max_points"], data["percentage"]) == (1, 3.0, 6.0, 50.0)
    assert data["counts"] == {"correct": 1, "partial": 1, "wrong": 1, "unanswered": 1}
    assert data["questions"][1] == {
        "id": "q2",
        "type": "datetime",
        "prompt": "When?",
        "status": "partial",
        "points": 1.0,
        "max_points": 2.0,
        "reason": "partial: offset",
        "answer": "10:03 (UTC)",
        "line": 4,
        "feedback": "FAT stores local time.",
    }
    assert data["questions"][3]["answer"] is None and data["questions"][3]["feedback"] is None
    assert grade_result_to_json(RESULT, "kk") == grade_result_to_json(RESULT, "kk")

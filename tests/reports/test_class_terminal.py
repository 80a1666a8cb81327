"""The class and trainee tables for the terminal: every number shown, nothing from input obeyed."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

from labkit.reports.class_terminal import class_table, trainee_table
from tests.reports.class_report_fixtures import FORMULA_ANSWER, MARKUP_NAME, make_report


def render(renderable: RenderableType, *, colour: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=220, highlight=False, emoji=False, force_terminal=colour,
                      color_system="truecolor" if colour else None)  # fmt: skip
    console.print(renderable)
    return buffer.getvalue()


def test_class_table_shows_summary_rows_difficulty_flags_and_broken_sheets() -> None:
    text = render(class_table(make_report(), "en"))
    assert "Trainees: 12" in text and "Graded: 9" in text and "Passed: 6" in text
    assert "Unreadable: 2" in text and "Missing: 1" in text
    assert "Mean: 68.5%" in text and "Median: 72.7%" in text
    rows: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("│ t"):  # the first table is the class table; later ones repeat ids
            rows.setdefault(line.split("│")[1].strip(), line)
    assert len(rows) == 12
    assert "5.85/11" in rows["t10"] and "53.2%" in rows["t10"] and "fail" in rows["t10"]
    assert "late 1 d" in rows["t10"] and "answers found on the sheet of: t09" in rows["t10"]
    assert "possibly copied from: t10" in rows["t09"]
    assert "hints 1" in rows["t09"] and "review 1" in rows["t09"]
    assert "unreadable" in rows["t06"] and "missing" in rows["t08"]
    # Difficulty: q6 (the rubric) is the hardest, 47.2 % of its points earned.
    q6 = next(line for line in text.splitlines() if line.startswith("│ q6"))
    assert "47.2%" in q6 and "█" in q6
    assert "strong" in text and "weak" in text and "variants accepting it: 1" in text
    assert "mapping values are not allowed here" in text
    assert "stranger.yaml, t99/answers.yaml" in text


def test_input_is_shown_as_typed_never_as_markup_or_escapes() -> None:
    plain = render(class_table(make_report(), "en"))
    assert "[bold red]Markup[/bold red]" in plain
    coloured = render(class_table(make_report(), "en"), colour=True)
    assert "\x07" not in coloured and "\u202e" not in coloured and "\x00" not in coloured
    assert "\\x1b[31mRed" in coloured and "\\u202eevil" in coloured
    # The only escape sequences are rich's own styling (ESC[...m), never the trainee's ESC[31m.
    assert "\x1b[31mRed" not in coloured
    assert MARKUP_NAME.split()[0] in coloured


def test_labels_follow_the_language() -> None:
    text = render(class_table(make_report(), "ru"))
    assert "Слушатели: 12" in text and "Сдали: 6" in text and "Среднее: 68,5\u00a0%" in text
    assert "не читается" in text and "сильная" in text
    kk = render(class_table(make_report(), "kk"))
    assert "Тыңдаушылар: 12" in kk and "Өтті: 6" in kk


def test_trainee_table_has_every_question_reason_and_competency() -> None:
    text = render(trainee_table(make_report(), "t04", "en"))
    assert "t04" in text and "2/11" in text and "18.2%" in text and "fail" in text
    assert FORMULA_ANSWER in text and "wrong: not a SHA-256" in text
    assert "Feedback: Feedback for q1." in text
    assert "DF-ACQ-INTEGRITY" in text and "Verify the integrity" in text
    assert "t03" not in text and "Асқар" not in text  # nobody else's name or result


def test_trainee_table_of_an_unreadable_sheet_says_why() -> None:
    text = render(trainee_table(make_report(), "t06", "en"))
    assert "was not graded" in text and "answers.yaml:4" in text
    review = render(trainee_table(make_report(), "t02", "en"))
    assert "for review" in review and "Hints used" not in review
    hinted = render(trainee_table(make_report(), "t09", "en"))
    assert "Hints used: q4" in hinted


def test_an_empty_class_renders() -> None:
    text = render(class_table(make_report(outcomes=(), flags=(), unmatched=()), "en"))
    assert "Trainees: 0" in text and "Mean: —" in text


def test_a_question_whose_hint_was_taken_says_so() -> None:
    """The row shows full points for a right answer; the note explains why the total is lower."""
    report = make_report()
    (hinted,) = report.outcome("t09").hints_used
    text = render(trainee_table(report, "t09", "en"))
    assert "hint taken: its cost is in the total" in text
    assert "hint taken" not in render(trainee_table(report, "t01", "en"))
    assert hinted in text

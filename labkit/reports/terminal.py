"""A graded sheet as a rich table for people: one row per question, then the total.

Returns renderables; the CLI decides where they are printed. Every piece of
text from the key or the sheet goes in as :class:`rich.text.Text`, so a
trainee's ``[bold]`` is shown as typed, never interpreted as markup.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from labkit.grading.languages import pick_text
from labkit.grading.results import GradeResult, Status, Verdict
from labkit.reports.labels import format_points, label

_STATUS_STYLES: dict[Status, str] = {
    "correct": "green",
    "partial": "yellow",
    "wrong": "red",
    "unanswered": "dim",
}


def grade_table(result: GradeResult, lang: str = "en") -> Group:
    """The per-question table and a total line, labelled in ``lang``."""
    table = Table(show_lines=False, expand=False)
    table.add_column(label("question", lang), overflow="fold")
    table.add_column(label("verdict", lang), no_wrap=True)
    table.add_column(label("points", lang), justify="right", no_wrap=True)
    table.add_column(label("reason", lang), overflow="fold")
    for verdict in result.verdicts:
        table.add_row(
            _question_cell(verdict, lang),
            Text(label(verdict.status, lang), style=_STATUS_STYLES[verdict.status]),
            Text(f"{format_points(verdict.points)}/{format_points(verdict.max_points)}"),
            _reason_cell(verdict, lang),
        )
    total = Text(
        f"{label('total', lang)}: {format_points(result.total)}/{format_points(result.max_points)}"
        f" ({result.percentage:.1f}%)",
        style="bold",
    )
    if result.note:
        return Group(Text(f"{result.sheet}: {result.note}", style="yellow"), table, total)
    return Group(table, total)


def _question_cell(verdict: Verdict, lang: str) -> Text:
    cell = Text(verdict.question_id, style="bold")
    prompt = " ".join(pick_text(verdict.prompt, lang).split())
    if prompt:
        cell.append("\n" + prompt)
    return cell


def _reason_cell(verdict: Verdict, lang: str) -> Text:
    cell = Text(verdict.reason)
    feedback = pick_text(verdict.feedback, lang)
    if feedback and verdict.status != "correct":
        cell.append(f"\n{label('feedback', lang)}: {' '.join(feedback.split())}", style="italic")
    return cell

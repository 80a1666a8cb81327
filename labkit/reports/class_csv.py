"""A graded class as CSV for spreadsheets and gradebook imports (RFC 4180, via the csv module).

The class sheet has one row per trainee and a column per question's points;
the trainee sheet one row per question. A cell that a spreadsheet would run as
a formula (text starting with ``= + - @``, a tab or a carriage return) gets a
leading apostrophe: a trainee named ``=HYPERLINK(...)`` or an answer
``=cmd|...`` stays text when an instructor opens the file (CSV injection).
Numbers are written by labkit and never need the guard; they use a dot.
"""

from __future__ import annotations

import csv
import io

from labkit.classroom.outcome import ClassReport
from labkit.reports.class_labels import clean, given_text
from labkit.reports.class_stats import class_stats, verdicts_by_question

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Spreadsheets cap a cell at 32 767 characters; longer answers are cut with a marker.
MAX_CELL = 32_000


def safe_cell(text: str) -> str:
    """Text that a spreadsheet shows as text, never evaluates; UTF-8-encodable and within a cell's size."""
    text = clean(text)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL] + "…"
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def class_report_to_csv(report: ClassReport, lang: str = "en", trainee: str | None = None) -> str:
    """The class (or one trainee's questions) as CSV text with CRLF line ends.

    ``lang`` is accepted for symmetry with the other formats; column names stay
    English identifiers so an import mapping works whatever the class's language.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if trainee is not None:
        outcome = report.outcome(trainee)
        verdicts = verdicts_by_question(outcome)
        writer.writerow(["trainee", "name", "question", "status", "points", "max_points", "review",
                         "answer", "reason"])  # fmt: skip
        for info in report.questions:
            verdict = verdicts.get(info.id)
            writer.writerow(
                [
                    safe_cell(outcome.trainee),
                    safe_cell(outcome.name),
                    safe_cell(info.id),
                    verdict.status if verdict else outcome.status,
                    _number(verdict.points) if verdict else "",
                    _number(info.max_points),
                    ("yes" if verdict.review else "no") if verdict else "",
                    safe_cell(given_text(verdict.given)) if verdict else "",
                    safe_cell(verdict.reason) if verdict else safe_cell(outcome.problem or ""),
                ]
            )
        return buffer.getvalue()

    stats = class_stats(report)
    codes = stats.competencies
    writer.writerow(
        ["trainee", "name", "case_id", "status", "score", "max_points", "percentage", "passed",
         "hints_used", "late_days", "review", "collusion_with", "problem"]
        + [safe_cell(f"q:{q.id}") for q in report.questions]
        + [safe_cell(f"competency:{code}") for code in codes]
    )  # fmt: skip
    for outcome in report.outcomes:
        verdicts = verdicts_by_question(outcome)
        others = sorted(
            {f.other for f in report.flags if f.trainee == outcome.trainee}
            | {f.trainee for f in report.flags if f.other == outcome.trainee}
        )
        graded = outcome.status == "graded"
        writer.writerow(
            [
                safe_cell(outcome.trainee),
                safe_cell(outcome.name),
                safe_cell(outcome.case_id or ""),
                outcome.status,
                _number(outcome.score) if graded else "",
                _number(outcome.max_points),
                _number(outcome.percentage) if graded else "",
                "yes" if outcome.passed else "no",
                safe_cell(" ".join(outcome.hints_used)),
                str(outcome.late_days),
                safe_cell(" ".join(outcome.review)),
                safe_cell(" ".join(others)),
                safe_cell(outcome.problem or ""),
            ]
            + [_number(v.points) if (v := verdicts.get(q.id)) else "" for q in report.questions]
            + [_number(outcome.competencies.get(code)) for code in codes]
        )
    return buffer.getvalue()

"""The class report as CSV: RFC 4180 quoting, a column per question, no spreadsheet formula injection."""

from __future__ import annotations

import csv
import io

from labkit.reports.class_csv import class_report_to_csv, safe_cell
from tests.reports import class_report_fixtures as fx


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_trainee_with_points_per_question() -> None:
    text = class_report_to_csv(fx.make_report())
    assert text.count("\r\n") == 13 and "\n" not in text.replace("\r\n", "")
    table = rows(text)
    assert len(table) == 12
    header = list(table[0])
    assert header[:4] == ["trainee", "name", "case_id", "status"]
    assert [h for h in header if h.startswith("q:")] == [f"q:q{i}" for i in range(1, 7)]
    assert "competency:DF-FS-DELETED" in header
    t10 = table[9]
    assert (t10["score"], t10["percentage"], t10["passed"], t10["late_days"]) == ("5.85", "53.18", "no", "1")
    assert (t10["q:q2"], t10["q:q4"], t10["competency:DF-FS-TIMESTAMPS"]) == ("1.5", "1", "0.75")
    assert t10["collusion_with"] == "t09"
    t06 = table[5]
    assert t06["status"] == "malformed" and t06["score"] == "" and t06["q:q1"] == ""
    assert "mapping values" in t06["problem"]


def test_formula_cells_are_made_text() -> None:
    table = rows(class_report_to_csv(fx.make_report()))
    assert table[3]["name"] == "'" + fx.FORMULA_NAME
    answers = rows(class_report_to_csv(fx.make_report(), trainee="t04"))
    assert answers[0]["answer"] == "'" + fx.FORMULA_ANSWER
    assert answers[4]["answer"] == "'+jpeg"
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("plain, \"quoted\"") == "plain, \"quoted\""


def test_quotes_commas_and_newlines_round_trip() -> None:
    answers = rows(class_report_to_csv(fx.make_report(), trainee="t05"))
    assert answers[4]["answer"] == "<b>PNG</b> & JPEG"
    assert answers[3]["answer"] == "a; b; c; [red]d[/red]"
    assert rows(class_report_to_csv(fx.make_report()))[4]["name"] == fx.MARKUP_NAME
    text = class_report_to_csv(fx.make_report())
    assert text == class_report_to_csv(fx.make_report())
    text.encode("utf-8")


def test_trainee_sheet_of_an_unreadable_sheet_names_the_problem() -> None:
    answers = rows(class_report_to_csv(fx.make_report(), trainee="t06"))
    assert len(answers) == 6 and {a["status"] for a in answers} == {"malformed"}
    assert "answers.yaml:4" in answers[0]["reason"]

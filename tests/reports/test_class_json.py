"""The class report as versioned JSON: fixed order, exact numbers, identical bytes for identical input."""

from __future__ import annotations

import json

from labkit.reports.class_json import class_report_to_dict, class_report_to_json
from tests.reports import class_report_fixtures as fx


def test_class_document_has_the_summary_and_every_trainee() -> None:
    data = json.loads(class_report_to_json(fx.make_report(), "en"))
    assert list(data)[:4] == ["format", "kind", "lang", "scenario"]
    assert data["format"] == 1 and data["kind"] == "class" and data["run"] == 2
    summary = data["summary"]
    assert (summary["trainees"], summary["graded"], summary["malformed"], summary["missing"]) == (12, 9, 2, 1)
    assert summary["passed"] == fx.PASSED and summary["failed"] == 6 and summary["review"] == 7
    assert summary["mean_percentage"] == fx.MEAN and summary["median_percentage"] == fx.MEDIAN
    assert summary["histogram"]["counts"] == [0, 1, 0, 0, 0, 2, 1, 2, 1, 2]
    assert summary["flagged"] == ["t03", "t07", "t09", "t10"]
    q6 = data["questions"][5]
    assert q6["counts"] == {"correct": 2, "partial": 4, "wrong": 1, "unanswered": 2}
    assert q6["mean_share"] == 0.4722 and q6["review"] == 7
    assert [t["id"] for t in data["trainees"]] == [f"t{i:02d}" for i in range(1, 13)]
    t10 = data["trainees"][9]
    assert t10["score"] == 5.85 and t10["late_days"] == 1 and t10["collusion_with"] == ["t09"]
    assert t10["verdicts"][1]["status"] == "partial" and t10["verdicts"][1]["points"] == 1.5
    t06 = data["trainees"][5]
    assert t06["status"] == "malformed" and "answers.yaml:4" in t06["problem"] and t06["verdicts"] == []
    assert data["collusion"][0]["matches"][0] == {"question": "q1", "given": "3f" * 32, "accepted_by": 1}
    assert data["unmatched"] == ["stranger.yaml", "t99/answers.yaml"]
    comps = {c["id"]: c for c in data["competencies"]}
    assert comps["DF-REP-REPORT"]["mean_share"] == 0.4722 and comps["DF-REP-REPORT"]["area"] == "DF-REP"


def test_bytes_are_identical_for_identical_input_and_utf8_safe() -> None:
    first = class_report_to_json(fx.make_report(), "ru")
    assert first == class_report_to_json(fx.make_report(), "ru")
    first.encode("utf-8")  # the lone surrogate in a name is replaced, not carried into the file
    data = json.loads(first)
    assert data["trainees"][10]["name"].endswith("\ufffd")
    assert data["title"] == "Украденная книга"
    assert data["questions"][1]["prompt"] == "Когда удалён ledger.xlsx?"


def test_trainee_document_holds_only_that_trainee() -> None:
    data = class_report_to_dict(fx.make_report(), "en", trainee="t07")
    assert data["kind"] == "trainee" and "trainees" not in data and "collusion" not in data
    assert data["trainee"]["id"] == "t07" and "collusion_with" not in data["trainee"]
    assert len(data["trainee"]["verdicts"]) == 6
    assert "t03" not in json.dumps(data)

"""The class report as JUnit XML: parses, counts right, survives any Unicode."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from labkit.classroom.outcome import TraineeOutcome
from labkit.grading.results import GradeResult, Verdict
from labkit.reports.class_junit import class_report_to_junit, xml_text
from tests.reports import class_report_fixtures as fx


def suites(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    return {suite.get("id", ""): suite for suite in root.findall("testsuite")}


def test_one_suite_per_trainee_one_case_per_question_with_right_counts() -> None:
    xml = class_report_to_junit(fx.make_report())
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml.encode("utf-8"))
    found = suites(xml)
    assert len(found) == 12 and all(len(s.findall("testcase")) == 6 for s in found.values())
    counts = {sid: (s.get("tests"), s.get("failures"), s.get("errors")) for sid, s in found.items()}
    assert counts["t01"] == ("6", "0", "0")
    assert counts["t02"] == ("6", "3", "0")  # two partial, one partial rubric
    assert counts["t04"] == ("6", "5", "0")
    assert counts["t06"] == ("6", "0", "6")  # unreadable: every question an error
    assert counts["t08"] == ("6", "6", "0")  # missing: every question a failure
    assert root.get("tests") == "72"
    assert root.get("failures") == str(sum(int(s.get("failures", "0")) for s in found.values()))
    assert root.get("errors") == "12"
    q2 = found["t02"].findall("testcase")[1]
    failure = q2.find("failure")
    assert failure is not None and failure.get("type") == "partial"
    assert "time zone +03:00 is wrong" in failure.get("message", "") and "(1/2)" in failure.get("message", "")
    assert "answer: 2026-03-14 08:03:12 +03:00" in (failure.text or "")
    props = {p.get("name"): p.get("value") for p in found["t10"].iter("property")}
    assert props["score"] == "5.85" and props["passed"] == "false" and props["percentage"] == "53.18"
    assert found["t06"].find("testcase/error").get("message").startswith("answers.yaml:4")  # type: ignore[union-attr]
    review = found["t01"].findall("testcase")[5].find("system-out")
    assert review is not None and "for review" in (review.text or "")


def test_forbidden_characters_are_stripped_and_the_rest_escaped() -> None:
    hostile = "a\x00b\x01c\x0bd\x1be\ud800f\ufffeg\uffffh <&\"'> \U0001f600 ]]>"
    verdict = Verdict("q1", "text", "wrong", 0.0, 1.0, f"wrong: {hostile}", (hostile, "\x7f"))
    outcome = TraineeOutcome(
        trainee="x1", name=hostile, case_id=None, status="graded", problem=None,
        result=GradeResult("s", "sheet", (verdict,)), score=0.0, max_points=1.0, percentage=0.0,
        passed=False,
    )  # fmt: skip
    report = fx.make_report(outcomes=(outcome,), questions=fx.QUESTIONS[:1], flags=())
    xml = class_report_to_junit(report, trainee="x1")
    suite = suites(xml)["x1"]
    assert suite.get("name") == "x1 abcdefgh <&\"'> \U0001f600 ]]>"
    assert "abcdefgh <&\"'>" in suite.find("testcase/failure").get("message")  # type: ignore[union-attr]
    assert xml_text("\t\n\r ok") == "\t\n\r ok"


def test_bytes_are_identical_for_identical_input() -> None:
    assert class_report_to_junit(fx.make_report(), "ru") == class_report_to_junit(fx.make_report(), "ru")

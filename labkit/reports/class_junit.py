"""A graded class as JUnit XML, the format learning platforms and CI servers import.

One ``<testsuite>`` per trainee, one ``<testcase>`` per question. A question
answered right passes; wrong, partly right or unanswered is a ``<failure>``
whose message is the grader's reason; every question of an unreadable sheet is
an ``<error>`` with the sheet's problem, and of a sheet never handed in a
``<failure type="missing">``. Points and percentages are ``<properties>``.

The XML is valid for any input: characters XML 1.0 forbids (most controls,
lone surrogates, U+FFFE/U+FFFF) are removed before ElementTree escapes the rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from labkit.classroom.outcome import ClassReport, TraineeOutcome
from labkit.grading.languages import pick_text
from labkit.reports.class_labels import given_text
from labkit.reports.class_stats import verdicts_by_question

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: A reason or answer longer than this is cut: JUnit viewers show messages on one line.
MAX_TEXT = 2000


def xml_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` without the characters XML 1.0 cannot carry, at most ``limit`` characters."""
    text = _FORBIDDEN.sub("", text)
    return text[:limit] + "…" if len(text) > limit else text


def _points(value: float) -> str:
    return f"{round(value, 4):g}"


def class_report_to_junit(report: ClassReport, lang: str = "en", trainee: str | None = None) -> str:
    """The class (or one trainee) as a ``<testsuites>`` document with an XML declaration."""
    outcomes = report.outcomes if trainee is None else (report.outcome(trainee),)
    root = ET.Element("testsuites", {"name": xml_text(report.scenario)})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for outcome in outcomes:
        suite = _suite(report, outcome, lang)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(report: ClassReport, outcome: TraineeOutcome, lang: str) -> ET.Element:
    classname = xml_text(f"{report.scenario}.{outcome.trainee}", 300)
    suite = ET.Element("testsuite", {"name": xml_text(f"{outcome.trainee} {outcome.name}", 300),
                                     "id": xml_text(outcome.trainee, 300)})  # fmt: skip
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("trainee", outcome.trainee),
        ("name", outcome.name),
        ("case_id", outcome.case_id or ""),
        ("status", outcome.status),
        ("score", _points(outcome.score)),
        ("max_points", _points(outcome.max_points)),
        ("percentage", _points(outcome.percentage)),
        ("passed", "true" if outcome.passed else "false"),
        ("pass_mark", _points(report.pass_mark)),
        ("run", str(report.run)),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": xml_text(value, 300)})
    verdicts = verdicts_by_question(outcome)
    failures = errors = 0
    for info in report.questions:
        case = ET.SubElement(suite, "testcase", {"classname": classname, "name": xml_text(info.id, 300)})
        verdict = verdicts.get(info.id)
        if outcome.status == "malformed" or (outcome.status == "graded" and verdict is None):
            errors += 1
            problem = outcome.problem or "the sheet has no verdict for this question"
            ET.SubElement(case, "error", {"type": "malformed", "message": xml_text(problem)})
            continue
        if verdict is None:
            failures += 1
            ET.SubElement(case, "failure", {"type": "missing", "message": "no answer sheet was handed in"})
            continue
        case.set("assertions", "1")
        prompt = pick_text(info.prompt, lang)
        if verdict.status != "correct":
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                {"type": verdict.status, "message": xml_text(f"{verdict.reason} "
                 f"({_points(verdict.points)}/{_points(verdict.max_points)})")},
            )  # fmt: skip
            detail = [f"question: {prompt}"] if prompt else []
            detail.append(f"answer: {given_text(verdict.given)}")
            feedback = pick_text(verdict.feedback, lang)
            if feedback:
                detail.append(f"feedback: {feedback}")
            failure.text = xml_text("\n".join(detail))
        if verdict.review:
            ET.SubElement(case, "system-out").text = xml_text(
                f"for review by a trainer: {verdict.reason} ({_points(verdict.points)}/"
                f"{_points(verdict.max_points)})"
            )
    suite.set("tests", str(len(report.questions)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite

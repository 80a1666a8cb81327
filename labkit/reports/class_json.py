"""A graded class (or one trainee of it) as JSON for machines: learning platforms, archives, scripts.

The schema is versioned by ``"format"``; fields are only ever added, and a
change of meaning bumps the number. Keys come in a fixed order and every
mapping from the input is sorted, so identical input gives identical bytes.
Percentages are 0-100, shares 0-1; means are over graded sheets only.
"""

from __future__ import annotations

import json
from typing import Any

from labkit.classroom.outcome import ClassReport, CollusionFlag, TraineeOutcome
from labkit.competencies import load_framework
from labkit.grading.languages import pick_text
from labkit.grading.results import Verdict
from labkit.reports.class_labels import clean
from labkit.reports.class_stats import ClassStats, class_stats, competency_order

CLASS_JSON_FORMAT = 1


def class_report_to_dict(report: ClassReport, lang: str = "en", trainee: str | None = None) -> dict[str, Any]:
    """The class (``kind: class``) or one trainee of it (``kind: trainee``) as plain data.

    A trainee's document has their outcome with every verdict, and no other
    trainee's name or result: it can be handed to that trainee.
    """
    head: dict[str, Any] = {
        "format": CLASS_JSON_FORMAT,
        "kind": "trainee" if trainee is not None else "class",
        "lang": lang,
        "scenario": clean(report.scenario),
        "title": clean(pick_text(report.title, lang)),
        "mode": clean(report.mode),
        "run": report.run,
        "pass_mark": report.pass_mark,
        "questions": [
            {
                "id": clean(q.id),
                "type": clean(q.type),
                "prompt": clean(pick_text(q.prompt, lang)),
                "max_points": q.max_points,
                "competencies": [clean(code) for code in q.competencies],
            }
            for q in report.questions
        ],
    }
    if trainee is not None:
        outcome = report.outcome(trainee)
        head["trainee"] = _outcome(outcome, (), lang)
        head["competencies"] = _competencies(competency_order(set(outcome.competencies)), lang)
        return head
    stats = class_stats(report)
    head["summary"] = _summary(stats)
    for item, qstats in zip(head["questions"], stats.questions, strict=True):
        item["counts"] = dict(qstats.counts)
        item["mean_points"] = qstats.mean_points
        item["mean_share"] = qstats.mean_share
        item["review"] = qstats.review
    head["competencies"] = [
        {**entry, "mean_share": stats.competency_means[entry["id"]]}
        for entry in _competencies(stats.competencies, lang)
    ]
    head["trainees"] = [_outcome(o, report.flags, lang) for o in report.outcomes]
    head["collusion"] = [_flag(flag) for flag in report.flags]
    head["unmatched"] = [clean(name) for name in report.unmatched]
    return head


def class_report_to_json(report: ClassReport, lang: str = "en", trainee: str | None = None) -> str:
    """Indented UTF-8 JSON ending in a newline; byte-identical for identical input."""
    data = class_report_to_dict(report, lang, trainee)
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _summary(stats: ClassStats) -> dict[str, Any]:
    return {
        "trainees": stats.trainees,
        "graded": stats.graded,
        "malformed": stats.malformed,
        "missing": stats.missing,
        "passed": stats.passed,
        "failed": stats.trainees - stats.passed,
        "review": stats.review,
        "mean_percentage": stats.mean,
        "median_percentage": stats.median,
        "min_percentage": stats.minimum,
        "max_percentage": stats.maximum,
        "histogram": {"bin_width": 10, "counts": list(stats.histogram)},
        "flagged": sorted(stats.flagged),
    }


def _competencies(codes: tuple[str, ...], lang: str) -> list[dict[str, Any]]:
    framework = load_framework()
    out = []
    for code in codes:
        item = framework.get(code)
        out.append(
            {
                "id": clean(code),
                "area": item.area if item else None,
                "level": item.level if item else None,
                "title": pick_text(item.title, lang) if item else None,
            }
        )
    return out


def _outcome(outcome: TraineeOutcome, flags: tuple[CollusionFlag, ...], lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": clean(outcome.trainee),
        "name": clean(outcome.name),
        "case_id": clean(outcome.case_id) if outcome.case_id is not None else None,
        "status": outcome.status,
        "problem": clean(outcome.problem) if outcome.problem is not None else None,
        "score": outcome.score,
        "max_points": outcome.max_points,
        "percentage": outcome.percentage,
        "passed": outcome.passed,
        "hints_used": [clean(h) for h in outcome.hints_used],
        "late_days": outcome.late_days,
        "review": [clean(q) for q in outcome.review],
        "key_sha256": outcome.key_sha256,
        "sheet_note": clean(outcome.result.note) if outcome.result and outcome.result.note else None,
        "competencies": {
            clean(code): outcome.competencies[code] for code in competency_order(set(outcome.competencies))
        },
    }
    if flags:
        data["collusion_with"] = sorted(
            {clean(f.other) for f in flags if f.trainee == outcome.trainee}
            | {clean(f.trainee) for f in flags if f.other == outcome.trainee}
        )
    data["verdicts"] = (
        [_verdict(v, lang) for v in outcome.result.verdicts] if outcome.result is not None else []
    )
    return data


def _verdict(verdict: Verdict, lang: str) -> dict[str, Any]:
    given: Any
    if isinstance(verdict.given, tuple):
        given = [clean(item) for item in verdict.given]
    else:
        given = clean(verdict.given) if verdict.given is not None else None
    return {
        "question": clean(verdict.question_id),
        "status": verdict.status,
        "points": verdict.points,
        "max_points": verdict.max_points,
        "reason": clean(verdict.reason),
        "review": verdict.review,
        "answer": given,
        "line": verdict.line,
        "feedback": clean(pick_text(verdict.feedback, lang)) or None,
    }


def _flag(flag: CollusionFlag) -> dict[str, Any]:
    return {
        "trainee": clean(flag.trainee),
        "other": clean(flag.other),
        "strength": flag.strength,
        "explanation": clean(flag.explanation),
        "matches": [
            {"question": clean(m.question), "given": clean(m.given), "accepted_by": m.accepted_by}
            for m in flag.matches
        ],
    }

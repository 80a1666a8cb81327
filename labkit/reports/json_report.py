"""A graded sheet as JSON for machines (gradebooks, batch grading).

The schema is versioned by ``"format"``; fields are only ever added, and
anything that changes meaning bumps the number.
"""

from __future__ import annotations

import json
from typing import Any

from labkit.grading.languages import pick_text
from labkit.grading.results import STATUSES, GradeResult, Verdict

JSON_REPORT_FORMAT = 1


def grade_result_to_dict(result: GradeResult, lang: str = "en") -> dict[str, Any]:
    """Plain data in a fixed key order; prompts and feedback chosen for ``lang``."""
    return {
        "format": JSON_REPORT_FORMAT,
        "kind": "grade",
        "scenario": result.scenario,
        "sheet": result.sheet,
        "lang": lang,
        "total": result.total,
        "max_points": result.max_points,
        "percentage": result.percentage,
        "counts": {status: result.count(status) for status in STATUSES},
        "questions": [_verdict_to_dict(v, lang) for v in result.verdicts],
        # Added later (fields are only ever added): how a sheet that is not valid YAML was read.
        "sheet_note": result.note,
    }


def _verdict_to_dict(verdict: Verdict, lang: str) -> dict[str, Any]:
    given = list(verdict.given) if isinstance(verdict.given, tuple) else verdict.given
    return {
        "id": verdict.question_id,
        "type": verdict.answer_type,
        "prompt": pick_text(verdict.prompt, lang),
        "status": verdict.status,
        "points": verdict.points,
        "max_points": verdict.max_points,
        "reason": verdict.reason,
        "answer": given,
        "line": verdict.line,
        "feedback": pick_text(verdict.feedback, lang) or None,
    }


def grade_result_to_json(result: GradeResult, lang: str = "en") -> str:
    """UTF-8-friendly, indented JSON ending in a newline; byte-identical for identical input."""
    return json.dumps(grade_result_to_dict(result, lang), ensure_ascii=False, indent=2) + "\n"

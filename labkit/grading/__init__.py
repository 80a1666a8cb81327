"""Typed grading: answer sheets in, verdicts with partial credit and reasons out.

from labkit.grading import grade, load_answer_sheet
result = grade(AnswerKey.load("key.json"), load_answer_sheet("answers.yaml"))
"""

from __future__ import annotations

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.grader import check_answer, grade, grade_files
from labkit.grading.registry import answer_type_names, get_answer_type
from labkit.grading.results import Check, GradeResult, Verdict
from labkit.grading.sheet import (
    AnswerSheet,
    SheetAnswer,
    load_answer_sheet,
    parse_answer_sheet,
    render_answer_sheet,
)

__all__ = [
    "AnswerOptions",
    "AnswerSheet",
    "AnswerType",
    "Check",
    "GradeResult",
    "SheetAnswer",
    "Verdict",
    "answer_type_names",
    "check_answer",
    "get_answer_type",
    "grade",
    "grade_files",
    "load_answer_sheet",
    "parse_answer_sheet",
    "render_answer_sheet",
]

"""The answer sheet: reading a trainee's ``answers.yaml`` and writing the blank one.

This module is the public face; the work is in :mod:`sheet_reader` and :mod:`sheet_writer`.
"""

from __future__ import annotations

from labkit.grading.answer_sheet import AnswerSheet, SheetAnswer
from labkit.grading.sheet_reader import MAX_SHEET_BYTES, load_answer_sheet, parse_answer_sheet
from labkit.grading.sheet_writer import render_answer_sheet

__all__ = [
    "MAX_SHEET_BYTES",
    "AnswerSheet",
    "SheetAnswer",
    "load_answer_sheet",
    "parse_answer_sheet",
    "render_answer_sheet",
]

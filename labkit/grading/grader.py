"""Grading one answer sheet against one key."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from labkit.errors import GradingError
from labkit.grading.answer_sheet import AnswerSheet, SheetAnswer
from labkit.grading.key_questions import PreparedQuestion, prepare_key, prepare_question
from labkit.grading.results import GradeResult, Status, Verdict
from labkit.grading.sheet_reader import load_answer_sheet
from labkit.key import AnswerKey, KeyQuestion


def grade(key: AnswerKey, sheet: AnswerSheet) -> GradeResult:
    """Grade every question of ``key``; questions missing from the sheet count as unanswered.

    Raises:
        GradingError: the key itself cannot be graded (unknown type, bad options...).
        AnswerSheetError: the sheet answers a question the key does not have.
    """
    prepared = prepare_key(key)
    sheet.check_question_ids([p.question.id for p in prepared])
    verdicts = tuple(grade_question(p, sheet.get(p.question.id)) for p in prepared)
    return GradeResult(scenario=key.scenario, sheet=sheet.file, verdicts=verdicts, note=sheet.note)


def grade_question(prepared: PreparedQuestion, answer: SheetAnswer | None) -> Verdict:
    """One verdict: the type judges the answer, the key's points scale the credit."""
    question = prepared.question
    given = answer.cleaned if answer else None
    review = False
    if given is None:
        status: Status = "unanswered"
        credit, reason = 0.0, "no answer"
    else:
        check = prepared.answer_type.check_given(prepared.expected, given)
        credit, reason, review = min(max(check.credit, 0.0), 1.0), check.reason, check.review
        status = "correct" if credit >= 1.0 else "wrong" if credit <= 0.0 else "partial"
    return Verdict(
        question_id=question.id,
        answer_type=question.type,
        status=status,
        points=round(question.points * credit, 4),
        max_points=question.points,
        reason=reason,
        given=given,
        line=answer.line if answer else None,
        prompt=dict(question.prompt),
        feedback=dict(question.feedback),
        review=review,
    )


def grade_files(key_path: str | Path, answers_path: str | Path) -> GradeResult:
    """Load a key.json and an answers.yaml and grade them (the one-call public API).

    Raises:
        GradingError: the sheet names another case than the key (a mixed-up hand-in).
    """
    key = AnswerKey.load(key_path)
    sheet = load_answer_sheet(answers_path)
    case = sheet_case_id(Path(answers_path))
    if case and key.case_id and case != key.case_id:
        raise GradingError(
            f"{answers_path}: this answer sheet is for case {case}, but {key_path} is the key of case "
            f"{key.case_id}; grade it with the key of its own case"
        )
    return grade(key, sheet)


_CASE_LINE = re.compile(r"^# case: ([0-9a-f]{6,64})\s*$", re.MULTILINE)


def sheet_case_id(path: Path) -> str | None:
    """The case id from a sheet's header comment, if the trainee left it there."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    match = _CASE_LINE.search(head)
    return match[1] if match else None


def check_answer(question: KeyQuestion, given: object) -> Verdict:
    """Grade one value against one key question, as if a trainee had written it.

    ``labkit verify`` uses this to compare what an independent tool shows with
    the key, so verification and grading can never disagree about equality.
    Non-text values are written the way a trainee would type them (``str``).
    """
    if isinstance(given, Sequence) and not isinstance(given, str):
        value: str | tuple[str, ...] | None = tuple(str(item) for item in given)
    else:
        value = None if given is None else str(given)
    return grade_question(prepare_question(question), SheetAnswer(question.id, value, line=0))

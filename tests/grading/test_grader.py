from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from labkit.errors import AnswerSheetError, GradingError
from labkit.grading import check_answer, grade, grade_files, parse_answer_sheet, render_answer_sheet
from labkit.key import AnswerKey

SHA256 = hashlib.sha256(b"ledger").hexdigest()

KEY = AnswerKey.model_validate(
    {
        "scenario": "stolen-ledger",
        "title": {"en": "The stolen ledger"},
        "seed": 42,
        "questions": [
            {"id": "q1", "type": "hash", "answer": SHA256, "points": 3, "medium": "disk",
             "prompt": {"en": "SHA-256 of the deleted spreadsheet?"}},
            {"id": "q2", "type": "datetime", "answer": "2026-03-14T10:03:12+05:00", "points": 2,
             "medium": "disk",
             "options": {"tolerance_seconds": 2, "timezone": "+05:00"},
             "feedback": {"en": "FAT stores local time without a zone.", "ru": "FAT хранит местное время."}},
            {"id": "q3", "type": "path", "answer": "/Documents/invoice.pdf", "points": 1.5, "medium": "disk"},
            {"id": "q4", "type": "integer", "answer": 45056, "points": 1, "medium": "disk"},
            {"id": "q5", "type": "text", "answer": "Ivan Petrov", "points": 1, "medium": "disk"},
            {"id": "q6", "type": "choice", "answer": "FAT16", "points": 0.5, "medium": "disk",
             "options": {"choices": ["FAT12", "FAT16", "FAT32"]}},
        ],
    }
)  # fmt: skip

WRONG = {
    "q1": "0" * 64,
    "q2": "2026-03-15 10:03:12",
    "q3": "/invoice.pdf",
    "q4": "45057",
    "q5": "Petr Ivanov",
    "q6": "c",
}


def fill(answers: dict[str, str]) -> str:
    text = render_answer_sheet(KEY)
    for qid, value in answers.items():
        text = text.replace(f"\n{qid}:\n", f"\n{qid}: '{value}'\n")
    return text


def key_answers() -> dict[str, str]:
    return {q.id: str(q.answer) for q in KEY.questions}


def test_the_key_answers_score_100_percent() -> None:
    result = grade(KEY, parse_answer_sheet(fill(key_answers()), file="answers.yaml"))
    assert [v.status for v in result.verdicts] == ["correct"] * 6
    assert (result.total, result.max_points, result.percentage) == (9.0, 9.0, 100.0)


@pytest.mark.parametrize("qid", list(WRONG))
def test_changing_one_answer_loses_exactly_its_points(qid: str) -> None:
    result = grade(KEY, parse_answer_sheet(fill(key_answers() | {qid: WRONG[qid]})))
    lost = KEY.question(qid).points
    assert result.total == pytest.approx(9.0 - lost)
    verdict = next(v for v in result.verdicts if v.question_id == qid)
    assert (verdict.status, verdict.points) == ("wrong", 0.0)


def test_blank_sheet_is_all_unanswered() -> None:
    result = grade(KEY, parse_answer_sheet(render_answer_sheet(KEY)))
    assert {v.status for v in result.verdicts} == {"unanswered"}
    assert {v.reason for v in result.verdicts} == {"no answer"}
    assert result.total == 0 and result.percentage == 0.0


def test_missing_questions_are_unanswered_and_partial_credit_scales_points() -> None:
    sheet = parse_answer_sheet("q2: 2026-03-14 10:03:12 (UTC)\n")
    result = grade(KEY, sheet)
    q2 = result.verdicts[1]
    assert (q2.status, q2.points, q2.max_points, q2.line) == ("partial", 1.0, 2.0, 1)
    assert q2.feedback["ru"] == "FAT хранит местное время."
    assert result.count("unanswered") == 5


def test_unknown_question_id_suggests_the_closest() -> None:
    with pytest.raises(AnswerSheetError) as caught:
        grade(KEY, parse_answer_sheet("q1: x\nq22: y\nq99: z\n", file="answers.yaml"))
    assert caught.value.one_line() == (
        "answers.yaml:2: unknown question id 'q22' (and 1 more); "
        "did you mean 'q2'? Use the ids printed on the blank sheet"
    )
    with pytest.raises(AnswerSheetError, match="did you mean 'q5'"):
        grade(KEY, parse_answer_sheet("Q5: x\n"))


def test_duplicate_ids_in_the_key_are_a_key_error() -> None:
    broken = KEY.model_copy(update={"questions": [KEY.questions[0], KEY.questions[0]]})
    with pytest.raises(GradingError, match="the id is used by two questions"):
        grade(broken, parse_answer_sheet("q1: x\n"))


def test_list_answers_reach_single_value_types_as_one_value() -> None:
    result = grade(KEY, parse_answer_sheet("q4: [45056]\nq5: [a, b]\n"))
    assert result.verdicts[3].status == "correct"
    assert result.verdicts[4].reason == "wrong: give one value, not a list of 2"


def test_check_answer_grades_one_observed_value() -> None:
    verdict = check_answer(KEY.question("q4"), 45056)
    assert (verdict.status, verdict.reason, verdict.points) == ("correct", "accepted", 1.0)
    assert check_answer(KEY.question("q1"), "00").reason == "wrong: not a SHA-256 (2 hex digits, expected 64)"
    assert check_answer(KEY.question("q5"), None).status == "unanswered"


def test_grade_files_reads_both_files(tmp_path: Path) -> None:
    (tmp_path / "key.json").write_text(KEY.to_json(), encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(fill(key_answers()), encoding="utf-8")
    result = grade_files(tmp_path / "key.json", tmp_path / "answers.yaml")
    assert result.percentage == 100.0 and result.sheet == str(tmp_path / "answers.yaml")

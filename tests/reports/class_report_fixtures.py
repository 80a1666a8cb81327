"""A synthetic graded class of 12 trainees for the class-report tests.

Built straight from the dataclasses (no grader, no gradebook), so the report
tests pin the rendering alone. It has every case a report must show: full,
partial and zero credit, unanswered questions, a rubric answer waiting for
review, a hint, a late hand-in, two unreadable sheets, a missing one, a strong
and a weak collusion flag, unmatched submission files, and hostile text (a
spreadsheet formula, rich markup, HTML, terminal escapes, bidi overrides).

The class numbers, worked out by hand (max 11 points, pass mark 60 %):
graded 9 (t01 t02 t03 t04 t05 t07 t09 t10 t12), unreadable 2 (t06 t11), missing 1 (t08);
percentages 100, 72.73, 90.91, 18.18, 63.64, 54.55, 77.27, 53.18, 86.36;
passed 6; mean 68.5356 (shown 68.5%); median 72.73.
"""

from __future__ import annotations

from labkit.classroom.outcome import ClassReport, CollusionFlag, CollusionMatch, QuestionInfo, TraineeOutcome
from labkit.grading.results import GivenAnswer, GradeResult, Status, Verdict

PASS_MARK = 60.0
TRAINEES = 12
GRADED = 9
MALFORMED = 2
MISSING = 1
PASSED = 6
MEAN = 68.5356
MEDIAN = 72.73
MAX_POINTS = 11.0
FORMULA_NAME = "=HYPERLINK(\"http://evil.example/\",\"click\")"
FORMULA_ANSWER = "=cmd|' /C calc'!A0"
MARKUP_NAME = "Dana [bold red]Markup[/bold red] <script>alert(1)</script> & Co"
HOSTILE_NAME = "Zhanna \x1b[31mRed\x07 \u202eevil\x00 \ud800"

QUESTIONS: tuple[QuestionInfo, ...] = (
    QuestionInfo("q1", "hash", 2.0, {"en": "SHA-256 of the evidence image?", "ru": "SHA-256 образа?",
                                     "kk": "Бейненің SHA-256 мәні?"}, ("DF-ACQ-INTEGRITY",)),
    QuestionInfo("q2", "datetime", 2.0,
                 {"en": "When was ledger.xlsx deleted?", "ru": "Когда удалён ledger.xlsx?"},
                 ("DF-FS-TIMESTAMPS", "DF-TL-NORMALISE")),
    QuestionInfo("q3", "integer", 1.0, {"en": "Cluster size in bytes?"}, ("DF-FS-METADATA",)),
    QuestionInfo("q4", "set", 3.0, {"en": "Names of the deleted files?"}, ("DF-FS-DELETED",)),
    QuestionInfo("q5", "text", 1.0, {"en": "Real type of holiday.jpg?"}, ("DF-FS-SIGNATURE",)),
    QuestionInfo("q6", "rubric", 2.0, {"en": "Summarise what the suspect did."}, ("DF-REP-REPORT",)),
)  # fmt: skip
_BY_ID = {q.id: q for q in QUESTIONS}

Row = tuple[Status, float, str, GivenAnswer]
_C: Row = ("correct", 1.0, "accepted", "x")


def _row(status: Status, points: float, reason: str, given: GivenAnswer) -> Row:
    return (status, points, reason, given)


def _verdicts(rows: dict[str, Row]) -> tuple[Verdict, ...]:
    out = []
    for question in QUESTIONS:
        status, points, reason, given = rows[question.id]
        if status == "correct":
            points = question.max_points
        out.append(
            Verdict(
                question.id, question.type, status, points, question.max_points, reason, given,
                line=3 + 2 * QUESTIONS.index(question), prompt=question.prompt,
                feedback={"en": f"Feedback for {question.id}.", "ru": f"Пояснение к {question.id}."},
                review=question.type == "rubric" and status != "unanswered",
            )
        )  # fmt: skip
    return tuple(out)


def _graded(
    trainee: str, name: str, rows: dict[str, Row], *, hint_cost: float = 0.0, hints: tuple[str, ...] = (),
    late_days: int = 0, late_share: float = 0.0,
) -> TraineeOutcome:  # fmt: skip
    result = GradeResult("usb-fraud", f"submissions/{trainee}.yaml", _verdicts(rows))
    score = round((result.total - hint_cost) * (1 - late_share), 4)
    percentage = round(100 * score / MAX_POINTS, 2)
    shares: dict[str, list[float]] = {}
    for verdict in result.verdicts:
        for code in _BY_ID[verdict.question_id].competencies:
            got = shares.setdefault(code, [0.0, 0.0])
            got[0] += verdict.points
            got[1] += verdict.max_points
    return TraineeOutcome(
        trainee=trainee, name=name, case_id=f"USB-{trainee.upper()}", status="graded", problem=None,
        result=result, score=score, max_points=MAX_POINTS, percentage=percentage,
        passed=percentage >= PASS_MARK, hints_used=hints, late_days=late_days,
        competencies={code: round(p / m, 4) for code, (p, m) in sorted(shares.items())},
        review=tuple(v.question_id for v in result.verdicts if v.review),
    )  # fmt: skip


def _not_graded(trainee: str, name: str, status: Status, problem: str | None) -> TraineeOutcome:
    return TraineeOutcome(
        trainee=trainee, name=name, case_id=f"USB-{trainee.upper()}", status=status,  # type: ignore[arg-type]
        problem=problem, result=None, score=0.0, max_points=MAX_POINTS, percentage=0.0, passed=False,
    )  # fmt: skip


T03_HASH = "3f" * 32
T03_TIME = "2026-03-14T10:03:12+05:00"

OUTCOMES: tuple[TraineeOutcome, ...] = (
    _graded("t01", "Aigerim Nurlanovna", {q: _C for q in _BY_ID}),
    _graded("t02", "Иван Петров", {
        "q1": _C, "q2": _row("partial", 1.0, "partial: stated time zone +03:00 is wrong (-1 point)",
                             "2026-03-14 08:03:12 +03:00"),
        "q3": _C, "q4": _row("partial", 2.0, "2 of 3 items", ("ledger.xlsx", "notes.txt")), "q5": _C,
        "q6": _row("partial", 1.0, "keywords 1 of 2 (found: USB); for review", "He copied it to USB."),
    }),
    _graded("t03", "Асқар Төлеуов", {
        "q1": _row("correct", 2, "accepted", T03_HASH), "q2": _row("correct", 2, "accepted", T03_TIME),
        "q3": _row("wrong", 0.0, "wrong", "512"), "q4": _C, "q5": _C, "q6": _C,
    }),
    _graded("t04", FORMULA_NAME, {
        "q1": _row("wrong", 0.0, "wrong: not a SHA-256", FORMULA_ANSWER),
        "q2": _row("unanswered", 0.0, "no answer", None), "q3": _C,
        "q4": _row("partial", 1.0, "1 of 3 items", ("ledger.xlsx",)),
        "q5": _row("wrong", 0.0, "wrong", "+jpeg"), "q6": _row("unanswered", 0.0, "no answer", None),
    }),
    _graded("t05", MARKUP_NAME, {
        "q1": _C, "q2": _C, "q3": _C,
        "q4": _row("partial", 2.0, "3 of 3 items, 1 wrong extra", ("a", "b", "c", "[red]d[/red]")),
        "q5": _row("wrong", 0.0, "wrong", "<b>PNG</b> & JPEG"),
        "q6": _row("unanswered", 0.0, "no answer", None),
    }),
    _not_graded("t06", "Ерлан Сейітқали", "malformed",
                "answers.yaml:4: not valid YAML (mapping values are not allowed here); fix that line"),
    _graded("t07", "Copy Cat", {
        "q1": _row("wrong", 0.0, "wrong", T03_HASH),
        "q2": _row("wrong", 0.0, "wrong: 2 h 10 min off", T03_TIME),
        "q3": _C, "q4": _C, "q5": _C, "q6": _row("partial", 1.0, "keywords 1 of 2; for review", "USB"),
    }),
    _not_graded("t08", "Мария Сидорова", "missing", None),
    _graded("t09", "Nurlan Abenov", {
        "q1": _C, "q2": _C, "q3": _row("wrong", 0.0, "wrong", "4096"), "q4": _C, "q5": _C,
        "q6": _row("partial", 1.0, "keywords 1 of 2; for review", "exfiltration"),
    }, hint_cost=0.5, hints=("q4",)),
    _graded("t10", "Olga Kim", {
        "q1": _C, "q2": _row("partial", 1.5, "partial: stated time zone is wrong", "2026-03-14 10:03 MSK"),
        "q3": _C, "q4": _row("partial", 1.0, "1 of 3 items", "ledger.xlsx"), "q5": _C,
        "q6": _row("wrong", 0.0, "keywords 0 of 2; for review", "nothing happened"),
    }, late_days=1, late_share=0.1),
    _not_graded("t11", HOSTILE_NAME, "malformed",
                "answers.yaml: the file is 10485760 bytes; a sheet is at most 1 MiB; hand in the template"),
    _graded("t12", "Тимур Ахметов", {
        "q1": _C, "q2": _C, "q3": _C, "q4": _C, "q5": _row("wrong", 0.0, "wrong", "jpg"),
        "q6": _row("partial", 1.5, "keywords 3 of 4; for review", "USB, ledger, deleted"),
    }),
)  # fmt: skip

FLAGS: tuple[CollusionFlag, ...] = (
    CollusionFlag(
        "t07", "t03",
        (CollusionMatch("q1", T03_HASH, 1), CollusionMatch("q2", T03_TIME, 1)),
        "strong",
        "2 answers wrong for t07's case are exactly right for t03's case and for no other variant.",
    ),
    CollusionFlag(
        "t09", "t10", (CollusionMatch("q3", "4096", 3),), "weak",
        "1 answer wrong for t09's case is right for t10's case, but 3 variants accept it: may be chance.",
    ),
)  # fmt: skip


def make_report(**changes: object) -> ClassReport:
    """The fixture class; keyword arguments replace fields (e.g. ``outcomes=()``)."""
    fields: dict[str, object] = {
        "scenario": "usb-fraud",
        "title": {"en": "The stolen ledger", "ru": "Украденная книга", "kk": "Ұрланған кітап"},
        "mode": "exam",
        "pass_mark": PASS_MARK,
        "run": 2,
        "questions": QUESTIONS,
        "outcomes": OUTCOMES,
        "flags": FLAGS,
        "unmatched": ("stranger.yaml", "t99/answers.yaml"),
    }
    fields.update(changes)
    return ClassReport(**fields)  # type: ignore[arg-type]

"""Grading a whole class: every sheet against its trainee's own key, the policy applied, the run recorded.

Submissions are found as ``SUBMISSIONS/ID.yaml`` (or ``.yml``) or
``SUBMISSIONS/ID/answers.yaml`` (what learning platforms export per student);
ids match case-insensitively. Anything else in the folder is reported as
unmatched rather than ignored, so a misnamed hand-in is noticed.

What the policy does to a graded sheet (see ``graders/policy.yaml``):

1. a hint the trainee was given (``labkit class hint``) costs its points on that
   question, never below zero;
2. each question counts by its weight (the mean weight of its competencies):
   percentage = sum(weight x points earned) / sum(weight x points possible);
3. a sheet handed in late loses ``per_day`` percent of that score per started
   day after the due time and the grace hours, at most ``max`` percent. The
   hand-in time is the sheet file's modification time: what a learning
   platform's download or a copy from a USB stick preserves of the upload. A
   collection method that resets it (e-mail attachments saved today) makes
   every sheet look late: grade without ``--due`` then.

The score is that percentage of the key's own total points, so weights change
what counts, not the scale. Competency shares use the same weights and the
hint costs but no late penalty (they describe skill, not punctuality).

A sheet whose header names another trainee's case is graded against its own
trainee's key (the only fair grade) and flagged as strong collusion evidence;
a header naming a case of no trainee of this class makes the sheet malformed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from labkit.classroom.collusion import find_collusion, sort_flags
from labkit.classroom.gradebook import Gradebook, HistoryEntry, open_for_class
from labkit.classroom.layout import ClassLayout
from labkit.classroom.manifest import ClassManifest, ClassTrainee
from labkit.classroom.outcome import ClassReport, CollusionFlag, QuestionInfo, TraineeOutcome
from labkit.errors import AnswerSheetError, LabkitError, LocatedError, UsageError
from labkit.grading.grader import grade, sheet_case_id
from labkit.grading.key_questions import prepare_key
from labkit.grading.policy import GradingPolicy, load_policy, policy_digest
from labkit.grading.results import GradeResult
from labkit.grading.sheet_reader import load_answer_sheet
from labkit.key import AnswerKey

SHEET_SUFFIXES = (".yaml", ".yml")
SHEET_NAMES = ("answers.yaml", "answers.yml")
_DAY = 86400.0


@dataclass(frozen=True)
class Submission:
    """Where a trainee's sheet was found (``path``), or why it cannot be used (``problem``)."""

    path: Path | None
    #: The name reports show: relative to the submissions folder, with '/' separators.
    shown: str
    problem: str | None = None


def grade_class(
    class_dir: str | Path,
    submissions_dir: str | Path,
    *,
    policy: GradingPolicy | None = None,
    due: datetime | None = None,
) -> ClassReport:
    """Grade every trainee of the class, record the run in the gradebook and return the report.

    ``due`` without a time zone is taken in this computer's local zone.

    Raises:
        UsageError: the class folder, a key, the submissions folder or the gradebook is unusable.
        GradingError: a key cannot be graded (unknown type, bad options).
    """
    class_dir = Path(class_dir)
    submissions_dir = Path(submissions_dir)
    manifest = ClassManifest.load(class_dir)
    keys = load_keys(class_dir, manifest)
    digests = key_digests(class_dir, manifest)
    policy = policy if policy is not None else load_policy()
    if due is not None and due.tzinfo is None:
        due = due.astimezone()
    submissions, unmatched = find_submissions(submissions_dir, [t.id for t in manifest.trainees])
    with open_for_class(class_dir) as book:
        hints = book.hints()
        by_case = {t.case_id: t.id for t in manifest.trainees}
        outcomes: list[TraineeOutcome] = []
        case_flags: dict[str, str] = {}
        for trainee in manifest.trainees:
            outcome, copied_from = _grade_trainee(
                trainee, keys[trainee.id], submissions.get(trainee.id), policy, due,
                hints.get(trainee.id, frozenset()), by_case,
            )  # fmt: skip
            outcomes.append(dataclasses.replace(outcome, key_sha256=digests[trainee.id]))
            if copied_from is not None:
                case_flags[trainee.id] = copied_from
        results = {o.trainee: o.result for o in outcomes if o.result is not None}
        flags = _merge_case_flags(find_collusion(keys, results), case_flags, keys)
        report = ClassReport(
            scenario=manifest.scenario,
            title=dict(manifest.title),
            mode=manifest.mode,
            pass_mark=policy.pass_mark,
            run=0,
            questions=_questions(keys[manifest.trainees[0].id]) if manifest.trainees else (),
            outcomes=tuple(outcomes),
            flags=flags,
            unmatched=unmatched,
        )
        run = _record(book, report, policy, due, submissions_dir)
    return dataclasses.replace(report, run=run)


def load_report(class_dir: str | Path, run: int | None = None) -> ClassReport:
    """The report of a recorded run (the latest when ``run`` is None), rebuilt from the gradebook.

    Raises:
        UsageError: not a class folder, no gradebook, or no such run.
    """
    class_dir = Path(class_dir)
    ClassManifest.load(class_dir)  # a clear error for a folder that is not a class
    with open_for_class(class_dir, create=False) as book:
        return book.load(run)


def load_keys(class_dir: Path, manifest: ClassManifest) -> dict[str, AnswerKey]:
    """Every trainee's key, checked to belong to the trainee and to grade (all-or-nothing).

    Raises:
        UsageError: a key is missing, unreadable, of another case, or asks other questions than the rest.
        GradingError: a key cannot be graded.
    """
    layout = ClassLayout(class_dir)
    keys: dict[str, AnswerKey] = {}
    first: tuple[str, list[str]] | None = None
    for trainee in manifest.trainees:
        path = layout.key(trainee.id)
        key = AnswerKey.load(path)
        if key.case_id and trainee.case_id and key.case_id != trainee.case_id:
            raise UsageError(
                f"{path}: this is the key of case {key.case_id}, but class.json gives {trainee.id} case "
                f"{trainee.case_id}; restore the trainer folder written by 'labkit class build'"
            )
        prepare_key(key)
        ids = [q.id for q in key.questions]
        if first is None:
            first = (trainee.id, ids)
        elif ids != first[1]:
            raise UsageError(
                f"{path}: asks questions {_short(ids)}, but {first[0]}'s key asks {_short(first[1])}; "
                "every key of a class comes from the same scenario, so rebuild the class"
            )
        keys[trainee.id] = key
    return keys


def key_digests(class_dir: Path, manifest: ClassManifest) -> dict[str, str]:
    """SHA-256 of each trainee's key file, recorded with every run (read after :func:`load_keys`)."""
    layout = ClassLayout(class_dir)
    digests = {}
    for trainee in manifest.trainees:
        try:
            digests[trainee.id] = hashlib.sha256(layout.key(trainee.id).read_bytes()).hexdigest()
        except OSError as exc:
            raise UsageError(f"{layout.key(trainee.id)}: cannot read the key ({exc.strerror})") from None
    return digests


def find_submissions(folder: Path, trainee_ids: list[str]) -> tuple[dict[str, Submission], tuple[str, ...]]:
    """Each trainee's submission (absent: nothing handed in) and the names that match no trainee.

    Raises:
        UsageError: the submissions folder does not exist or cannot be listed.
    """
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder; pass the folder holding the trainees' answer sheets")
    ids = {tid.casefold(): tid for tid in trainee_ids}
    found: dict[str, list[Submission]] = {}
    unmatched: list[str] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list the folder ({exc.strerror})") from None
    for entry in entries:
        if entry.name.startswith("."):  # .DS_Store, ._resource forks, editor files
            continue
        if entry.is_dir():
            trainee = ids.get(entry.name.casefold())
            if trainee is None:
                unmatched.append(entry.name + "/")
            else:
                found.setdefault(trainee, []).append(_folder_submission(Path(entry.path), entry.name))
            continue
        stem, suffix = os.path.splitext(entry.name)
        trainee = ids.get(stem.casefold()) if suffix.lower() in SHEET_SUFFIXES else None
        if trainee is None:
            unmatched.append(entry.name)
        else:
            found.setdefault(trainee, []).append(Submission(Path(entry.path), entry.name))
    submissions: dict[str, Submission] = {}
    for trainee, items in found.items():
        if len(items) == 1:
            submissions[trainee] = items[0]
        else:
            names = " and ".join(item.shown for item in items)
            submissions[trainee] = Submission(
                None, items[0].shown, f"{names}: two sheets for {trainee}; keep one and grade again"
            )
    return submissions, tuple(unmatched)


def _folder_submission(folder: Path, shown: str) -> Submission:
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        return Submission(None, shown + "/", f"{shown}/: cannot list the folder ({exc.strerror})")
    sheets = [name for name in names if name.lower() in SHEET_NAMES]
    if len(sheets) == 1:
        return Submission(folder / sheets[0], f"{shown}/{sheets[0]}")
    if sheets:
        return Submission(None, f"{shown}/", f"{shown}/: two sheets ({', '.join(sheets)}); keep one")
    visible = [name for name in names if not name.startswith(".")]
    listed = ", ".join(visible[:5]) + (", ..." if len(visible) > 5 else "") or "nothing"
    return Submission(None, f"{shown}/", f"{shown}/: no answers.yaml in the folder (found: {listed})")


def _grade_trainee(
    trainee: ClassTrainee,
    key: AnswerKey,
    submission: Submission | None,
    policy: GradingPolicy,
    due: datetime | None,
    hints: frozenset[str],
    by_case: dict[str, str],
) -> tuple[TraineeOutcome, str | None]:
    """The trainee's outcome, and whose case id their sheet carries when it is another trainee's."""
    hints_used = tuple(q.id for q in key.questions if q.id in hints)
    empty = TraineeOutcome(
        trainee=trainee.id, name=trainee.name, case_id=trainee.case_id, status="missing", problem=None,
        result=None, score=0.0, max_points=round(key.total_points, 4), percentage=0.0, passed=False,
        hints_used=hints_used,
    )  # fmt: skip
    if submission is None:
        return empty, None
    if submission.problem is not None or submission.path is None:
        return dataclasses.replace(empty, status="malformed", problem=submission.problem), None
    copied_from = None
    try:
        result = _grade_sheet(key, submission)
        sheet_case = sheet_case_id(submission.path)
        if sheet_case and key.case_id and sheet_case != key.case_id:
            copied_from = by_case.get(sheet_case)
            if copied_from is None:
                raise AnswerSheetError(
                    f"the sheet is for case {sheet_case}, which is no case of this class",
                    file=submission.shown, line=_case_line(submission.path),
                    hint=f"{trainee.id}'s case is {key.case_id}; hand in the sheet of that case",
                )  # fmt: skip
    except LabkitError as exc:
        return dataclasses.replace(empty, status="malformed", problem=exc.one_line()), None
    except Exception as exc:  # one sheet must never stop the grading of a whole class
        problem = f"{submission.shown}: labkit could not grade this sheet ({type(exc).__name__}); report it"
        return dataclasses.replace(empty, status="malformed", problem=problem), None
    late_days = _late_days(submission.path, due, policy) if due is not None else 0
    return _apply_policy(empty, key, result, policy, hints, late_days), copied_from


def _grade_sheet(key: AnswerKey, submission: Submission) -> GradeResult:
    """Read and grade one sheet; errors name the sheet as reports show it, not the full path."""
    assert submission.path is not None
    try:
        sheet = load_answer_sheet(submission.path)
    except LocatedError as exc:
        raise AnswerSheetError(
            exc.message, file=submission.shown, line=exc.line, column=exc.column, field=exc.field,
            value=exc.value, hint=exc.hint,
        ) from None  # fmt: skip
    return grade(key, dataclasses.replace(sheet, file=submission.shown))


def _case_line(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    for number, line in enumerate(head.splitlines(), start=1):
        if line.startswith("# case:"):
            return number
    return None


def _late_days(path: Path, due: datetime, policy: GradingPolicy) -> int:
    """Started days between the due time (plus grace) and the sheet file's modification time."""
    handed_in = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    late = (handed_in - (due + timedelta(hours=policy.late_penalty.grace_hours))).total_seconds()
    return math.ceil(late / _DAY) if late > 0 else 0


def _apply_policy(
    base: TraineeOutcome,
    key: AnswerKey,
    result: GradeResult,
    policy: GradingPolicy,
    hints: frozenset[str],
    late_days: int,
) -> TraineeOutcome:
    earned_w = possible_w = 0.0
    # competency -> [weighted earned, weighted possible, earned, possible]
    shares: dict[str, list[float]] = {}
    for question, verdict in zip(key.questions, result.verdicts, strict=True):
        earned = verdict.points
        if question.id in hints:
            earned = max(0.0, earned - policy.hint_cost(question.hint_cost, question.points))
        weight = policy.question_weight(question.competencies)
        earned_w += weight * earned
        possible_w += weight * question.points
        for code in dict.fromkeys(question.competencies):
            sums = shares.setdefault(code, [0.0, 0.0, 0.0, 0.0])
            sums[0] += weight * earned
            sums[1] += weight * question.points
            sums[2] += earned
            sums[3] += question.points
    share = earned_w / possible_w if possible_w > 0 else 0.0
    share *= 1.0 - policy.late_penalty.penalty(late_days) / 100.0
    percentage = round(100.0 * share, 2)
    competencies: dict[str, float] = {}
    for code, (cw_earned, cw_possible, c_earned, c_possible) in shares.items():
        if cw_possible > 0:
            competencies[code] = round(cw_earned / cw_possible, 4)
        elif c_possible > 0:
            competencies[code] = round(c_earned / c_possible, 4)
    return dataclasses.replace(
        base,
        status="graded",
        result=result,
        score=round(share * key.total_points, 4),
        percentage=percentage,
        passed=percentage >= policy.pass_mark,
        late_days=late_days,
        competencies=competencies,
        review=tuple(v.question_id for v in result.verdicts if v.review),
    )


def _merge_case_flags(
    flags: tuple[CollusionFlag, ...],
    case_flags: dict[str, str],
    keys: dict[str, AnswerKey],
) -> tuple[CollusionFlag, ...]:
    """Add 'this sheet carries O's case id' to the answer-based flags (always strong evidence)."""
    if not case_flags:
        return flags
    merged = {(f.trainee, f.other): f for f in flags}
    for trainee, other in sorted(case_flags.items()):
        sentence = (
            f"{trainee}'s sheet carries the case id of {other}'s case ({keys[other].case_id}): "
            f"it was filled in on {other}'s sheet."
        )
        existing = merged.get((trainee, other))
        if existing is None:
            merged[(trainee, other)] = CollusionFlag(trainee, other, (), "strong", sentence)
        else:
            merged[(trainee, other)] = dataclasses.replace(
                existing, strength="strong", explanation=f"{sentence} {existing.explanation}"
            )
    return sort_flags(merged.values())


def _questions(key: AnswerKey) -> tuple[QuestionInfo, ...]:
    return tuple(
        QuestionInfo(q.id, q.type, q.points, dict(q.prompt), tuple(q.competencies)) for q in key.questions
    )


def _record(
    book: Gradebook, report: ClassReport, policy: GradingPolicy, due: datetime | None, submissions: Path
) -> int:
    return book.record_run(
        report,
        graded_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        policy_json=policy.canonical_json(),
        policy_sha256=policy_digest(policy),
        due=due.isoformat() if due is not None else None,
        submissions=str(submissions),
    )


def _short(ids: list[str]) -> str:
    return ", ".join(ids[:6]) + (", ..." if len(ids) > 6 else "")


@dataclass(frozen=True)
class GivenHint:
    """A hint as ``labkit class hint`` records it: its text, what it costs, and whether it was new."""

    trainee: str
    question: str
    text: dict[str, str]
    cost: float
    points: float
    #: False when this hint had already been recorded for the trainee (it is charged once).
    new: bool


def give_hint(
    class_dir: str | Path, trainee: str, question: str, *, policy: GradingPolicy | None = None
) -> GivenHint:
    """Record that ``trainee`` was given the hint to ``question``; every later run charges it.

    Raises:
        UsageError: unknown trainee or question, or the question has no hint.
    """
    class_dir = Path(class_dir)
    manifest = ClassManifest.load(class_dir)
    trainee = _known_trainee(manifest, trainee, class_dir)
    key = AnswerKey.load(ClassLayout(class_dir).key(trainee))
    ids = [q.id for q in key.questions]
    if question not in ids:
        from labkit.scenario.validation_errors import did_you_mean

        hint = did_you_mean(question, ids) or f"the questions are {_short(ids)}"
        raise UsageError(f"{class_dir}: {trainee}'s case has no question {question!r}; {hint}")
    item = key.question(question)
    if not any(text.strip() for text in item.hint.values()):
        raise UsageError(
            f"{class_dir}: question {question!r} has no hint in the scenario; nothing was recorded"
        )
    policy = policy if policy is not None else load_policy()
    with open_for_class(class_dir) as book:
        new = book.add_hint(trainee, question, datetime.now(UTC).replace(microsecond=0).isoformat())
    return GivenHint(
        trainee, question, dict(item.hint), round(policy.hint_cost(item.hint_cost, item.points), 4),
        item.points, new,
    )  # fmt: skip


def trainee_history(class_dir: str | Path, trainee: str) -> tuple[HistoryEntry, ...]:
    """The trainee's result in every recorded run, oldest first.

    Raises:
        UsageError: no gradebook, or a trainee neither in the class nor in the gradebook.
    """
    class_dir = Path(class_dir)
    manifest = ClassManifest.load(class_dir)
    with open_for_class(class_dir, create=False) as book:
        entries = book.history(trainee)
        if not entries:
            trainee = _known_trainee(manifest, trainee, class_dir)
            entries = book.history(trainee)
    return entries


def _known_trainee(manifest: ClassManifest, trainee: str, class_dir: Path) -> str:
    """The roster's spelling of ``trainee`` (ids match case-insensitively)."""
    ids = [t.id for t in manifest.trainees]
    for known in ids:
        if known.casefold() == trainee.casefold():
            return known
    from labkit.scenario.validation_errors import did_you_mean

    hint = did_you_mean(trainee, ids) or f"the trainees are {_short(ids)}"
    raise UsageError(f"{class_dir}: {trainee!r} is not a trainee of this class; {hint}")

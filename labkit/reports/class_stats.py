"""The class's numbers, computed once so every report format shows the same ones.

Means and medians are over graded sheets only: an unreadable or missing sheet
is a fact about the hand-in, not a score of 0 to average in (the report lists
those trainees separately). Pass counts are over the whole roster.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from labkit.classroom.outcome import ClassReport, TraineeOutcome
from labkit.competencies import load_framework
from labkit.grading.results import STATUSES, Status, Verdict

#: Histogram bins of ten percentage points: 0-9.99, 10-19.99, ..., 90-100.
BINS = 10


@dataclass(frozen=True)
class QuestionStats:
    """How the graded sheets did on one question."""

    id: str
    max_points: float
    counts: dict[Status, int]
    #: Mean points over graded sheets (None when none was graded).
    mean_points: float | None
    #: Mean share of the points earned, 0..1: the classical item difficulty index (1 = easy).
    mean_share: float | None
    review: int


@dataclass(frozen=True)
class ClassStats:
    trainees: int
    graded: int
    malformed: int
    missing: int
    passed: int
    review: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    histogram: tuple[int, ...]
    questions: tuple[QuestionStats, ...]
    #: Competency codes the questions map, framework order first, then unknown codes sorted.
    competencies: tuple[str, ...]
    #: Code -> mean share over the graded sheets that have it (None: no graded sheet does).
    competency_means: dict[str, float | None]
    #: Trainee ids named in a collusion flag, on either side.
    flagged: frozenset[str]


def verdicts_by_question(outcome: TraineeOutcome) -> dict[str, Verdict]:
    """The outcome's verdicts by question id (empty unless the sheet was graded)."""
    if outcome.result is None:
        return {}
    return {verdict.question_id: verdict for verdict in outcome.result.verdicts}


def histogram_bin(percentage: float) -> int:
    """The bin a percentage falls in; 100 % belongs to the top bin, out-of-range values are clamped."""
    return max(0, min(BINS - 1, int(percentage // (100 / BINS))))


def competency_order(codes: set[str]) -> tuple[str, ...]:
    """Codes in framework order (areas and competencies as the file lists them), unknown ones last."""
    known = list(load_framework())
    index = {code: i for i, code in enumerate(known)}
    return tuple(sorted(codes, key=lambda code: (index.get(code, len(known)), code)))


def class_stats(report: ClassReport) -> ClassStats:
    graded = [item for item in report.outcomes if item.status == "graded"]
    scores = [item.percentage for item in graded]
    histogram = [0] * BINS
    for score in scores:
        histogram[histogram_bin(score)] += 1
    questions = []
    for question in report.questions:
        verdicts = [v for o in graded if (v := verdicts_by_question(o).get(question.id)) is not None]
        counts: dict[Status, int] = {status: 0 for status in STATUSES}
        for verdict in verdicts:
            counts[verdict.status] += 1
        mean_points = statistics.fmean(v.points for v in verdicts) if verdicts else None
        share = None
        if mean_points is not None:
            share = mean_points / question.max_points if question.max_points > 0 else 0.0
        questions.append(
            QuestionStats(
                question.id,
                question.max_points,
                counts,
                _round(mean_points),
                _round(share),
                sum(1 for v in verdicts if v.review),
            )
        )
    codes = competency_order(
        {code for q in report.questions for code in q.competencies}
        | {code for o in report.outcomes for code in o.competencies}
    )
    means: dict[str, float | None] = {}
    for code in codes:
        shares = [o.competencies[code] for o in graded if code in o.competencies]
        means[code] = _round(statistics.fmean(shares)) if shares else None
    return ClassStats(
        trainees=len(report.outcomes),
        graded=len(graded),
        malformed=sum(1 for item in report.outcomes if item.status == "malformed"),
        missing=sum(1 for item in report.outcomes if item.status == "missing"),
        passed=sum(1 for item in report.outcomes if item.passed),
        review=sum(1 for item in report.outcomes if item.review),
        mean=_round(statistics.fmean(scores)) if scores else None,
        median=_round(statistics.median(scores)) if scores else None,
        minimum=min(scores) if scores else None,
        maximum=max(scores) if scores else None,
        histogram=tuple(histogram),
        questions=tuple(questions),
        competencies=codes,
        competency_means=means,
        flagged=frozenset({f.trainee for f in report.flags} | {f.other for f in report.flags}),
    )


def _round(value: float | None) -> float | None:
    # Four decimals: enough for any report, and free of float noise that would change bytes.
    return None if value is None else round(value, 4)


def copy_relations(report: ClassReport, trainee: str) -> list[tuple[str, list[str]]]:
    """("copied_from", [ids whose answers this trainee's sheet holds]) and ("copied_by", [ids whose
    sheets hold this trainee's answers]): the two sides of a flag are not the same accusation."""
    relations = []
    sources = sorted({f.other for f in report.flags if f.trainee == trainee})
    if sources:
        relations.append(("copied_from", sources))
    copiers = sorted({f.trainee for f in report.flags if f.other == trainee})
    if copiers:
        relations.append(("copied_by", copiers))
    return relations

"""What grading a class produces; every report (terminal, JSON, CSV, JUnit, HTML) renders only this.

Built by :func:`labkit.classroom.grading.grade_class` (or read back from the
gradebook); never printed or written by the code that grades.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from labkit.grading.results import GradeResult

#: graded: a sheet was graded; malformed: the sheet could not be read (``problem`` says why);
#: missing: no sheet was handed in.
SheetStatus = Literal["graded", "malformed", "missing"]
Strength = Literal["strong", "moderate", "weak"]


@dataclass(frozen=True)
class QuestionInfo:
    """A question as the class reports show it (the same for every variant of the scenario)."""

    id: str
    type: str
    max_points: float
    prompt: Mapping[str, str]
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class TraineeOutcome:
    """One trainee's result after the grading policy (hint costs, late penalty, weights)."""

    trainee: str
    name: str
    case_id: str | None
    status: SheetStatus
    #: One line for a malformed sheet ("answers.yaml:3: ..."), None otherwise.
    problem: str | None
    #: The typed grading of the sheet (per-question verdicts); None unless graded.
    result: GradeResult | None
    score: float
    max_points: float
    percentage: float
    passed: bool
    hints_used: tuple[str, ...] = ()
    late_days: int = 0
    #: Competency id -> share of its (weighted) points earned, 0..1; only competencies the key maps.
    competencies: Mapping[str, float] = field(default_factory=dict)
    #: Question ids whose credit waits for a trainer's review (free-text rubric answers).
    review: tuple[str, ...] = ()
    #: SHA-256 of the key file graded against: a key fixed between runs shows in the history.
    key_sha256: str | None = None


@dataclass(frozen=True)
class CollusionMatch:
    """One question where ``trainee`` wrote what is wrong for their own case but right for ``other``'s."""

    question: str
    given: str
    #: How many variants of the class accept this answer (1: only the other's, the strongest evidence).
    accepted_by: int


@dataclass(frozen=True)
class CollusionFlag:
    """Evidence that ``trainee`` copied from (or was given) ``other``'s answers."""

    trainee: str
    other: str
    matches: tuple[CollusionMatch, ...]
    strength: Strength
    #: One sentence an instructor can read out: why this is strong, moderate or weak evidence.
    explanation: str

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(m.question for m in self.matches)


@dataclass(frozen=True)
class ClassReport:
    """A graded class: the numbers every report shows, in one place."""

    scenario: str
    title: Mapping[str, str]
    mode: str
    pass_mark: float
    #: The gradebook run these results belong to (1 for the first grading, +1 per regrade).
    run: int
    questions: tuple[QuestionInfo, ...]
    outcomes: tuple[TraineeOutcome, ...]
    flags: tuple[CollusionFlag, ...] = ()
    #: Submission files that match no trainee of the roster (names as found).
    unmatched: tuple[str, ...] = ()

    def outcome(self, trainee: str) -> TraineeOutcome:
        for item in self.outcomes:
            if item.trainee == trainee:
                return item
        raise KeyError(trainee)

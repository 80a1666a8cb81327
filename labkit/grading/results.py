"""What grading returns: one verdict per question and the sheet's total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["correct", "partial", "wrong", "unanswered"]
STATUSES: tuple[Status, ...] = ("correct", "partial", "wrong", "unanswered")

#: The answer exactly as the trainee gave it: one value, several (a list), or nothing.
GivenAnswer = str | tuple[str, ...] | None


@dataclass(frozen=True)
class Check:
    """An answer type's judgement of one answer: a share of the points and why.

    ``credit`` is 1.0 for right, 0.0 for wrong and in between for partial credit,
    so the points a question is worth stay in the key and out of the answer types.
    """

    credit: float
    reason: str
    #: True when a person must confirm the credit (free text marked by a keyword rubric).
    review: bool = False

    @classmethod
    def accepted(cls, reason: str = "accepted") -> Check:
        return cls(1.0, reason)

    @classmethod
    def wrong(cls, detail: str | None = None) -> Check:
        return cls(0.0, f"wrong: {detail}" if detail else "wrong")

    @classmethod
    def partial(cls, credit: float, detail: str) -> Check:
        return cls(credit, f"partial: {detail}")


@dataclass(frozen=True)
class Verdict:
    """How one question was graded, with what the report needs to show it."""

    question_id: str
    answer_type: str
    status: Status
    points: float
    max_points: float
    reason: str
    given: GivenAnswer
    line: int | None = None
    prompt: Mapping[str, str] = field(default_factory=dict)
    feedback: Mapping[str, str] = field(default_factory=dict)
    #: The credit is provisional until a trainer reviews it (free-text rubric answers).
    review: bool = False


@dataclass(frozen=True)
class GradeResult:
    """One trainee's sheet graded against one key; totals are derived, never stored twice."""

    scenario: str
    sheet: str
    verdicts: tuple[Verdict, ...]
    #: How the sheet was read when it was not valid YAML (see labkit.grading.sheet_reader); None if it was.
    note: str | None = None

    @property
    def total(self) -> float:
        return round(sum(v.points for v in self.verdicts), 4)

    @property
    def max_points(self) -> float:
        return round(sum(v.max_points for v in self.verdicts), 4)

    @property
    def percentage(self) -> float:
        """Share of the points earned, 0-100, rounded to two decimals (0 for a key worth nothing)."""
        if self.max_points <= 0:
            return 0.0
        return round(100.0 * self.total / self.max_points, 2)

    def count(self, status: Status) -> int:
        return sum(1 for v in self.verdicts if v.status == status)

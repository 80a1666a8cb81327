"""The answer key: what the trainer keeps, apart from the trainee's case folder.

Every expected answer is resolved from facts the evidence writers recorded about
what they actually wrote (never typed by hand); ``source`` names that fact so
``labkit verify`` can read it back out of the evidence with independent tools.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.errors import UsageError

KEY_FORMAT = 1
MAX_KEY_BYTES = 16 * 1024 * 1024

Medium = Literal["disk", "network", "memory", "several"]


class KeyQuestion(BaseModel):
    """One question of a variant, with its resolved answer."""

    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    answer: Any
    points: float
    medium: Medium
    media: list[str] = Field(default_factory=list)
    competencies: list[str] = Field(default_factory=list)
    prompt: dict[str, str] = Field(default_factory=dict)
    feedback: dict[str, str] = Field(default_factory=dict)
    # Type-specific options, e.g. {"tolerance_seconds": 2}, {"choices": [...]},
    # {"alternatives": [...]}, {"case_sensitive": false}, {"algorithm": "sha256"}.
    options: dict[str, Any] = Field(default_factory=dict)
    # The recorded fact the answer came from, e.g. "ledger.sha256" (for verify).
    source: str | None = None
    # For a set or list answer built from several facts: each item's fact, in answer order.
    sources: list[str] = Field(default_factory=list)
    # A hint the trainer may give (costing hint_cost points when given), per language.
    hint: dict[str, str] = Field(default_factory=dict)
    hint_cost: float = 0


class AnswerKey(BaseModel):
    """The trainer's key for one generated variant."""

    model_config = ConfigDict(extra="forbid")

    format: int = KEY_FORMAT
    scenario: str
    title: dict[str, str] = Field(default_factory=dict)
    seed: int | str
    #: Names the variant without revealing anything: a hash of its evidence. Printed on the
    #: answer sheet so a sheet graded against another trainee's key is caught.
    case_id: str | None = None
    questions: list[KeyQuestion]

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> KeyQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    @classmethod
    def load(cls, path: str | Path) -> AnswerKey:
        """Read a key file; any problem is one clear UsageError."""
        path = Path(path)
        try:
            raw = read_bounded(path, MAX_KEY_BYTES).decode("utf-8")
        except ReadProblem as problem:
            raise UsageError(
                f"{path}: key file: {problem.message}; pass the key.json written by 'labkit generate'"
            ) from None
        except UnicodeDecodeError:
            raise UsageError(
                f"{path}: key file is not UTF-8 text; pass the key.json written by 'labkit generate'"
            ) from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"{path}:{exc.lineno}:{exc.colno}: key file is not valid JSON ({exc.msg}); "
                "regenerate it with 'labkit generate'"
            ) from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise UsageError(
                f"{path}: key field {loc}: {first['msg']}; regenerate it with 'labkit generate'"
            ) from None

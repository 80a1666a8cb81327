"""The grading policy: how a class's typed results become scores (``graders/policy.yaml``).

The answer types decide how right each answer is; the policy decides what that
is worth for a course: the pass mark, how much each competency counts, what a
hint costs and what a late hand-in costs. It lives in a file beside the
competency framework so an academy can change it without touching code, and
its digest is recorded with every gradebook run, so a score can always be
traced to the policy that produced it.

Every number is checked when the file loads; a mistake is one located line
(file, line, field, what is wrong, what would be right).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from labkit.errors import LocatedError, ScenarioError

POLICY_PATH = Path(__file__).resolve().parents[2] / "graders" / "policy.yaml"
POLICY_FORMAT = 1
_HINT = "see the comments in graders/policy.yaml"


class LatePenalty(BaseModel):
    """What a sheet handed in after the due time costs (a share of its score per started day late)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Percent of the score taken per started day late (after the grace period).
    per_day: float = Field(0.0, ge=0, le=100)
    #: The most a late hand-in can lose, in percent of the score.
    max: float = Field(100.0, ge=0, le=100)
    #: Hours after the due time that still count as on time (upload queues, clock skew).
    grace_hours: float = Field(0.0, ge=0, le=24 * 365)

    def penalty(self, late_days: int) -> float:
        """Percent of the score taken for ``late_days`` started days late."""
        return min(self.max, self.per_day * max(late_days, 0))


class GradingPolicy(BaseModel):
    """A validated ``policy.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = POLICY_FORMAT
    #: Percentage (0-100) a trainee needs to pass.
    pass_mark: float = Field(60.0, ge=0, le=100)
    #: Competency code -> weight (>= 0); codes not listed weigh 1.
    competency_weights: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )
    #: Share (0-1) of a question's points a hint costs when the key gives no hint_cost of its own.
    default_hint_cost: float = Field(0.25, ge=0, le=1)
    late_penalty: LatePenalty = Field(default_factory=LatePenalty)

    def competency_weight(self, code: str) -> float:
        return self.competency_weights.get(code, 1.0)

    def question_weight(self, competencies: list[str] | tuple[str, ...]) -> float:
        """A question counts by the mean weight of the competencies it trains (1 when it names none).

        The mean (not the sum) keeps a question mapped to three competencies from
        counting three times.
        """
        if not competencies:
            return 1.0
        return sum(self.competency_weight(code) for code in competencies) / len(competencies)

    def hint_cost(self, key_hint_cost: float, points: float) -> float:
        """Points a given hint costs: the key's own cost, or the policy's share of the question's points."""
        if key_hint_cost > 0:
            return min(key_hint_cost, points)
        return self.default_hint_cost * points

    def canonical_json(self) -> str:
        """The policy as sorted, compact JSON: what the digest covers and what the gradebook stores."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def policy_digest(policy: GradingPolicy) -> str:
    """SHA-256 of the policy's canonical JSON: equal policies, equal digests, whatever the file's layout."""
    return hashlib.sha256(policy.canonical_json().encode("utf-8")).hexdigest()


def load_policy(path: str | Path | None = None) -> GradingPolicy:
    """Read and check a policy file (``graders/policy.yaml`` when ``path`` is None).

    Raises:
        LocatedError: the file cannot be read, is not YAML, has an unknown or invalid field, or weighs
            a competency code the framework does not know (naming the line).
    """
    from labkit.scenario.yaml_source import load_yaml

    path = Path(path) if path is not None else POLICY_PATH
    try:
        source = load_yaml(path)
    except ScenarioError as exc:
        hint = exc.hint if exc.hint and "scenario" not in exc.hint else _HINT
        raise LocatedError(exc.message, file=path, line=exc.line, column=exc.column, hint=hint) from None
    data = source.data
    if not isinstance(data, Mapping):
        raise LocatedError("a policy is a mapping of 'name: value' lines", file=path, line=1, hint=_HINT)
    try:
        policy = GradingPolicy.model_validate(_plain(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [part for part in first["loc"] if isinstance(part, str | int)]
        position = source.position(loc)
        field = ".".join(str(part) for part in loc) or None
        message = first["msg"]
        value = first.get("input")
        if first["type"] == "extra_forbidden":
            message, value = "unknown field", None
        raise LocatedError(
            message, file=path, line=position.line, column=position.column, field=field,
            value=value if isinstance(value, str | int | float) else None, hint=_HINT,
        ) from None  # fmt: skip
    if policy.format != POLICY_FORMAT:
        position = source.position(["format"])
        raise LocatedError(
            f"unknown policy format {policy.format}", file=path, line=position.line, field="format",
            hint=f"this labkit reads format {POLICY_FORMAT}",
        )  # fmt: skip
    _check_codes(policy, source, path)
    return policy


def _check_codes(policy: GradingPolicy, source: Any, path: Path) -> None:
    from labkit.competencies import load_framework

    known = load_framework()
    for code in policy.competency_weights:
        if code not in known:
            from labkit.scenario.validation_errors import did_you_mean

            position = source.position(["competency_weights", code])
            hint = did_you_mean(code, list(known)) or "use a competency id of graders/competencies.yaml"
            raise LocatedError(
                f"unknown competency {code!r}", file=path, line=position.line, column=position.column,
                field=f"competency_weights.{code}", hint=hint,
            )  # fmt: skip


def _plain(value: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (pydantic validates plain data)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

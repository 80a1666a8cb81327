"""A variant: a scenario with every random choice fixed by a seed.

Variables are drawn in the order they are declared, each from its own random
stream, so the same scenario and seed give the same values on any machine.
The timeline is scheduled: each action's time is evaluated (plus its seeded
jitter) and actions are applied in time order, ties in file order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from labkit.errors import ScenarioError
from labkit.scenario.loader import Scenario
from labkit.scenario.templating import TemplateProblem
from labkit.scenario.time_expressions import TimeExpressionError, evaluate, parse_duration
from labkit.scenario.variables import DrawContext
from labkit.seeding import rng_for
from labkit.story import Action


@dataclass(frozen=True)
class ScheduledAction:
    when: datetime
    index: int
    action: Action


@dataclass
class Variant:
    scenario: Scenario
    seed: int | str
    values: dict[str, Any]
    schedule: list[ScheduledAction]


def draw_variables(scenario: Scenario, seed: int | str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    ctx = DrawContext(values, scenario.zone)
    for name, variable in scenario.variables.items():
        try:
            values[name] = variable.draw(rng_for(seed, "variable", name), ctx)
        except (ValueError, TemplateProblem, TimeExpressionError) as exc:
            raise scenario.error_at(["variables", name], str(exc)) from None
    return values


def schedule(scenario: Scenario, seed: int | str, values: dict[str, Any]) -> list[ScheduledAction]:
    out: list[ScheduledAction] = []
    previous: datetime | None = None
    for index, action in enumerate(scenario.actions):
        try:
            if action.at is None:
                if previous is None:
                    raise TimeExpressionError("the first action needs an 'at'")
                when = previous + timedelta(seconds=1)
            else:
                when = evaluate(action.at, variables=values, zone=scenario.zone, previous=previous)
            if action.jitter:
                span = parse_duration(action.jitter).total_seconds()
                rng = rng_for(seed, "jitter", str(index))
                when += timedelta(milliseconds=rng.randrange(int(span * 1000) + 1))
        except TimeExpressionError as exc:
            raise scenario.error_at(["timeline", index, "at"], str(exc)) from None
        out.append(ScheduledAction(when, index, action))
        previous = when
    return sorted(out, key=lambda s: (s.when, s.index))


def make_variant(scenario: Scenario, seed: int | str) -> Variant:
    """Fix every random choice of ``scenario`` with ``seed``."""
    values = draw_variables(scenario, seed)
    return Variant(scenario, seed, values, schedule(scenario, seed, values))


__all__ = ["ScenarioError", "ScheduledAction", "Variant", "make_variant"]

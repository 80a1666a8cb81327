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
from labkit.scenario.time_expressions import (
    TimeExpressionError,
    evaluate,
    parse_duration,
    parse_time_expression,
)
from labkit.scenario.variables import DrawContext, VariableProblem
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
    """Draw every variable in declaration order, each from its own seeded stream."""
    values: dict[str, Any] = {}
    ctx = DrawContext(values, scenario.zone)
    for name, variable in scenario.variables.items():
        _check_order(scenario, name, variable, values)
        try:
            values[name] = variable.draw(rng_for(seed, "variable", name), ctx)
        except VariableProblem as exc:
            raise scenario.error_at(["variables", name, *exc.field], str(exc)) from None
        except TemplateProblem as exc:
            raise scenario.error_at(["variables", name], f"template: {exc}", hint=exc.hint) from None
        except (ValueError, TimeExpressionError) as exc:
            raise scenario.error_at(["variables", name], str(exc)) from None
    return values


def _check_order(scenario: Scenario, name: str, variable: Any, values: dict[str, Any]) -> None:
    """A variable may only use variables declared above it (they are drawn in order)."""
    texts: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(getattr(variable, "between", None), tuple):
        texts = [(("between", i), text) for i, text in enumerate(variable.between)]
    for field, text in texts:
        base = parse_time_expression(text).base
        root = base.split(".", 1)[0] if base else None
        if root is not None and root not in values and root in scenario.variables:
            raise scenario.error_at(
                ["variables", name, *field],
                f"uses {root!r}, which is declared after {name!r}",
                hint=f"variables are drawn in order: move {root!r} above {name!r}",
            )


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

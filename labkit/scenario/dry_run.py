"""Render every text of a scenario once, without writing evidence.

Catches undefined template names, impossible variable windows and bad time
expressions at load time, before any byte is written.
"""

from __future__ import annotations

from typing import Any

from labkit.i18n import as_mapping
from labkit.scenario.templating import TemplateProblem, render_template

_NOT_TEMPLATES = {"action", "id", "at", "jitter"}


def dry_run(scenario: Any) -> None:
    from labkit.scenario.variant import make_variant

    variant = make_variant(scenario, 0)
    values = variant.values
    spec = scenario.spec
    for field in ("title", "briefing"):
        for lang, text in as_mapping(getattr(spec, field)).items():
            _render(scenario, [field, lang] if isinstance(getattr(spec, field), dict) else [field], text, values)
    for i, question in enumerate(spec.questions):
        for field in ("prompt", "hint", "feedback"):
            value = getattr(question, field)
            for lang, text in as_mapping(value).items():
                where = ["questions", i, field] + ([lang] if isinstance(value, dict) else [])
                _render(scenario, where, text, values)
    for i, action in enumerate(scenario.actions):
        _walk(scenario, ["timeline", i], action.model_dump(exclude_none=True), values)


def _walk(scenario: Any, where: list[str | int], node: Any, values: dict[str, Any]) -> None:
    if isinstance(node, str):
        _render(scenario, where, node, values)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not (len(where) == 2 and key in _NOT_TEMPLATES):
                _walk(scenario, [*where, key], value, values)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(scenario, [*where, index], value, values)


def _render(scenario: Any, where: list[str | int], text: str, values: dict[str, Any]) -> None:
    try:
        render_template(text, values)
    except TemplateProblem as exc:
        raise scenario.error_at(where, f"template error: {exc}",
                                hint=f"variables: {', '.join(values) or '(none declared)'}") from None

"""A question's answer-type options, from its shortcut fields and its own ``options``.

The shortcuts (``tolerance``, ``case_sensitive``, ``alternatives``, ``choices``)
read naturally in a scenario; ``options`` reaches every option a type declares
(``item`` of a set, ``keywords`` of a rubric...). Both the scenario check (at
load, so a typo is reported at its line) and the key resolver build options here,
so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labkit.scenario.model import QuestionSpec


def question_options(
    question: QuestionSpec, *, timezone: str, render: Callable[[str], str] = lambda text: text
) -> dict[str, Any]:
    """The options the key will carry for ``question`` (``render`` fills templated values)."""
    options: dict[str, Any] = {}
    kind = question.type
    if kind == "datetime":
        options["tolerance_seconds"] = question.tolerance if question.tolerance is not None else 1
        options["timezone"] = timezone
    elif kind == "integer":
        options["tolerance"] = question.tolerance or 0
    elif kind in ("number", "bytesize") and question.tolerance is not None:
        options["tolerance"] = question.tolerance
    if kind in ("path", "text"):
        options["case_sensitive"] = bool(question.case_sensitive)
    if kind == "text":
        options["alternatives"] = [render(a) for a in question.alternatives]
    elif kind == "path" and question.alternatives:
        options["alternatives"] = [render(a) for a in question.alternatives]
    if kind == "choice":
        options["choices"] = [render(c) for c in question.choices or []]
    options.update(_rendered(question.options, render))
    return options


def _rendered(value: Any, render: Callable[[str], str]) -> Any:
    """Templated strings inside ``options`` (a rubric's keywords may name variables) filled in."""
    if isinstance(value, str):
        return render(value)
    if isinstance(value, list):
        return [_rendered(item, render) for item in value]
    if isinstance(value, dict):
        return {key: _rendered(item, render) for key, item in value.items()}
    return value

"""Jinja2 templates for scenario texts, in a sandbox with strict undefineds.

A scenario's briefing, paths and contents may use the variant's variables
(``{{ suspect.name }}``, ``{{ incident | date }}``). Undefined names are errors,
and templates cannot reach Python internals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment


class TemplateProblem(ValueError):
    """A template refers to something unknown or is malformed."""


def _date(value: Any, fmt: str = "%Y-%m-%d") -> str:
    return value.strftime(fmt) if isinstance(value, datetime) else str(value)


def _datetime(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if isinstance(value, datetime) else str(value)


def _money(value: Any) -> str:
    try:
        return f"{int(value):,}".replace(",", " ")
    except (TypeError, ValueError):
        return str(value)


_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_ENV.filters.update({"date": _date, "datetime": _datetime, "money": _money})


def render_template(text: str, values: dict[str, Any]) -> str:
    """Render ``text`` with ``values``; strings without ``{`` are returned as they are."""
    if "{" not in text:
        return text
    try:
        return _ENV.from_string(text).render(**values)
    except TemplateError as exc:
        message = exc.message or str(exc)
        raise TemplateProblem(message.replace("'dict object'", "variables")) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateProblem(str(exc)) from None

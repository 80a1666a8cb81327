"""Jinja2 templates for scenario texts, in a sandbox with strict undefineds.

A scenario's briefing, paths and contents may use the variant's variables
(``{{ suspect.name }}``, ``{{ incident | date }}``). Undefined names are errors
that say what exists instead, templates cannot reach Python internals
(``{{ ''.__class__ }}`` is refused), and ``*`` / ``**`` cannot build values
large enough to exhaust memory.
"""

from __future__ import annotations

import dataclasses
import difflib
import operator
from datetime import datetime
from typing import Any, NoReturn

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing

MAX_RESULT_LENGTH = 1_000_000
MAX_EXPONENT = 10_000


class TemplateProblem(ValueError):
    """A template refers to something unknown or is malformed.

    Attributes:
        name: the unknown name or attribute, when that is the problem (to find its line).
        line: the 1-based line inside the template, when Jinja knows it.
        hint: what would be valid (did-you-mean or the names that exist).
    """

    def __init__(
        self, message: str, *, name: str | None = None, line: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.name = name
        self.line = line
        self.hint = hint


class _UnknownName(UndefinedError):
    """Raised by :class:`_Undefined`: carries what was looked up and on what."""

    def __init__(self, message: str, name: Any, owner: Any) -> None:
        super().__init__(message)
        self.name = name
        self.owner = owner


class _Undefined(StrictUndefined):
    """StrictUndefined whose error keeps the name and the object it was looked up on."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise _UnknownName(self._undefined_message, self._undefined_name, self._undefined_obj)


# Undefined binds its failing operators (+, str(), ==, ...) to the base method; rebind them to ours.
for _name in dir(StrictUndefined):
    if getattr(StrictUndefined, _name, None) is Undefined._fail_with_undefined_error:
        setattr(_Undefined, _name, _Undefined._fail_with_undefined_error)


def _date(value: Any, fmt: str = "%Y-%m-%d") -> str:
    return value.strftime(fmt) if isinstance(value, datetime) else str(value)


def _datetime(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if isinstance(value, datetime) else str(value)


def _money(value: Any) -> str:
    try:
        return f"{int(value):,}".replace(",", " ")
    except (TypeError, ValueError):
        return str(value)


class _BoundedEnvironment(SandboxedEnvironment):
    """A sandbox whose ``*`` and ``**`` refuse results too large to be a scenario text."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise TemplateProblem(f"exponent {right} is too large for a scenario text")
            return operator.pow(left, right)
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                if len(sequence) * count > MAX_RESULT_LENGTH:
                    raise TemplateProblem(f"repeating a value {count} times makes a text too long")
        return operator.mul(left, right)


_ENV = _BoundedEnvironment(undefined=_Undefined, autoescape=False, keep_trailing_newline=True)


def _shift(value: Any, duration: str) -> Any:
    """``{{ incident | shift('-2d') | date }}``: a datetime moved by a signed duration."""
    from labkit.scenario.time_expressions import TimeExpressionError, parse_duration

    text = str(duration).strip()
    sign = -1 if text.startswith("-") else 1
    try:
        delta = parse_duration(text.lstrip("+-"))
    except TimeExpressionError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(value, datetime):
        raise ValueError(f"shift needs a datetime, got {type(value).__name__}")
    return value + sign * delta


_ENV.filters.update({"date": _date, "datetime": _datetime, "money": _money, "shift": _shift})


def _attributes(owner: Any) -> list[str]:
    """The names a template may use on ``owner`` (for did-you-mean)."""
    if isinstance(owner, dict):
        return [str(k) for k in owner]
    names = [f.name for f in dataclasses.fields(owner)] if dataclasses.is_dataclass(owner) else []
    names += [n for n in dir(type(owner)) if isinstance(getattr(type(owner), n, None), property)]
    return sorted({n for n in names if not n.startswith("_")})


def _unknown_name(exc: _UnknownName, values: dict[str, Any]) -> TemplateProblem:
    name = str(exc.name)
    if isinstance(exc.name, str) and name.startswith("_"):
        return TemplateProblem(
            f"{name!r} is not available in templates",
            name=name,
            hint="templates may use variables and their public fields only",
        )
    if exc.owner is missing:
        options = sorted(values)
        message = f"undefined variable {name!r}"
    else:
        options = _attributes(exc.owner)
        kind = type(exc.owner).__name__.lower()
        message = f"a {kind} value has no field {name!r}"
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {close[0]!r}?"
    elif options:
        hint = f"{'variables' if exc.owner is missing else 'fields'}: {', '.join(options)}"
    else:
        hint = "declare it under 'variables:'"
    return TemplateProblem(message, name=name, hint=hint)


def render_template(text: str, values: dict[str, Any]) -> str:
    """Render ``text`` with ``values``; strings without ``{`` are returned as they are.

    Raises:
        TemplateProblem: unknown name, syntax error, unsafe access or a runaway value.
    """
    if "{" not in text:
        return text
    try:
        return _ENV.from_string(text).render(**values)
    except _UnknownName as exc:
        raise _unknown_name(exc, values) from None
    except TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"template syntax error: {exc.message}",
            line=exc.lineno,
            hint="write {{ name }} for a value, {{ name | filter }} for a filter",
        ) from None
    except TemplateError as exc:
        message = (exc.message or str(exc)).replace("'dict object'", "variables")
        raise TemplateProblem(message) from None
    except TemplateProblem:
        raise
    except (TypeError, ValueError, ArithmeticError, AttributeError, IndexError, KeyError) as exc:
        raise TemplateProblem(f"{type(exc).__name__}: {exc}") from None
    except (RecursionError, MemoryError, OverflowError):
        raise TemplateProblem("the template does too much work for a scenario text") from None

"""Scenario templates: strict about unknown names, and sandboxed."""

from __future__ import annotations

from datetime import datetime

import pytest

from labkit.scenario.templating import TemplateProblem, render_template
from labkit.scenario.variables import Person

SUSPECT = Person("Асқар", "Жұмабаев", "male", "kk", "a.zhumabaev", "a.zhumabaev@company.kz")
VALUES = {"suspect": SUSPECT, "amount": 2500000, "incident": datetime(2026, 2, 10, 14, 30)}


def test_values_and_filters() -> None:
    text = "{{ suspect }} / {{ suspect.email }} / {{ amount | money }} / {{ incident | date }}"
    assert render_template(text, VALUES) == (
        "Асқар Жұмабаев / a.zhumabaev@company.kz / 2 500 000 / 2026-02-10"
    )


def test_plain_text_is_returned_untouched() -> None:
    assert render_template("no braces: 100%", {}) == "no braces: 100%"


def test_undefined_variable_suggests_the_close_one() -> None:
    with pytest.raises(TemplateProblem, match="undefined variable 'suspekt'") as caught:
        render_template("{{ suspekt.name }}", VALUES)
    assert caught.value.name == "suspekt"
    assert caught.value.hint == "did you mean 'suspect'?"


def test_unknown_field_suggests_the_close_one() -> None:
    with pytest.raises(TemplateProblem, match="no field 'usernme'") as caught:
        render_template("{{ suspect.usernme }}", VALUES)
    assert caught.value.hint == "did you mean 'username'?"


def test_undefined_value_cannot_be_used_silently() -> None:
    for text in ("{{ missing + 1 }}", "{% if missing %}x{% endif %}", "{{ missing | length }}"):
        with pytest.raises(TemplateProblem, match="missing"):
            render_template(text, VALUES)


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(TemplateProblem, match="syntax") as caught:
        render_template("line one\nline two {{ suspect.name\n", VALUES)
    assert caught.value.line in (2, 3)


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ suspect.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ suspect.__dict__ }}",
        "{{ ''.format.__self__ }}",
        "{{ 'a' * 100000000 }}",
        "{{ 9 ** 9999999 }}",
        "{% for i in range(100000000) %}{% endfor %}",
    ],
)
def test_sandbox_keeps_templates_away_from_python_internals(text: str) -> None:
    with pytest.raises(TemplateProblem):
        render_template(text, VALUES)


def test_sandbox_refusal_says_why() -> None:
    with pytest.raises(TemplateProblem, match="'__class__' is not available in templates"):
        render_template("{{ ''.__class__ }}", {})


def test_shift_filter_moves_a_datetime() -> None:
    from datetime import datetime

    from labkit.scenario.templating import render_template

    when = datetime(2026, 2, 10, 9, 30)
    assert render_template("{{ t | shift('-2d') | date }}", {"t": when}) == "2026-02-08"
    assert render_template("{{ t | shift('+1h30m') | datetime }}", {"t": when}) == "2026-02-10 11:00"

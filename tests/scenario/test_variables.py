"""Seeded variables: the same seed draws the same values; each type checks its parameters."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from labkit.scenario.data import kazakh_names
from labkit.scenario.loader import load_scenario
from labkit.scenario.variables import DrawContext, PersonVariable
from labkit.scenario.variant import draw_variables
from labkit.seeding import rng_for

ZONE = ZoneInfo("Asia/Almaty")
BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "usb-fraud.yaml"


def _draw(variable: PersonVariable, seed: int) -> object:
    return variable.draw(rng_for(seed, "variable", "person"), DrawContext({}, ZONE))


def test_same_seed_same_values_different_seed_different_values() -> None:
    scenario = load_scenario(BUNDLED)
    first, again = draw_variables(scenario, 7), draw_variables(scenario, 7)
    other = draw_variables(scenario, 8)
    assert first == again
    assert first != other
    assert list(first) == list(scenario.variables)


def test_values_do_not_depend_on_the_string_or_int_form_of_a_seed() -> None:
    scenario = load_scenario(BUNDLED)
    assert draw_variables(scenario, 42) == draw_variables(scenario, "42")


def test_bundled_variables_have_the_declared_shapes() -> None:
    values = draw_variables(load_scenario(BUNDLED), 3)
    incident = values["incident"]
    assert isinstance(incident, datetime)
    assert incident.tzinfo is not None
    assert datetime(2026, 2, 2, 9, tzinfo=ZONE) <= incident < datetime(2026, 2, 20, 18, tzinfo=ZONE)
    assert incident.weekday() < 5 and 8 <= incident.hour < 19
    assert 2500000 <= values["amount"] <= 9500000 and values["amount"] % 1000 == 0
    assert values["case_number"] == f"{incident:%y}7510310{values['register_serial']}"
    assert str(values["invoice_number"]) not in values["case_number"]


@pytest.mark.parametrize("seed", range(20))
def test_kazakh_persons_use_kazakh_names(seed: int) -> None:
    person = _draw(PersonVariable(type="person", locale="kk"), seed)
    first_names = (
        kazakh_names.MALE_FIRST_NAMES if person.gender == "male" else kazakh_names.FEMALE_FIRST_NAMES
    )
    assert person.first_name in first_names
    surnames = {
        s if person.gender == "male" else kazakh_names.female_surname(s) for s in kazakh_names.SURNAMES
    }
    assert person.last_name in surnames
    assert person.username.isascii() and person.email.isascii()
    assert person.email.endswith("@mail.kz")


def test_female_kazakh_surname_takes_the_female_form() -> None:
    people = [_draw(PersonVariable(type="person", locale="kk", gender="female"), s) for s in range(40)]
    assert all(p.gender == "female" for p in people)
    assert any(p.last_name.endswith(("ова", "ева", "ина")) for p in people)


def test_russian_person_is_cyrillic_and_deterministic() -> None:
    variable = PersonVariable(type="person", locale="ru")
    a, b = _draw(variable, 5), _draw(variable, 5)
    assert a == b
    assert any("а" <= c <= "я" for c in a.name.lower())


def test_integer_checks_its_range() -> None:
    from labkit.scenario.variables import IntegerVariable

    with pytest.raises(ValidationError, match="below min"):
        IntegerVariable.model_validate({"type": "integer", "min": 10, "max": 1})
    with pytest.raises(ValidationError):
        IntegerVariable.model_validate({"type": "integer", "min": 1, "max": 10, "step": 0})
    drawn = {
        IntegerVariable(type="integer", min=1, max=3).draw(Random(i), DrawContext({}, ZONE))
        for i in range(50)
    }
    assert drawn == {1, 2, 3}


def test_ipv4_checks_its_network() -> None:
    from labkit.scenario.variables import IPv4Variable

    with pytest.raises(ValidationError, match="not an IPv4 network"):
        IPv4Variable.model_validate({"type": "ipv4", "network": "10.0.0.300/24"})
    address = IPv4Variable(type="ipv4", network="10.1.2.0/24").draw(Random(1), DrawContext({}, ZONE))
    assert address.startswith("10.1.2.") and address not in ("10.1.2.0", "10.1.2.1", "10.1.2.255")

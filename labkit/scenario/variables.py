"""Seeded variables: people, companies, addresses, times, choices, secrets.

Each variable type is a pydantic model declaring its parameters (so the
scenario schema, its errors and its documentation come from one place) and a
``draw`` method turning a seeded ``random.Random`` into a value. Types register
themselves by their ``type`` name.
"""

from __future__ import annotations

import ipaddress
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from faker import Faker
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from labkit.registry import Registry
from labkit.scenario.data import kazakh_names
from labkit.scenario.templating import render_template
from labkit.scenario.time_expressions import TimeExpressionError, evaluate, parse_time_expression
from labkit.scenario.transliteration import to_ascii

VARIABLE_TYPES: Registry[type[VariableType]] = Registry("variable type")

_FAKER_LOCALES = {"en": "en_US", "ru": "ru_RU"}


@dataclass
class DrawContext:
    """What a variable may depend on: earlier values and the scenario's clock."""

    values: dict[str, Any]
    zone: ZoneInfo
    extras: dict[str, Any] = field(default_factory=dict)


class VariableType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type_name: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.type_name:
            VARIABLE_TYPES.add(cls.type_name, cls)

    def draw(self, rng: Random, ctx: DrawContext) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Person:
    """A person of the story; ``{{ suspect }}`` renders the full name."""

    first_name: str
    last_name: str
    gender: str
    locale: str
    username: str
    email: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.name


def _faker(locale: str, rng: Random) -> Faker:
    fake = Faker(_FAKER_LOCALES[locale])
    fake.seed_instance(rng.getrandbits(64))
    return fake


class PersonVariable(VariableType):
    type_name: ClassVar[str] = "person"
    type: Literal["person"]
    locale: Literal["en", "ru", "kk"] = "en"
    gender: Literal["male", "female", "any"] = "any"
    email_domain: str = "mail.kz"

    def draw(self, rng: Random, ctx: DrawContext) -> Person:
        gender = self.gender if self.gender != "any" else rng.choice(["male", "female"])
        if self.locale == "kk":
            first = rng.choice(kazakh_names.MALE_FIRST_NAMES if gender == "male" else kazakh_names.FEMALE_FIRST_NAMES)
            last = rng.choice(kazakh_names.SURNAMES)
            if gender == "female":
                last = kazakh_names.female_surname(last)
        else:
            fake = _faker(self.locale, rng)
            if gender == "male":
                first, last = fake.first_name_male(), fake.last_name_male()
            else:
                first, last = fake.first_name_female(), fake.last_name_female()
        username = f"{to_ascii(first)[:1]}.{to_ascii(last)}"
        return Person(first, last, gender, self.locale, username, f"{username}@{self.email_domain}")


class CompanyVariable(VariableType):
    type_name: ClassVar[str] = "company"
    type: Literal["company"]
    locale: Literal["en", "ru", "kk"] = "en"

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        if self.locale == "kk":
            return f"{rng.choice(kazakh_names.COMPANY_FORMS)} «{rng.choice(kazakh_names.COMPANY_WORDS)}»"
        return _faker(self.locale, rng).company()


class IPv4Variable(VariableType):
    type_name: ClassVar[str] = "ipv4"
    type: Literal["ipv4"]
    network: str = "192.168.1.0/24"

    @field_validator("network")
    @classmethod
    def _network_valid(cls, value: str) -> str:
        try:
            net = ipaddress.IPv4Network(value, strict=False)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 network (write e.g. 10.0.0.0/24)") from None
        if net.num_addresses < 4:
            raise ValueError(f"network {value} is too small to draw a host address from (use /30 or larger)")
        return value

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        net = ipaddress.IPv4Network(self.network, strict=False)
        return str(net.network_address + rng.randrange(2, net.num_addresses - 1))


class DatetimeVariable(VariableType):
    type_name: ClassVar[str] = "datetime"
    type: Literal["datetime"]
    between: tuple[str, str]
    office_hours: bool = Field(False, description="only 08:00-19:00 on weekdays")

    @field_validator("between")
    @classmethod
    def _expressions(cls, value: tuple[str, str]) -> tuple[str, str]:
        for text in value:
            try:
                parse_time_expression(text)
            except TimeExpressionError as exc:
                raise ValueError(str(exc)) from None
        return value

    def draw(self, rng: Random, ctx: DrawContext) -> datetime:
        start = evaluate(self.between[0], variables=ctx.values, zone=ctx.zone)
        end = evaluate(self.between[1], variables=ctx.values, zone=ctx.zone)
        if end <= start:
            raise ValueError(
                f"the window is empty: its end {end.isoformat()} is not after its start {start.isoformat()}; "
                "write 'between: [START, END]' with START first"
            )
        span = int((end - start).total_seconds())
        for _ in range(1000):
            value = start + timedelta(seconds=rng.randrange(span))
            if not self.office_hours or (value.weekday() < 5 and 8 <= value.hour < 19):
                return value
        raise ValueError("the window holds no office hours (08:00-19:00, Monday-Friday); widen it or drop office_hours")


class IntegerVariable(VariableType):
    type_name: ClassVar[str] = "integer"
    type: Literal["integer"]
    min: int
    max: int
    step: int = Field(1, ge=1)

    @field_validator("max")
    @classmethod
    def _range(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("min")
        if low is not None and value < low:
            raise ValueError(f"max {value} is below min {low}: swap them")
        return value

    def draw(self, rng: Random, ctx: DrawContext) -> int:
        return rng.randrange(self.min, self.max + 1, self.step)


class ChoiceVariable(VariableType):
    type_name: ClassVar[str] = "choice"
    type: Literal["choice"]
    options: list[Any] = Field(min_length=1)

    def draw(self, rng: Random, ctx: DrawContext) -> Any:
        return rng.choice(self.options)


class PasswordVariable(VariableType):
    type_name: ClassVar[str] = "password"
    type: Literal["password"]
    style: Literal["random", "memorable"] = "memorable"
    length: int = Field(10, ge=4, le=64)

    _WORDS: ClassVar[tuple[str, ...]] = (
        "summer", "almaty", "astana", "dragon", "sunrise", "tiger", "falcon", "winter", "qwerty", "spartak",
        "kairat", "barys", "steppe", "silkroad", "apple", "monkey", "football", "shadow", "master", "eagle",
    )

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        if self.style == "memorable":
            word = rng.choice(self._WORDS)
            return f"{word.capitalize()}{rng.randrange(1970, 2027)}{rng.choice('!#$*')}"
        alphabet = string.ascii_letters + string.digits + "!#$%*+-"
        return "".join(rng.choice(alphabet) for _ in range(self.length))


class HexVariable(VariableType):
    type_name: ClassVar[str] = "hex"
    type: Literal["hex"]
    length: int = Field(8, ge=1, le=128)

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        return "".join(rng.choice("0123456789abcdef") for _ in range(self.length))


class TextVariable(VariableType):
    type_name: ClassVar[str] = "text"
    type: Literal["text"]
    template: str

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        return render_template(self.template, ctx.values)

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
from datetime import datetime, time, timedelta
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


class VariableProblem(ValueError):
    """A variable cannot be drawn; ``field`` is where in its declaration the cause is."""

    def __init__(self, message: str, *, field: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.field = field


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
    """A person: `.name`, `.first_name`, `.last_name`, `.username`, `.email`."""

    type_name: ClassVar[str] = "person"
    type: Literal["person"]
    locale: Literal["en", "ru", "kk"] = Field(
        "en", description="en and ru from Faker, kk from labkit's lists"
    )
    gender: Literal["male", "female", "any"] = Field("any", description="any: drawn from the seed")
    email_domain: str = Field("mail.kz", description="domain of `.email`")

    def draw(self, rng: Random, ctx: DrawContext) -> Person:
        gender = self.gender if self.gender != "any" else rng.choice(["male", "female"])
        if self.locale == "kk":
            first = rng.choice(
                kazakh_names.MALE_FIRST_NAMES if gender == "male" else kazakh_names.FEMALE_FIRST_NAMES
            )
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
    """A company name (Kazakh: a legal form and a name, e.g. ЖШС «Алатау»)."""

    type_name: ClassVar[str] = "company"
    type: Literal["company"]
    locale: Literal["en", "ru", "kk"] = "en"

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        if self.locale == "kk":
            return f"{rng.choice(kazakh_names.COMPANY_FORMS)} «{rng.choice(kazakh_names.COMPANY_WORDS)}»"
        return _faker(self.locale, rng).company()


class IPv4Variable(VariableType):
    """A host address drawn from a network (never the network or broadcast address)."""

    type_name: ClassVar[str] = "ipv4"
    type: Literal["ipv4"]
    network: str = Field("192.168.1.0/24", description="CIDR network to draw from")

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
    """A moment in a window, in the scenario's time zone (to the second)."""

    type_name: ClassVar[str] = "datetime"
    type: Literal["datetime"]
    between: tuple[str, str] = Field(
        description="start and end: ISO datetimes or expressions over earlier variables"
    )
    office_hours: bool = Field(False, description="only 08:00-19:00 on weekdays")
    hours: tuple[str, str] | None = Field(
        None, description="only times of day from..to, e.g. ['18:30', '21:00'] (a late evening)"
    )

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: tuple[str, str] | None) -> tuple[str, str] | None:
        if value is not None:
            for text in value:
                try:
                    time.fromisoformat(text)
                except ValueError:
                    raise ValueError(f"{text!r} is not a time of day (write e.g. 18:30)") from None
            if time.fromisoformat(value[0]) >= time.fromisoformat(value[1]):
                raise ValueError("the first time of day must come before the second")
        return value

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
        ends = []
        for index, text in enumerate(self.between):
            try:
                ends.append(evaluate(text, variables=ctx.values, zone=ctx.zone))
            except TimeExpressionError as exc:
                raise VariableProblem(str(exc), field=("between", index)) from None
        start, end = ends
        if end <= start:
            raise VariableProblem(
                f"the window is empty: its end {end.isoformat()} is not after its start {start.isoformat()}; "
                "write 'between: [START, END]' with START first",
                field=("between",),
            )
        span = int((end - start).total_seconds())
        for _ in range(1000):
            value = start + timedelta(seconds=rng.randrange(span))
            in_hours = self.hours is None or (
                time.fromisoformat(self.hours[0]) <= value.time() < time.fromisoformat(self.hours[1])
            )
            if in_hours and (not self.office_hours or (value.weekday() < 5 and 8 <= value.hour < 19)):
                return value
        raise VariableProblem(
            "the window holds no time that fits office_hours/hours; widen it or relax them",
            field=("between",),
        )


class IntegerVariable(VariableType):
    """A whole number from min to max inclusive, in steps."""

    type_name: ClassVar[str] = "integer"
    type: Literal["integer"]
    min: int = Field(description="smallest value")
    max: int = Field(description="largest value")
    step: int = Field(1, ge=1, description="values are min, min+step, ...")

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
    """One of the given options, drawn from the seed."""

    type_name: ClassVar[str] = "choice"
    type: Literal["choice"]
    options: list[Any] = Field(min_length=1, description="the values to choose from")

    def draw(self, rng: Random, ctx: DrawContext) -> Any:
        return rng.choice(self.options)


class PasswordVariable(VariableType):
    """A password as people choose them (memorable: Word1987!) or a random one."""

    type_name: ClassVar[str] = "password"
    type: Literal["password"]
    style: Literal["random", "memorable"] = Field("memorable", description="memorable or random characters")
    length: int = Field(10, ge=4, le=64, description="length of a random password")

    _WORDS: ClassVar[tuple[str, ...]] = (
        "summer",
        "almaty",
        "astana",
        "dragon",
        "sunrise",
        "tiger",
        "falcon",
        "winter",
        "qwerty",
        "spartak",
        "kairat",
        "barys",
        "steppe",
        "silkroad",
        "apple",
        "monkey",
        "football",
        "shadow",
        "master",
        "eagle",
    )

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        if self.style == "memorable":
            word = rng.choice(self._WORDS)
            return f"{word.capitalize()}{rng.randrange(1970, 2027)}{rng.choice('!#$*')}"
        alphabet = string.ascii_letters + string.digits + "!#$%*+-"
        return "".join(rng.choice(alphabet) for _ in range(self.length))


class HexVariable(VariableType):
    """Lower-case hexadecimal digits (keys, tokens, hashes)."""

    type_name: ClassVar[str] = "hex"
    type: Literal["hex"]
    length: int = Field(8, ge=1, le=128, description="number of digits")

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        return "".join(rng.choice("0123456789abcdef") for _ in range(self.length))


class TextVariable(VariableType):
    """Text built from earlier variables with a template."""

    type_name: ClassVar[str] = "text"
    type: Literal["text"]
    template: str = Field(description="Jinja template over variables declared above")

    def draw(self, rng: Random, ctx: DrawContext) -> str:
        return render_template(self.template, ctx.values)

"""The competency framework questions are mapped to (``graders/competencies.yaml``).

Areas hold competencies; each competency has a level (basic or advanced). The
structure is modelled on Europol/ECTEG's cybercrime Training Competency
Framework; the wording is labkit's own. Scenarios name competency ids, the
grading policy weighs them and the class reports group results by area, so the
file is validated when it loads and any mistake is one located line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from labkit.errors import LocatedError, UsageError
from labkit.i18n import SUPPORTED_LANGUAGES as LANGUAGES
from labkit.i18n import pick as pick_text

FRAMEWORK_PATH = Path(__file__).resolve().parents[1] / "graders" / "competencies.yaml"
FRAMEWORK_FORMAT = 1
_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")


@dataclass(frozen=True)
class Competency:
    id: str
    area: str
    level: str
    title: dict[str, str]


@dataclass(frozen=True)
class Level:
    id: str
    title: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Area:
    """A group of related competencies (acquisition, file systems, memory...)."""

    id: str
    title: dict[str, str]
    competencies: tuple[Competency, ...]


@dataclass(frozen=True)
class Framework:
    """The whole framework, in file order (the order reports list areas and competencies in)."""

    levels: tuple[Level, ...]
    areas: tuple[Area, ...]

    def competency(self, code: str) -> Competency:
        for area in self.areas:
            for item in area.competencies:
                if item.id == code:
                    return item
        raise KeyError(code)

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)


class _Titled(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: dict[str, str]

    @field_validator("title")
    @classmethod
    def _all_languages(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in LANGUAGES if not str(value.get(lang, "")).strip()]
        if missing:
            raise ValueError(f"title needs a text in {', '.join(missing)}")
        return value

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("ids are upper-case letters and digits joined by dashes, e.g. DF-FS-SLACK")
        return value


class _LevelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)


class _CompetencySpec(_Titled):
    level: str


class _AreaSpec(_Titled):
    competencies: list[_CompetencySpec] = Field(min_length=1)


class _FrameworkSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int
    levels: list[_LevelSpec] = Field(
        default_factory=lambda: [
            _LevelSpec(id="basic", title={"en": "Basic"}),
            _LevelSpec(id="advanced", title={"en": "Advanced"}),
        ]
    )
    areas: list[_AreaSpec] = Field(min_length=1)


@lru_cache(maxsize=4)
def load_full_framework(path: Path = FRAMEWORK_PATH) -> Framework:
    """Levels and areas with their competencies, validated; errors name the file and the field."""
    try:
        data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the competency framework ({exc.strerror})") from None
    except (YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None
    try:
        spec = _FrameworkSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise LocatedError(
            first["msg"], file=path, field=where, hint="see the rules at the top of competencies.yaml"
        ) from None
    if spec.format != FRAMEWORK_FORMAT:
        raise LocatedError(
            f"unknown framework format {spec.format}", file=path, field="format", hint="this labkit reads 1"
        )
    levels = {level.id for level in spec.levels}
    seen: set[str] = set()
    areas: list[Area] = []
    for a_index, area in enumerate(spec.areas):
        items: list[Competency] = []
        for c_index, item in enumerate(area.competencies):
            where = f"areas.{a_index}.competencies.{c_index}"
            if item.id in seen:
                raise LocatedError(f"duplicate id {item.id!r}", file=path, field=f"{where}.id")
            if not item.id.startswith(area.id + "-"):
                raise LocatedError(
                    f"competency {item.id!r} does not start with its area's id {area.id!r}",
                    file=path,
                    field=f"{where}.id",
                )
            if item.level not in levels:
                raise LocatedError(
                    f"unknown level {item.level!r}", file=path, field=f"{where}.level",
                    hint=f"one of {', '.join(sorted(levels))}",
                )  # fmt: skip
            seen.add(item.id)
            items.append(Competency(item.id, area.id, item.level, dict(item.title)))
        if area.id in seen:
            raise LocatedError(f"duplicate id {area.id!r}", file=path, field=f"areas.{a_index}.id")
        seen.add(area.id)
        areas.append(Area(area.id, dict(area.title), tuple(items)))
    return Framework(
        tuple(Level(lv.id, dict(lv.title), dict(lv.description)) for lv in spec.levels), tuple(areas)
    )


def load_areas(path: Path = FRAMEWORK_PATH) -> tuple[Area, ...]:
    """The framework's areas in file order, each with its competencies."""
    return load_full_framework(path).areas


@lru_cache(maxsize=4)
def load_framework(path: Path = FRAMEWORK_PATH) -> dict[str, Competency]:
    """Competencies by id, in file order; the bundled framework unless another file is given."""
    return {item.id: item for area in load_areas(path) for item in area.competencies}


def competency_title(code: str, lang: str, path: Path = FRAMEWORK_PATH) -> str:
    """The competency's title in ``lang``; the code itself for a code the framework does not know.

    A gradebook may outlive a framework edit; a report must still render, so an
    unknown code is shown as it is rather than refused.
    """
    item = load_framework(path).get(code)
    return pick_text(item.title, lang) if item else code

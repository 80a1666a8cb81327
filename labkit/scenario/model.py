"""The scenario file format, version 1, as typed models.

Structure is validated here; timeline actions and variables are validated by
their own registered types (labkit.story, labkit.scenario.variables), and
cross-references (fact names, disk ids, times) by the loader.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import Field, field_validator

from labkit.i18n import SUPPORTED_LANGUAGES
from labkit.scenario.memory_model import MemorySpec
from labkit.scenario.model_base import IDENTIFIER, LocalizedText, Strict
from labkit.scenario.network_model import NetworkIdentitySpec, NetworkSpec
from labkit.scenario.time_expressions import TimeExpressionError, parse_time_expression

FORMAT_VERSION = 1
SCENARIO_ID = r"^[a-z0-9][a-z0-9-]*$"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?\s*$", re.IGNORECASE)
_UNITS = {
    "b": 1,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
}


def parse_size(value: int | str) -> int:
    """'64 MiB' -> 67108864; plain integers are bytes."""
    if isinstance(value, bool):
        raise ValueError("a size is a number of bytes or e.g. '64 MiB'")
    if isinstance(value, int):
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"not a size: {value!r} (write e.g. 64 MiB, 2 GiB or a number of bytes)")
    size = float(match[1]) * _UNITS[(match[2] or "b").lower()]
    if size != size or size > 2**64:  # NaN cannot happen, but inf can: '9' * 400
        raise ValueError("this size is far too large")
    return int(size)


_LANGUAGE_ALIASES = {"kz": "kk", "qq": "kk", "kaz": "kk", "rus": "ru", "eng": "en", "ua": "ru"}


def check_language(lang: Any) -> str:
    """A supported language code, or a ValueError saying which ones are."""
    if lang in SUPPORTED_LANGUAGES:
        return str(lang)
    alias = _LANGUAGE_ALIASES.get(str(lang).lower())
    hint = f"; did you mean {alias!r}?" if alias else ""
    raise ValueError(f"unsupported language {lang!r}: use {', '.join(SUPPORTED_LANGUAGES)}{hint}")


def _check_localized(value: Any) -> Any:
    if isinstance(value, dict):
        if not value:
            raise ValueError("give at least the English text ('en')")
        for lang, text in value.items():
            check_language(lang)
            if not isinstance(text, str):
                raise ValueError(f"the {lang!r} text must be a string")
    return value


_LABEL_FORBIDDEN = '"*+,./:;<=>?[\\]|'


def _check_label(value: str) -> str:
    """The rules the FAT writer applies to volume labels, checked before anything is written."""
    try:
        raw = value.upper().encode("cp437")
    except UnicodeEncodeError:
        raise ValueError(f"volume label {value!r} has characters FAT (code page 437) cannot store") from None
    if not raw.strip():
        raise ValueError("a volume label cannot be empty (omit 'label' for NO NAME)")
    if len(raw) > 11:
        raise ValueError(f"a FAT volume label has at most 11 characters; {value!r} has {len(raw)}")
    bad = sorted({chr(c) for c in raw if c < 0x20 or chr(c) in _LABEL_FORBIDDEN})
    if bad:
        raise ValueError(f"a FAT volume label cannot contain {' '.join(bad)}")
    return value


class FileSystemSpec(Strict):
    type: Literal["fat12", "fat16", "fat32"]
    label: str = "NO NAME"
    cluster_size: int | None = None
    allocation: Literal["next-fit", "first-fit"] = "next-fit"
    codepage: Literal["cp437", "cp850", "cp866"] = Field(
        "cp437",
        description="OEM code page of 8.3 short names: cp866 on Russian/Kazakh Windows, cp437 in the US",
    )

    _label = field_validator("label")(lambda cls, v: _check_label(v))

    @field_validator("cluster_size")
    @classmethod
    def _power_of_two(cls, v: int | None) -> int | None:
        if v is not None and (v < 512 or v > 65536 or v & (v - 1)):
            raise ValueError(f"cluster_size must be a power of two from 512 to 65536 bytes, not {v}")
        return v


class AcquisitionSpec(Strict):
    """How the evidence was acquired: written into the E01 header, shown in the briefing."""

    at: str = Field(description="time expression, e.g. 'incident + 9d'")
    examiner: str = "Evidence technician"
    case_number: str = ""
    evidence_number: str = ""
    description: str = ""
    notes: str = ""

    _at = field_validator("at")(lambda cls, v: _check_time(v))


def _check_time(value: str) -> str:
    try:
        parse_time_expression(value)
    except TimeExpressionError as exc:
        raise ValueError(str(exc)) from None
    return value


class DiskSpec(Strict):
    id: str = Field(pattern=IDENTIFIER)
    size: int | str
    partitioning: Literal["mbr", "gpt", "none"] = "mbr"
    format: Literal["raw", "e01"] = "raw"
    filesystem: FileSystemSpec
    acquisition: AcquisitionSpec | None = None
    description: LocalizedText = ""
    media: Literal["fixed", "removable"] = Field(
        "fixed", description="recorded in the E01 (a USB stick is removable)"
    )

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        size = parse_size(v)
        if size < 1024 * 1024 or size > 2 * 1024**4:
            raise ValueError(f"disk size must be between 1 MiB and 2 TiB, not {size} bytes")
        if size % 512:
            raise ValueError(f"disk size must be a whole number of 512-byte sectors; {size} bytes is not")
        return size


class HostSpec(Strict):
    id: str = Field(pattern=IDENTIFIER)
    hostname: str | None = None
    os: str = Field("", description="e.g. 'Windows 10' or 'Ubuntu 24.04': picks how the FAT driver writes")
    timezone: str = "UTC"
    disks: list[DiskSpec] = Field(default_factory=list)
    network: NetworkIdentitySpec | None = None
    memory: MemorySpec | None = Field(None, description="a RAM image of this (Linux) host")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        return _check_zone(v)


def _check_zone(v: str) -> str:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(v, sorted(available_timezones()), n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}?" if close else "use an IANA name such as Asia/Almaty or UTC"
        raise ValueError(f"unknown time zone {v!r}; {hint}") from None
    return v


class QuestionSpec(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    prompt: LocalizedText
    type: str
    answer: str | list[str] = Field(
        description="a recorded fact, 'ACTION_ID.FIELD' or 'DISK_ID.FIELD'; a list of facts for set/list"
    )
    points: float = Field(1, gt=0, le=1000)
    competencies: list[str] = Field(default_factory=list)
    hint: LocalizedText | None = None
    hint_cost: float = Field(0, ge=0)
    feedback: LocalizedText | None = None
    tolerance: float | None = Field(None, ge=0, description="seconds for datetime, absolute for integer")
    choices: list[str] | None = Field(None, min_length=2)
    alternatives: list[str] = Field(default_factory=list)
    case_sensitive: bool | None = None
    options: dict[str, Any] = Field(
        default_factory=dict, description="the answer type's own options (see the answer types' reference)"
    )

    _loc = field_validator("prompt", "hint", "feedback")(lambda cls, v: _check_localized(v))


class ScenarioSpec(Strict):
    labkit: Literal[1] = Field(description="scenario format version")
    id: str = Field(pattern=SCENARIO_ID)
    title: LocalizedText
    level: Literal["basic", "advanced"]
    competencies: list[str] = Field(default_factory=list)
    estimated_minutes: int = Field(gt=0, le=24 * 60)
    languages: list[str] = Field(default_factory=lambda: ["en"])
    timezone: str = "UTC"
    briefing: LocalizedText
    variables: dict[str, dict[str, Any]] = Field(default_factory=dict)
    hosts: list[HostSpec] = Field(min_length=1)
    network: NetworkSpec | None = None
    timeline: list[dict[str, Any]] = Field(default_factory=list)
    questions: list[QuestionSpec] = Field(min_length=1)

    _loc = field_validator("title", "briefing")(lambda cls, v: _check_localized(v))
    _languages = field_validator("languages")(lambda cls, v: [check_language(x) for x in v] or ["en"])
    _zone = field_validator("timezone")(lambda cls, v: _check_zone(v))

    @field_validator("variables")
    @classmethod
    def _variable_names(cls, v: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for name in v:
            if not re.fullmatch(IDENTIFIER, str(name)):
                raise ValueError(f"variable name {name!r} must be lower_case letters, digits and _")
        return v

"""The competency framework questions are mapped to (``graders/competencies.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

FRAMEWORK_PATH = Path(__file__).resolve().parents[1] / "graders" / "competencies.yaml"


@dataclass(frozen=True)
class Competency:
    id: str
    area: str
    level: str
    title: dict[str, str]


@lru_cache(maxsize=4)
def load_framework(path: Path = FRAMEWORK_PATH) -> dict[str, Competency]:
    """Competencies by id; the bundled framework unless another file is given."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    out: dict[str, Competency] = {}
    for area in data["areas"]:
        for item in area["competencies"]:
            out[item["id"]] = Competency(item["id"], area["id"], item["level"], dict(item["title"]))
    return out

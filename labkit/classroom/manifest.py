"""``class.json``: what a class folder holds, for the grader and the reports.

It names the scenario (and its digest, so a changed scenario is noticed), the
mode, and each trainee with the case id printed on their answer sheet. It holds
no secret and no seed: those are re-derived from the trainer's secret file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.classroom.layout import ClassLayout
from labkit.errors import UsageError

CLASS_FORMAT = 1
MAX_CLASS_FILE_BYTES = 16 * 1024 * 1024

Mode = Literal["exam", "practice"]


class ClassTrainee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    case_id: str


class ClassManifest(BaseModel):
    """The class folder's ``class.json``."""

    model_config = ConfigDict(extra="forbid")

    format: int = CLASS_FORMAT
    scenario: str
    scenario_sha256: str
    title: dict[str, str] = Field(default_factory=dict)
    #: exam: no self-check in the case folders; practice: a sealed self-check in each.
    mode: Mode
    lang: str
    trainees: list[ClassTrainee]

    def trainee(self, trainee_id: str) -> ClassTrainee:
        for item in self.trainees:
            if item.id == trainee_id:
                return item
        raise KeyError(trainee_id)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"

    def write(self, class_dir: Path) -> None:
        """Write ``class.json`` atomically (temporary file, then rename)."""
        target = ClassLayout(class_dir).class_file
        fd, tmp = tempfile.mkstemp(prefix=".class.", suffix=".json", dir=class_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.to_json())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, class_dir: str | Path) -> ClassManifest:
        """Read a class folder's manifest; any problem is one clear UsageError."""
        path = ClassLayout(Path(class_dir)).class_file
        again = "pass a folder written by 'labkit class build'"
        try:
            data = json.loads(read_bounded(path, MAX_CLASS_FILE_BYTES).decode("utf-8"))
        except ReadProblem as problem:
            raise UsageError(f"{path}: {problem.message}; {again}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: not a class manifest ({exc}); {again}") from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise UsageError(f"{path}: field {loc}: {first['msg']}; {again}") from None

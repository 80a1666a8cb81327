"""Where everything of a class lives: one place, so no module guesses a path.

    DIR/
      class.json               the class manifest: scenario, mode, trainees and their case ids
                               (no secret, no seeds: seeds are re-derived from the secret)
      gradebook.sqlite         results of every grading run, with history
      trainer/keys/ID.json     each trainee's answer key (the trainer store)
      trainer/facts/ID.json    what the writers recorded, for `labkit verify` and disputes
      cases/ID/                each trainee's case folder, exactly as handed out
      handout/ID.zip           the same folder as one zip, for a learning platform or a USB stick

Only ``cases/`` and ``handout/`` ever reach trainees; ``trainer/`` and the class
folder's own files never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CLASS_FILE = "class.json"
GRADEBOOK_FILE = "gradebook.sqlite"
TRAINER_DIR = "trainer"
CASES_DIR = "cases"
HANDOUT_DIR = "handout"


@dataclass(frozen=True)
class ClassLayout:
    """The paths of one class folder."""

    root: Path

    @property
    def class_file(self) -> Path:
        return self.root / CLASS_FILE

    @property
    def gradebook(self) -> Path:
        return self.root / GRADEBOOK_FILE

    @property
    def keys_dir(self) -> Path:
        return self.root / TRAINER_DIR / "keys"

    @property
    def facts_dir(self) -> Path:
        return self.root / TRAINER_DIR / "facts"

    @property
    def cases_dir(self) -> Path:
        return self.root / CASES_DIR

    @property
    def handout_dir(self) -> Path:
        return self.root / HANDOUT_DIR

    def key(self, trainee_id: str) -> Path:
        return self.keys_dir / f"{trainee_id}.json"

    def facts(self, trainee_id: str) -> Path:
        return self.facts_dir / f"{trainee_id}.json"

    def case(self, trainee_id: str) -> Path:
        return self.cases_dir / trainee_id

    def zip(self, trainee_id: str) -> Path:
        return self.handout_dir / f"{trainee_id}.zip"

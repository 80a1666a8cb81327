"""A synthetic class folder for the class-grading tests: no evidence is generated (that is slow).

``build_class`` writes ``class.json`` and one key per trainee into the trainer store,
each variant with its own answers of every common kind (hash, integer, text,
datetime, choice, path). ``answers_of`` gives a key's right answers as a trainee
would type them; ``write_sheet`` fills in the blank sheet rendered from a key, as
a trainee would hand it in.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from labkit.classroom.layout import ClassLayout
from labkit.classroom.manifest import ClassManifest, ClassTrainee
from labkit.grading import render_answer_sheet
from labkit.key import AnswerKey, KeyQuestion

CHOICES = ["FAT32", "NTFS", "ext4", "exFAT"]
USERS = ["alice", "bakyt", "carmen", "dmitry", "erlan", "fatima", "gulnara", "hiro", "ivan", "jamila",
         "kairat", "lena", "marat", "nina", "oleg", "polina"]  # fmt: skip
BASE_TIME = datetime.fromisoformat("2026-03-14T10:03:12+05:00")
COMPETENCIES = {
    "q1": ["DF-ACQ-INTEGRITY"],
    "q2": ["DF-FS-METADATA"],
    "q3": ["DF-OS-USER-ACTIVITY"],
    "q4": ["DF-FS-TIMESTAMPS", "DF-TL-NORMALISE"],
    "q5": ["DF-FS-PARTITIONS"],
    "q6": ["DF-FS-DELETED"],
}
POINTS = {"q1": 2.0, "q2": 1.0, "q3": 1.0, "q4": 2.0, "q5": 1.0, "q6": 1.0}
TOTAL = sum(POINTS.values())


def trainee_ids(count: int) -> list[str]:
    return [f"t{i:02d}" for i in range(1, count + 1)]


def case_id(trainee: str) -> str:
    return hashlib.sha256(f"case-{trainee}".encode()).hexdigest()[:16]


def make_key(trainee: str, index: int) -> AnswerKey:
    """Trainee ``index``'s variant: every answer differs from every other variant's but the choice."""
    user = USERS[index % len(USERS)] + (str(index // len(USERS)) if index >= len(USERS) else "")
    answers = {
        "q1": hashlib.sha256(f"ledger-{trainee}".encode()).hexdigest(),
        "q2": 4096 + 37 * index,
        "q3": user,
        "q4": (BASE_TIME + timedelta(hours=3 * index, seconds=index)).isoformat(),
        "q5": CHOICES[index % len(CHOICES)],
        "q6": f"/home/{user}/Documents/ledger-{index}.xlsx",
    }
    types = {"q1": "hash", "q2": "integer", "q3": "text", "q4": "datetime", "q5": "choice", "q6": "path"}
    options: dict[str, dict[str, object]] = {"q4": {"tolerance_seconds": 2}, "q5": {"choices": CHOICES},
                                             "q6": {"case_sensitive": True}}  # fmt: skip
    questions = [
        KeyQuestion(
            id=qid, type=types[qid], answer=answers[qid], points=POINTS[qid], medium="disk",
            competencies=COMPETENCIES[qid], prompt={"en": f"Question {qid}?", "ru": f"Вопрос {qid}?"},
            options=options.get(qid, {}), hint={"en": f"Look at {qid}."} if qid in ("q1", "q2") else {},
            hint_cost=0.5 if qid == "q2" else 0,
        )
        for qid in answers
    ]  # fmt: skip
    return AnswerKey(
        scenario="usb-fraud", title={"en": "The USB fraud"}, seed=1000 + index, case_id=case_id(trainee),
        questions=questions,
    )  # fmt: skip


def build_class(root: Path, count: int = 8) -> dict[str, AnswerKey]:
    """A class folder of ``count`` trainees (t01, t02...) at ``root``; returns the keys by trainee id."""
    root.mkdir(parents=True, exist_ok=True)
    layout = ClassLayout(root)
    layout.keys_dir.mkdir(parents=True, exist_ok=True)
    keys: dict[str, AnswerKey] = {}
    trainees = []
    for index, trainee in enumerate(trainee_ids(count)):
        key = make_key(trainee, index)
        layout.key(trainee).write_text(key.to_json(), encoding="utf-8")
        keys[trainee] = key
        trainees.append(ClassTrainee(id=trainee, name=f"Trainee {trainee.upper()}", case_id=case_id(trainee)))
    ClassManifest(
        scenario="usb-fraud", scenario_sha256="0" * 64, title={"en": "The USB fraud"}, mode="exam", lang="en",
        trainees=trainees,
    ).write(root)  # fmt: skip
    return keys


def answers_of(key: AnswerKey) -> dict[str, str]:
    """The key's answers as a trainee would type them."""
    return {q.id: str(q.answer) for q in key.questions}


def sheet_text(key: AnswerKey, answers: dict[str, str]) -> str:
    """The blank sheet of ``key`` (with its case id) filled in with ``answers``."""
    text = render_answer_sheet(key)
    for qid, value in answers.items():
        quoted = "'" + value.replace("'", "''") + "'"
        text = text.replace(f"\n{qid}:\n", f"\n{qid}: {quoted}\n")
    return text


def write_sheet(submissions: Path, key: AnswerKey, answers: dict[str, str], name: str) -> Path:
    """Write a filled-in sheet as ``submissions/name`` (e.g. ``t01.yaml`` or ``t01/answers.yaml``)."""
    path = submissions / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sheet_text(key, answers), encoding="utf-8")
    return path

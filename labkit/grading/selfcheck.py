"""Practice self-check: a trainee checks an answer locally, and the case folder does not give it away.

A practice case folder carries ``selfcheck.json``: for each question its answer
type, the type's *public* options (case rule, time zone, the choices: what is
needed to read an answer, never accepted alternatives) and salted, slow hashes
of the canonical forms of every exactly right answer::

    digest = PBKDF2-HMAC-SHA256(seal_form(answer), salt, iterations)

``labkit check`` reads the trainee's answer with the same answer type, hashes
its canonical form with the question's salt and compares. Only "exactly right"
is decided here; answers within a tolerance or partly right are judged at
grading, so the check says "does not match exactly" rather than "wrong". An
answer the type cannot read at all ("garbage" for a time) is told apart: the
check gives the type's own reason, the one grading would give.

What the seal protects and what it cannot
-----------------------------------------
- Each question has its own salt, HMAC(class secret, "selfcheck", trainee,
  question): random-looking to anyone without the secret, different for every
  trainee and question (equal answers of two trainees do not give equal digests,
  and no precomputed table applies), yet reproducible, so the same inputs build
  the same bytes.
- PBKDF2 with 600,000 iterations (OWASP's 2023 figure for PBKDF2-HMAC-SHA256)
  makes every guess cost about 0.1 s of CPU, so a hash, a volume serial, a full
  path or a sentence cannot be found by trying; a trainee must find it in the
  evidence.
- An answer with few possible values cannot be protected by any hashing: a choice
  among 4, a small integer, a time within a known day can be found by anyone who
  runs the self-check tool itself on every candidate (the check is the oracle).
  That is inherent, which is why the self-check is for practice only and **exam
  cases carry no seal** (``labkit class build --mode exam``, the default).
- The number of digests of a question (how many spellings are exactly right) is
  visible; nothing else about the answer is.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.casefile.manifest import MANIFEST_NAME
from labkit.errors import UsageError
from labkit.grading.answer_type import AnswerType
from labkit.grading.key_questions import PreparedQuestion, prepare_key
from labkit.grading.registry import get_answer_type
from labkit.key import AnswerKey

SELFCHECK_FILE = "selfcheck.json"
SEAL_FORMAT = 1
KDF = "pbkdf2-hmac-sha256"
ITERATIONS = 600_000
#: A question with more exactly right forms than this is not sealed (each costs ~0.1 s to build).
MAX_FORMS = 16
MAX_SEAL_BYTES = 4 * 1024 * 1024
#: A tampered file must not make the check run for hours.
MAX_ITERATIONS = 10_000_000
SALT_BYTES = 16

Outcome = Literal["matches", "no_match", "unreadable", "not_checkable"]
MESSAGES: dict[Outcome, str] = {
    "matches": "matches",
    "no_match": "does not match exactly (answers within a tolerance or partly right are judged at grading)",
    "unreadable": "cannot read this answer",
    "not_checkable": "this question cannot be self-checked",
}
#: A type's reason is short; anything longer is cut so one line stays one line.
MAX_DETAIL_CHARS = 200


class SealedQuestion(BaseModel):
    """One question of ``selfcheck.json``; an uncheckable one carries nothing but its id and type."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=200)
    type: str = Field(max_length=64)
    checkable: bool
    options: dict[str, Any] | None = None
    kdf: Literal["pbkdf2-hmac-sha256"] | None = None
    iterations: int | None = Field(None, ge=1, le=MAX_ITERATIONS)
    salt: str | None = Field(None, pattern=r"^[0-9a-f]{32}$")
    digests: list[str] | None = Field(None, min_length=1, max_length=MAX_FORMS)

    @model_validator(mode="after")
    def _complete(self) -> SealedQuestion:
        sealed = (self.options, self.kdf, self.iterations, self.salt, self.digests)
        if self.checkable and None in sealed:
            raise ValueError("a checkable question needs options, kdf, iterations, salt and digests")
        if not self.checkable and any(item is not None for item in sealed):
            raise ValueError("a question that cannot be checked carries no options, salt or digests")
        return self


class Seal(BaseModel):
    """The whole ``selfcheck.json``."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[1] = SEAL_FORMAT
    scenario: str
    case_id: str | None = None
    questions: list[SealedQuestion] = Field(max_length=10_000)


@dataclass(frozen=True)
class SelfCheckResult:
    """What the self-check says about one answer."""

    question: str
    outcome: Outcome
    #: Why an ``unreadable`` answer cannot be read, in the answer type's words.
    detail: str | None = None

    @property
    def matches(self) -> bool:
        return self.outcome == "matches"

    @property
    def message(self) -> str:
        return f"{MESSAGES[self.outcome]}: {self.detail}" if self.detail else MESSAGES[self.outcome]


class SelfCheckError(UsageError):
    """The folder has no usable self-check, or the question or answer cannot be checked as given."""


def selfcheck_secret(secret: bytes, trainee_id: str) -> bytes:
    """The per-trainee key the question salts derive from: HMAC(class secret, "selfcheck", trainee)."""
    return hmac.new(secret, b"selfcheck\x00" + trainee_id.encode("utf-8"), hashlib.sha256).digest()


def question_salt(salt_secret: bytes, question_id: str) -> bytes:
    """A question's salt: HMAC(per-trainee key, question), 16 bytes."""
    digest = hmac.new(salt_secret, b"question\x00" + question_id.encode("utf-8"), hashlib.sha256).digest()
    return digest[:SALT_BYTES]


def seal_key(key: AnswerKey, salt_secret: bytes, *, iterations: int = ITERATIONS) -> dict[str, Any]:
    """The ``selfcheck.json`` content for ``key``: salted slow hashes, public options, nothing else.

    ``salt_secret`` is :func:`selfcheck_secret` of the class secret and the trainee.
    ``iterations`` may be lowered only by tests; a case is always built with the default.

    Raises:
        GradingError: the key cannot be graded (a bad type or option).
    """
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"iterations must be 1..{MAX_ITERATIONS}, not {iterations}")
    questions = [_seal_question(prepared, salt_secret, iterations) for prepared in prepare_key(key)]
    seal = Seal(scenario=key.scenario, case_id=key.case_id, questions=questions)
    return seal.model_dump(mode="json", exclude_none=True)


def _seal_question(prepared: PreparedQuestion, salt_secret: bytes, iterations: int) -> SealedQuestion:
    question, answer_type = prepared.question, prepared.answer_type
    unsealed = SealedQuestion(id=question.id, type=question.type, checkable=False)
    forms = answer_type.seal_forms(prepared.expected)
    if not forms or len(forms) > MAX_FORMS:
        return unsealed
    public = answer_type.public_options()
    try:  # the check builds the type from the public options alone; a type that cannot is not sealed
        type(answer_type)(public)
    except (ValidationError, ValueError, TypeError):
        return unsealed
    salt = question_salt(salt_secret, question.id)
    digests = sorted(_digest(form, salt, iterations).hex() for form in forms)
    return SealedQuestion(
        id=question.id,
        type=question.type,
        checkable=True,
        options=public,
        kdf=KDF,
        iterations=iterations,
        salt=salt.hex(),
        digests=digests,
    )


def _digest(form: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", form.encode("utf-8", "surrogatepass"), salt, iterations)


def write_seal(seal: dict[str, Any], case_dir: Path) -> Path:
    """Write ``selfcheck.json`` into a case folder being built (before its manifest is written)."""
    target = case_dir / SELFCHECK_FILE
    target.write_text(json.dumps(seal, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def load_seal(case_dir: str | Path) -> dict[str, Any]:
    """The validated ``selfcheck.json`` of a practice case folder.

    Raises:
        SelfCheckError: not a folder, an exam case (no seal), or an unreadable seal.
    """
    case_dir = Path(case_dir)
    if not case_dir.is_dir():
        raise SelfCheckError(f"{case_dir}: not a folder; give the case folder (it holds answers.yaml)")
    path = case_dir / SELFCHECK_FILE
    if not path.exists():
        if not (case_dir / MANIFEST_NAME).is_file():
            raise SelfCheckError(
                f"{case_dir}: not a case folder (no {MANIFEST_NAME}); give the folder that holds "
                "briefing.md and answers.yaml"
            )
        raise SelfCheckError(
            f"{case_dir}: this case is an exam case: no self-check; your answers are judged at grading"
        )
    again = "unpack the case again from its zip"
    try:
        data = json.loads(read_bounded(path, MAX_SEAL_BYTES).decode("utf-8"))
    except ReadProblem as problem:
        raise SelfCheckError(f"{path}: {problem.message}; {again}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SelfCheckError(f"{path}: not a self-check file ({exc}); {again}") from None
    return _validated(data, str(path), again).model_dump(mode="json", exclude_none=True)


def _validated(data: object, where: str, again: str) -> Seal:
    try:
        return Seal.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise SelfCheckError(f"{where}: field {loc}: {first['msg']}; {again}") from None


def check_sealed(seal: dict[str, Any], question_id: str, answer: str | tuple[str, ...]) -> SelfCheckResult:
    """Whether ``answer`` is exactly right for ``question_id`` of the sealed case.

    ``unreadable`` (with the type's reason in ``detail``) when the type cannot read the
    answer at all; ``no_match`` when it can but the answer is not exactly right.

    Raises:
        SelfCheckError: the seal is malformed, no such question, or the answer is empty.
    """
    sealed = _validated(seal, SELFCHECK_FILE, "unpack the case again from its zip")
    question = _find(sealed, question_id)
    if not (answer.strip() if isinstance(answer, str) else any(item.strip() for item in answer)):
        raise SelfCheckError(f"question {question.id}: the answer is empty; give the answer to check")
    if not question.checkable or not question.digests or not question.salt or not question.iterations:
        return SelfCheckResult(question.id, "not_checkable")
    answer_type = get_answer_type(question.type)
    if answer_type is None:
        return SelfCheckResult(question.id, "not_checkable")
    try:
        reader = answer_type(question.options or {})
    except (ValidationError, ValueError, TypeError):
        return SelfCheckResult(question.id, "not_checkable")
    problem = read_problem(reader, answer)
    if problem is not None:
        return SelfCheckResult(question.id, "unreadable", problem)
    form = reader.seal_form(answer)
    if form is None:
        return SelfCheckResult(question.id, "no_match")
    digest = _digest(form, bytes.fromhex(question.salt), question.iterations).hex()
    found = False
    for stored in question.digests:  # every digest compared, in constant time
        found |= hmac.compare_digest(digest, stored)
    return SelfCheckResult(question.id, "matches" if found else "no_match")


def read_problem(reader: AnswerType, answer: str | tuple[str, ...]) -> str | None:
    """Why ``reader`` cannot read ``answer`` at all (its type's ``read_problem``), as one printable line.

    One line, without control characters: it is printed in the trainee's terminal.
    """
    problem = reader.read_problem(answer)
    if not problem or not problem.strip():
        return None
    line = "".join(char if char.isprintable() else "?" for char in " ".join(problem.split()))
    return line if len(line) <= MAX_DETAIL_CHARS else line[: MAX_DETAIL_CHARS - 1] + "…"


def _find(sealed: Seal, question_id: str) -> SealedQuestion:
    ids = [q.id for q in sealed.questions]
    for question in sealed.questions:
        if question.id == question_id:
            return question
    folded = [q for q in sealed.questions if q.id.casefold() == question_id.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(question_id, ids, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"the questions are {', '.join(ids[:30])}"
    raise SelfCheckError(f"no question {question_id!r} in this case; {hint}")

"""Turning the key's questions into ready-to-use answer types, or one clear error about the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from labkit.errors import GradingError
from labkit.grading.answer_type import AnswerType
from labkit.grading.registry import answer_type_names, get_answer_type
from labkit.key import AnswerKey, KeyQuestion

_REGENERATE = "regenerate the key with 'labkit generate'"


@dataclass(frozen=True)
class PreparedQuestion:
    """A key question with its answer type built and its expected answer parsed once."""

    question: KeyQuestion
    answer_type: AnswerType
    expected: Any


def _key_error(question: KeyQuestion, problem: str) -> GradingError:
    return GradingError(f"answer key question {question.id!r}: {problem}; {_REGENERATE}")


def build_answer_type(question: KeyQuestion) -> AnswerType:
    """The answer type the question names, configured with its options.

    Raises:
        GradingError: unknown type, or options the type does not accept.
    """
    answer_type = get_answer_type(question.type)
    if answer_type is None:
        known = ", ".join(answer_type_names())
        raise _key_error(question, f"unknown answer type {question.type!r} (known: {known})")
    try:
        return answer_type(question.options)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "options"
        raise _key_error(question, f"option {where}: {first['msg']}") from None


def prepare_question(question: KeyQuestion) -> PreparedQuestion:
    """Build the type and parse the expected answer; a key that cannot be graded fails here, not midway."""
    if not question.id.strip():
        raise _key_error(question, "empty question id")
    if not question.points >= 0:  # also rejects NaN
        raise _key_error(question, f"points must be zero or more, not {question.points}")
    answer_type = build_answer_type(question)
    try:
        expected = answer_type.expect(question.answer)
    except ValueError as exc:
        raise _key_error(question, f"expected answer is not a valid {question.type}: {exc}") from None
    return PreparedQuestion(question, answer_type, expected)


def prepare_key(key: AnswerKey) -> list[PreparedQuestion]:
    """Every question of the key prepared, in key order; duplicate ids are an error."""
    seen: set[str] = set()
    prepared = []
    for question in key.questions:
        if question.id in seen:
            raise _key_error(question, "the id is used by two questions")
        seen.add(question.id)
        prepared.append(prepare_question(question))
    return prepared

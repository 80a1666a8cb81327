from __future__ import annotations

import importlib
import pkgutil

import pytest

import labkit.grading.answer_types as answer_types_package
from labkit.errors import GradingError
from labkit.grading.answer_type import AnswerType
from labkit.grading.key_questions import prepare_question
from labkit.grading.registry import answer_type_names, get_answer_type
from labkit.grading.results import Check
from labkit.key import KeyQuestion


def test_every_module_in_the_folder_registers_a_type() -> None:
    names = set(answer_type_names())
    for module_info in pkgutil.iter_modules(answer_types_package.__path__):
        module = importlib.import_module(f"{answer_types_package.__name__}.{module_info.name}")
        defined = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, AnswerType) and obj.__module__ == module.__name__
        ]
        assert defined, f"{module_info.name} defines no answer type"
        for answer_type in defined:
            assert answer_type.name in names
            assert get_answer_type(answer_type.name) is answer_type
        assert module_info.name in answer_types_package.__all__, f"import {module_info.name} in __init__.py"


def test_builtin_names_match_the_key_model() -> None:
    assert {"text", "hash", "path", "integer", "datetime", "choice"} <= set(answer_type_names())


def test_a_duplicate_name_is_an_error() -> None:
    with pytest.raises(TypeError, match="'hash' is already taken"):

        class AnotherHash(AnswerType):  # pragma: no cover - body never used
            name = "hash"

            def expect(self, answer: object) -> object:
                return answer

            def check(self, expected: object, given: str) -> Check:
                return Check.accepted()

    assert get_answer_type("hash").__name__ == "HashAnswer"


def question(**fields: object) -> KeyQuestion:
    base: dict[str, object] = {"id": "q1", "type": "integer", "answer": 5, "points": 1, "medium": "disk"}
    return KeyQuestion.model_validate(base | fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "ipv4"}, "unknown answer type 'ipv4' (known: address, bytesize, choice, datetime, domain,"),
        ({"options": {"tolerence": 1}}, "option tolerence: Extra inputs are not permitted"),
        ({"options": {"tolerance": -1}}, "option tolerance: Input should be greater than or equal to 0"),
        ({"answer": "five"}, "expected answer is not a valid integer"),
        ({"points": -1}, "points must be zero or more"),
    ],
)
def test_bad_key_questions_are_one_clear_error(fields: dict[str, object], message: str) -> None:
    with pytest.raises(GradingError, match="answer key question 'q1'") as caught:
        prepare_question(question(**fields))
    assert message in str(caught.value)
    assert caught.value.exit_code == 2

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from labkit.errors import GradingError
from labkit.grading.sheet import parse_answer_sheet, render_answer_sheet
from labkit.key import AnswerKey, KeyQuestion


def question(qid: str, prompt: str, **fields: object) -> KeyQuestion:
    base: dict[str, object] = {"id": qid, "type": "text", "answer": "x", "points": 1, "medium": "disk"}
    return KeyQuestion.model_validate(base | {"prompt": {"en": prompt}} | fields)


def test_layout_matches_the_case_builder_contract() -> None:
    key = AnswerKey(
        scenario="ledger",
        title={"en": "The stolen ledger", "ru": "Украденная книга"},
        seed=7,
        questions=[
            question("q1", "What is the SHA-256 of the deleted spreadsheet?"),
            question("q2", "When was invoice.pdf last modified?\n(date and time as shown by your tool)"),
        ],
    )
    assert render_answer_sheet(key, "en") == (
        "# labkit answer sheet: The stolen ledger\n"
        "# Fill in each answer after the colon. Leave unknown answers empty.\n"
        "# q1: What is the SHA-256 of the deleted spreadsheet?\n"
        "q1:\n"
        "# q2: When was invoice.pdf last modified?\n"
        "# (date and time as shown by your tool)\n"
        "q2:\n"
    )
    russian = render_answer_sheet(key, "ru")
    assert russian.startswith("# labkit: лист ответов: Украденная книга\n# Впишите")
    assert "# q1: What is the SHA-256" in russian  # untranslated prompt falls back to English


def test_choices_are_listed_under_the_prompt() -> None:
    choice = question(
        "q3", "Which file system?", type="choice", answer="FAT16", options={"choices": ["FAT12", "FAT16"]}
    )
    assert render_answer_sheet([choice]).endswith(
        "# q3: Which file system?\n#   a) FAT12\n#   b) FAT16\nq3:\n"
    )


HOSTILE_PROMPTS = [
    "ends with a colon:",
    "line one\r\nline two\rline three\u2028line four\x85five",
    "q2: fake answer line\nq2: 'x'",
    "nul \x00 bell \x07 esc \x1b tab\there",
    "'quotes\" & *alias !tag [flow] {map} # hash % @ `",
    "",
]
HOSTILE_IDS = [
    "q1",
    "q 2",
    "a: b",
    "#x",
    "yes",
    "-1",
    "*star",
    "é",
    "line\nbreak",
    'quote"back\\',
    "😀",
    "x\u2028y",
]


def test_hostile_prompts_and_ids_round_trip() -> None:
    questions = [
        question(qid, HOSTILE_PROMPTS[i % len(HOSTILE_PROMPTS)]) for i, qid in enumerate(HOSTILE_IDS)
    ]
    text = render_answer_sheet(questions, "en")
    sheet = parse_answer_sheet(text, file="answers.yaml")
    assert list(sheet.answers) == HOSTILE_IDS
    assert all(answer.value is None for answer in sheet.answers.values())
    # An independent reader (ruamel's own composer and constructor) agrees.
    loaded = YAML(typ="safe", pure=True).load(text)
    assert [str(k) for k in loaded] == HOSTILE_IDS
    assert set(loaded.values()) == {None}


def test_an_invalid_question_type_fails_before_writing() -> None:
    with pytest.raises(GradingError, match="unknown answer type"):
        render_answer_sheet([question("q1", "?", type="ipv4")])

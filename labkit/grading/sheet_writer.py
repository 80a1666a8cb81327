"""Writing the blank ``answers.yaml`` a trainee fills in, with each prompt as a comment above its line."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from labkit.grading.key_questions import build_answer_type
from labkit.grading.languages import pick_text
from labkit.key import AnswerKey, KeyQuestion

_HEADERS: dict[str, tuple[str, str]] = {
    "en": ("labkit answer sheet", "Fill in each answer after the colon. Leave unknown answers empty."),
    "ru": (
        "labkit: лист ответов",
        "Впишите каждый ответ после двоеточия. Если ответ неизвестен, оставьте его пустым.",
    ),
    "kk": (
        "labkit: жауап парағы",
        "Әр жауапты қос нүктеден кейін жазыңыз. Жауабын білмесеңіз, бос қалдырыңыз.",
    ),
}
_PLAIN_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,199}")


def render_answer_sheet(
    key_or_questions: AnswerKey | Iterable[KeyQuestion], lang: str = "en", *, trainee: str | None = None
) -> str:
    """The blank sheet, in ``lang`` where the key has translations (English otherwise).

    ``trainee`` (a class build) adds ``# trainee: ID`` below ``# case: ...``, so a
    handed-in sheet names whose it is even when its file name does not.

    Whatever the prompts and ids contain, the result reads back with
    :func:`load_answer_sheet` as exactly these ids, all unanswered.

    Raises:
        GradingError: a question's answer type or options are invalid.
    """
    if isinstance(key_or_questions, AnswerKey):
        questions, title = list(key_or_questions.questions), pick_text(key_or_questions.title, lang)
    else:
        questions, title = list(key_or_questions), ""
    label, instruction = _HEADERS.get(lang, _HEADERS["en"])
    title = " ".join(_comment_safe(title).split())
    lines = [f"# {label}: {title}" if title else f"# {label}", f"# {instruction}"]
    if isinstance(key_or_questions, AnswerKey) and key_or_questions.case_id:
        lines.append(f"# case: {key_or_questions.case_id}")
    if trainee is not None:
        lines.append(f"# trainee: {' '.join(_comment_safe(trainee).split())}")
    for question in questions:
        prompt_lines = _comment_safe(pick_text(question.prompt, lang)).splitlines() or [""]
        shown_id = " ".join(_comment_safe(question.id).split("\n"))
        lines.append(f"# {shown_id}: {prompt_lines[0]}".rstrip())
        lines.extend(f"# {text}".rstrip() for text in prompt_lines[1:])
        lines.extend(f"# {hint}".rstrip() for hint in build_answer_type(question).sheet_hint())
        lines.append(f"{yaml_key(question.id)}:")
    return "\n".join(lines) + "\n"


def _comment_safe(text: str) -> str:
    """Text that can follow '# ' on comment lines, one line per line of ``text``.

    Every kind of line break becomes ``\\n`` (the caller comments each line);
    tabs become spaces and other invisible characters U+FFFD, so nothing can end
    a comment early or make the file unreadable.
    """
    lines = text.replace("\t", " ").splitlines()
    return "\n".join("".join(c if _visible(c) else "\ufffd" for c in line) for line in lines)


def _visible(character: str) -> bool:
    # isprintable() rejects no-break and other Unicode spaces, which Russian typography uses.
    return character.isprintable() or unicodedata.category(character) == "Zs"


def yaml_key(question_id: str) -> str:
    """The id as a YAML key: bare when it is a simple token, otherwise double-quoted with escapes."""
    if _PLAIN_ID.fullmatch(question_id):
        return question_id
    escaped = []
    for character in question_id:
        if character in '\\"':
            escaped.append("\\" + character)
        elif _visible(character):
            escaped.append(character)
        elif ord(character) <= 0xFFFF:
            escaped.append(f"\\u{ord(character):04x}")
        else:
            escaped.append(f"\\U{ord(character):08x}")
    return '"' + "".join(escaped) + '"'

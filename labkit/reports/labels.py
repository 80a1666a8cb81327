"""The few words the grade reports print, in the languages trainees and trainers read."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "question": "Question",
        "verdict": "Verdict",
        "points": "Points",
        "reason": "Reason",
        "total": "Total",
        "correct": "correct",
        "partial": "partial",
        "wrong": "wrong",
        "unanswered": "unanswered",
        "feedback": "Feedback",
    },
    "ru": {
        "question": "Вопрос",
        "verdict": "Оценка",
        "points": "Баллы",
        "reason": "Причина",
        "total": "Итого",
        "correct": "верно",
        "partial": "частично",
        "wrong": "неверно",
        "unanswered": "нет ответа",
        "feedback": "Пояснение",
    },
    "kk": {
        "question": "Сұрақ",
        "verdict": "Баға",
        "points": "Ұпай",
        "reason": "Себебі",
        "total": "Барлығы",
        "correct": "дұрыс",
        "partial": "ішінара",
        "wrong": "қате",
        "unanswered": "жауап жоқ",
        "feedback": "Түсініктеме",
    },
}


def label(name: str, lang: str) -> str:
    """The word for ``name`` in ``lang``, English when the language is unknown."""
    return LABELS.get(lang, LABELS["en"])[name]


def format_points(points: float) -> str:
    """``2``, ``1.5``, ``0.33``: no trailing zeros, at most two decimals."""
    return f"{round(points, 2):g}"

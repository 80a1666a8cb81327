"""Resolve each question's expected answer from recorded facts (never typed by hand)."""

from __future__ import annotations

from typing import Any

from labkit.i18n import as_mapping
from labkit.key import AnswerKey, KeyQuestion
from labkit.scenario.loader import Scenario
from labkit.scenario.question_options import question_options
from labkit.scenario.templating import render_template
from labkit.scenario.variant import Variant
from labkit.story.facts import FactBook

HASH_FIELDS = {
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "image_md5": "md5",
    "image_sha1": "sha1",
    "image_sha256": "sha256",
}


def _localized(text: Any, values: dict[str, Any]) -> dict[str, str]:
    return {lang: render_template(value, values) for lang, value in as_mapping(text).items()}


def resolve_key(scenario: Scenario, variant: Variant, book: FactBook) -> AnswerKey:
    questions = []
    for index, q in enumerate(scenario.spec.questions):
        where: list[str | int] = ["questions", index, "answer"]
        facts = [q.answer] if isinstance(q.answer, str) else list(q.answer)
        values = [
            _fact_value(scenario, book, fact, where if isinstance(q.answer, str) else [*where, i])
            for i, fact in enumerate(facts)
        ]
        value: Any = values[0] if isinstance(q.answer, str) else values
        first_owner, _, first_field = facts[0].partition(".")
        options = question_options(
            q,
            timezone=book.facts[first_owner].get("timezone", scenario.spec.timezone),
            render=lambda text: render_template(text, variant.values),
        )
        if q.type == "hash":
            options["algorithm"] = _hash_algorithm(first_field.rsplit(".", 1)[-1])
        elif q.type == "choice":
            choices = options["choices"]
            value = _match_choice(value, choices)
            if value is None:
                raise scenario.error_at(
                    where,
                    f"the fact's value {values[0]!r} is not among the choices",
                    hint=f"choices: {', '.join(choices)}",
                )
        if isinstance(value, bool):
            value = "yes" if value else "no"
        media = tuple(
            dict.fromkeys(m for fact in facts for m in book.media.get(fact.partition(".")[0], ("disk",)))
        )
        questions.append(
            KeyQuestion(
                id=q.id,
                type=q.type,
                answer=value,
                points=q.points,
                medium=media[0] if len(media) == 1 else "several",
                media=list(media),
                competencies=list(q.competencies),
                prompt=_localized(q.prompt, variant.values),
                feedback=_localized(q.feedback, variant.values),
                options={k: v for k, v in options.items() if v is not None},
                source=q.answer if isinstance(q.answer, str) else None,
                sources=[] if isinstance(q.answer, str) else facts,
                hint=_localized(q.hint, variant.values) if q.hint is not None else {},
                hint_cost=q.hint_cost,
            )
        )
    return AnswerKey(
        scenario=scenario.id,
        title=_localized(scenario.spec.title, variant.values),
        seed=variant.seed,
        questions=questions,
    )


def _fact_value(scenario: Scenario, book: FactBook, fact: str, where: list[str | int]) -> Any:
    """The recorded value of ``ID.FIELD``; a fact the variant did not record is the scenario's error."""
    owner, _, field = fact.partition(".")
    try:
        value = book.get(owner, field)
    except KeyError:
        raise scenario.error_at(
            where, f"no fact {fact!r} was recorded in this variant", hint="check the action id and field"
        ) from None
    if value is None:
        raise scenario.error_at(
            where,
            f"fact {fact!r} has no value in this variant (e.g. an empty file has no first cluster)",
            hint="ask about another fact",
        )
    if isinstance(value, bool):
        value = "yes" if value else "no"
    return value


def _match_choice(value: Any, choices: list[str]) -> str | None:
    if isinstance(value, bool):
        value = "yes" if value else "no"
    for choice in choices:
        if str(value).casefold() == choice.casefold():
            return choice
    return None


def _hash_algorithm(field: str) -> str | None:
    """``sha256``, ``image_md5``, ``object_sha256``, ``attachment_sha1``... name their algorithm."""
    if field in HASH_FIELDS:
        return HASH_FIELDS[field]
    for algorithm in ("sha256", "sha1", "md5"):
        if field.endswith(f"_{algorithm}"):
            return algorithm
    return None

"""Questions point at recorded facts: check each reference before anything is generated.

An answer is ``ID.FIELD``: the id of an action or a disk and a fact that kind of
action (its declared ``fact_fields``) or every disk records. A typo here would
only show when the key is resolved, after the evidence is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labkit.scenario.model import DiskSpec, QuestionSpec
from labkit.scenario.validation_errors import did_you_mean

if TYPE_CHECKING:
    from labkit.scenario.loader import Scenario
    from labkit.story import Action

DISK_FACTS = (
    "image_md5",
    "image_sha1",
    "image_sha256",
    "size",
    "label",
    "serial",
    "fat_type",
    "cluster_size",
    "partition_offset_sectors",
    "file_name",
    "format",
    "free_clusters",
    "total_clusters",
    "timezone",
    "acquired",
    "indexer_volume_guid",
)
#: Facts every capture point records about its file.
MEMORY_FACTS = (
    "file_name",
    "symbols_file",
    "format",
    "size",
    "ram_size",
    "md5",
    "sha1",
    "sha256",
    "kernel_release",
    "banner",
    "hostname",
    "booted",
    "acquired",
    "acquisition_pid",
    "processes",
)

CAPTURE_FACTS = (
    "file_name",
    "format",
    "packets",
    "size",
    "first_packet",
    "last_packet",
    "md5",
    "sha1",
    "sha256",
    "hosts",
)
#: Disk facts recorded only for E01 images.
E01_ONLY_FACTS = ("acquired",)


def answer_type_names() -> list[str]:
    from labkit.grading import answer_type_names as names

    return names()


def check_questions(scenario: Scenario) -> None:
    """Question ids are unique, types registered, choices given, answers name recorded facts."""
    source = scenario.source
    seen: dict[str, int] = {}
    types = answer_type_names()
    action_ids = {a.id: a for a in scenario.actions if a.id is not None}
    disks = {disk.id: disk for _, disk in scenario.disks()}
    for index, question in enumerate(scenario.spec.questions):
        where: list[str | int] = ["questions", index]
        if question.id in seen:
            raise source.error(
                [*where, "id"],
                f"question id {question.id!r} is already used by questions[{seen[question.id]}]",
                hint="give each question its own id",
            )
        seen[question.id] = index
        if question.type not in types:
            raise source.error(
                [*where, "type"],
                f"unknown answer type {question.type!r}",
                hint=did_you_mean(question.type, types) or f"valid types: {', '.join(types)}",
            )
        if question.type == "choice" and not question.choices:
            raise source.error(
                where, "a choice question needs 'choices'", hint="e.g. choices: [jpg, pdf, docx]"
            )
        if question.choices is not None and question.type != "choice":
            raise source.error(
                [*where, "choices"],
                f"'choices' only applies to type 'choice', not {question.type!r}",
                hint="remove 'choices' or set 'type: choice'",
            )
        _check_answers(scenario, where, question, action_ids, disks)
        _check_options(scenario, where, question)
        _check_competencies(scenario, [*where, "competencies"], question.competencies)
    _check_competencies(scenario, ["competencies"], scenario.spec.competencies)


def _check_answers(
    scenario: Scenario,
    where: list[str | int],
    question: QuestionSpec,
    action_ids: dict[str, Action],
    disks: dict[str, DiskSpec],
) -> None:
    """One fact, or for a set or list question a list of facts (one per item)."""
    from labkit.grading import get_answer_type

    if isinstance(question.answer, str):
        _check_answer(scenario, [*where, "answer"], question.answer, action_ids, disks)
        return
    answer_type = get_answer_type(question.type)
    if answer_type is not None and not answer_type.takes_list:
        raise scenario.error_at(
            [*where, "answer"],
            f"a {question.type!r} question has one answer, not a list of facts",
            hint="use 'type: set' (any order) or 'type: list' (in order), or name one fact",
        )
    if not question.answer:
        raise scenario.error_at(
            [*where, "answer"], "the list of facts is empty", hint="name at least one fact"
        )
    for index, fact in enumerate(question.answer):
        _check_answer(scenario, [*where, "answer", index], fact, action_ids, disks)


def _check_options(scenario: Scenario, where: list[str | int], question: QuestionSpec) -> None:
    """The answer type accepts the options the key will carry (a typo fails here, at its line)."""
    from pydantic import ValidationError

    from labkit.grading import get_answer_type
    from labkit.scenario.question_options import question_options

    answer_type = get_answer_type(question.type)
    if answer_type is None:
        return
    try:
        answer_type(question_options(question, timezone=scenario.spec.timezone))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc: list[str | int] = list(first["loc"])
        field = str(loc[0]) if loc else ""
        shortcut = field in ("tolerance", "case_sensitive", "alternatives", "choices") and field not in (
            question.options
        )
        place = [*where, field] if shortcut else [*where, "options", *loc] if loc else [*where, "options"]
        if field == "tolerance_seconds":
            place = [*where, "tolerance"]
        raise scenario.error_at(
            place,
            f"{'.'.join(map(str, loc)) or 'options'}: {first['msg']}",
            hint=f"see the {question.type!r} answer type in docs/scenario-reference.md",
        ) from None


def _check_competencies(scenario: Scenario, where: list[str | int], codes: list[str]) -> None:
    from labkit.competencies import FRAMEWORK_PATH, load_framework

    known = load_framework()
    for index, code in enumerate(codes):
        if code not in known:
            raise scenario.error_at(
                [*where, index],
                f"unknown competency {code!r}",
                hint=did_you_mean(code, known)
                or f"codes are listed in {FRAMEWORK_PATH.name}: {', '.join(known)}",
            )


def _check_answer(
    scenario: Scenario,
    where: list[str | int],
    answer: str,
    action_ids: dict[str, Action],
    disks: dict[str, DiskSpec],
) -> None:
    owner, _, fact = answer.partition(".")
    if not fact:
        raise scenario.error_at(
            where,
            "an answer names a recorded fact as ID.FIELD",
            value=answer,
            hint="e.g. ledger.sha256 (an action's id) or usb.serial (a disk's id)",
        )
    captures = [c.id for c in scenario.spec.network.captures] if scenario.spec.network else []
    memories = [h.memory.id for h in scenario.spec.hosts if h.memory is not None]
    if owner in disks:
        fields: tuple[str, ...] = DISK_FACTS
    elif owner in memories:
        fields = MEMORY_FACTS
    elif owner in captures:
        fields = CAPTURE_FACTS
    elif owner in action_ids:
        fields = type(action_ids[owner]).fact_fields
        if not fields:
            raise scenario.error_at(
                where,
                f"action {owner!r} ({action_ids[owner].action}) records no facts",
                hint="ask about an action that plants something",
            )
    else:
        known = [*action_ids, *disks, *captures, *memories]
        raise scenario.error_at(
            where,
            f"no action, disk or capture has the id {owner!r}",
            hint=did_you_mean(owner, known)
            or f"ids: {', '.join(known) or '(none)'}; give the action an 'id:'",
        )
    head = fact.split(".", 1)[0]
    if head not in fields:
        raise scenario.error_at(
            where,
            f"{owner!r} records no fact {head!r}",
            hint=did_you_mean(head, fields) or f"facts: {', '.join(fields)}",
        )
    if owner in disks and head in E01_ONLY_FACTS and disks[owner].format != "e01":
        raise scenario.error_at(
            where,
            f"disk {owner!r} records {head!r} only as an E01 image",
            hint="set 'format: e01' on the disk",
        )

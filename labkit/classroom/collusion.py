"""Finding copied answers: wrong for a trainee's own case, right for a classmate's.

Every trainee has a unique variant, so an honest wrong answer is wrong
everywhere. When trainee T's answer earns nothing (or only part) on T's own
key but is fully right on O's key, T most likely wrote down O's result. One
such coincidence can be chance (two variants may share a value, a common slip
can land on a neighbour's number), so the evidence is graded by how many
*distinctive* matches a pair has: answers that exactly one other variant of
the whole class accepts.

Strength thresholds (distinctive matches for one pair T -> O):

- ``strong``: 3 or more. Three independent values of O's case that appear
  nowhere else in the class: chance does not explain it.
- ``moderate``: 2. Unlikely by chance; worth a conversation.
- ``weak``: 1. Could be a coincidence (a slip that happens to equal O's value);
  look at the sheets before drawing conclusions.

A pair is flagged only with at least one distinctive match; answers that
several variants accept are listed with it for context but never flag a pair
on their own. Questions whose answer is picked from a short list (``choice``,
see ``AnswerType.guessable``) are left out altogether: a wrong pick is some
classmate's right answer by construction, even when only one variant has it.

Speed: for each question the class's keys are grouped by identical answer and
options, and where the answer type can name an answer's canonical form
(``seal_form``) the groups are indexed by it, so a wrong answer is looked up
once instead of being checked against every key. Types without canonical forms
(a rubric), and questions that also give full credit to near answers (a
tolerance), fall back to checking each distinct key. Matches found through the
index are confirmed with the type's own check, so the two can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from labkit.classroom.outcome import CollusionFlag, CollusionMatch, Strength
from labkit.grading.answer_type import AnswerType
from labkit.grading.key_questions import prepare_question
from labkit.grading.results import GivenAnswer, GradeResult
from labkit.key import AnswerKey, KeyQuestion

STRONG_AT = 3
MODERATE_AT = 2
_RANK: dict[Strength, int] = {"strong": 0, "moderate": 1, "weak": 2}


def find_collusion(
    keys: Mapping[str, AnswerKey], results: Mapping[str, GradeResult]
) -> tuple[CollusionFlag, ...]:
    """Flags for every pair (T, O) where T's sheet holds at least one distinctive answer of O's case.

    ``keys`` holds every trainee's key (graded or not: a copier may copy from an absent
    classmate); ``results`` the graded sheets. Flags come strongest first, then by ids.

    Raises:
        GradingError: a key cannot be graded (the class grader checks keys before this).
    """
    indexes: dict[str, _QuestionIndex] = {}
    for trainee in sorted(keys):
        for question in keys[trainee].questions:
            indexes.setdefault(question.id, _QuestionIndex()).add(trainee, question)
    pairs: dict[tuple[str, str], list[CollusionMatch]] = {}
    for trainee in sorted(results):
        own_key = keys.get(trainee)
        if own_key is None:
            continue
        own_answers = {q.id: _canonical(q.answer) for q in own_key.questions}
        for verdict in results[trainee].verdicts:
            index = indexes.get(verdict.question_id)
            if verdict.given is None or verdict.status == "correct" or index is None or index.guessable:
                continue
            accepting = index.accepting(verdict.given) - {trainee}
            own_answer = own_answers.get(verdict.question_id)
            for other in sorted(accepting):
                if index.answers[other] == own_answer:
                    continue  # the same answer on both keys: nothing to copy
                match = CollusionMatch(verdict.question_id, _shown(verdict.given), len(accepting))
                pairs.setdefault((trainee, other), []).append(match)
    flags = [_flag(trainee, other, tuple(matches)) for (trainee, other), matches in pairs.items()]
    return sort_flags(flag for flag in flags if flag is not None)


def sort_flags(flags: Iterable[CollusionFlag]) -> tuple[CollusionFlag, ...]:
    """Strongest evidence first (then more distinctive matches first), then by trainee and other id."""
    return tuple(
        sorted(flags, key=lambda f: (_RANK[f.strength], -_distinctive(f.matches), f.trainee, f.other))
    )


def strength_of(distinctive: int) -> Strength:
    """The strength of a pair's evidence from its number of distinctive matches (1 or more)."""
    if distinctive >= STRONG_AT:
        return "strong"
    if distinctive >= MODERATE_AT:
        return "moderate"
    return "weak"


def _distinctive(matches: tuple[CollusionMatch, ...]) -> int:
    return sum(1 for m in matches if m.accepted_by == 1)


def _flag(trainee: str, other: str, matches: tuple[CollusionMatch, ...]) -> CollusionFlag | None:
    distinctive = [m.question for m in matches if m.accepted_by == 1]
    if not distinctive:
        return None
    strength = strength_of(len(distinctive))
    count = len(distinctive)
    answers = "answer" if count == 1 else "answers"
    are = "is" if count == 1 else "are"
    sentence = (
        f"{count} {answers} wrong for {trainee}'s own case {are} right for {other}'s case and for no other "
        f"case of the class ({', '.join(distinctive)})"
    )
    sentence += {
        "strong": "; chance does not explain that many.",
        "moderate": "; unlikely by chance, worth a conversation.",
        "weak": "; this can be a coincidence, so compare the two sheets before concluding anything.",
    }[strength]
    shared = len(matches) - count
    if shared:
        also = "answer is" if shared == 1 else "answers are"
        sentence += f" {shared} more wrong {also} right for {other}'s case and other cases too."
    return CollusionFlag(trainee, other, matches, strength, sentence)


def _canonical(answer: object) -> str:
    return json.dumps(answer, sort_keys=True, ensure_ascii=False, default=str)


def _shown(given: GivenAnswer) -> str:
    return "; ".join(given) if isinstance(given, tuple) else str(given)


@dataclass
class _Group:
    """Trainees whose keys hold the same answer with the same options (one check serves them all)."""

    answer_type: AnswerType
    expected: object
    members: list[str] = field(default_factory=list)

    def accepts(self, given: str | tuple[str, ...]) -> bool:
        return self.answer_type.check_given(self.expected, given).credit >= 1.0


@dataclass
class _Partition:
    """Groups whose answer type reads a trainee's answer the same way (same type, same public options)."""

    reader: AnswerType
    by_form: dict[str, list[_Group]] = field(default_factory=dict)
    unsealed: list[_Group] = field(default_factory=list)


class _QuestionIndex:
    """One question across the class: who holds which answer, indexed for lookup by canonical form."""

    def __init__(self) -> None:
        self.answers: dict[str, str] = {}
        self._groups: dict[str, _Group] = {}
        self._partitions: dict[str, _Partition] = {}
        self._cache: dict[str | tuple[str, ...], frozenset[str]] = {}
        #: Every variant's type is guessable (a choice): matches are no evidence.
        self.guessable = True

    def add(self, trainee: str, question: KeyQuestion) -> None:
        answer = _canonical(question.answer)
        self.answers[trainee] = answer
        signature = _canonical([question.type, question.options, question.answer])
        group = self._groups.get(signature)
        if group is not None:
            group.members.append(trainee)
            return
        prepared = prepare_question(question)
        self.guessable = self.guessable and prepared.answer_type.guessable
        group = _Group(prepared.answer_type, prepared.expected, [trainee])
        self._groups[signature] = group
        reader = prepared.answer_type
        partition_key = _canonical([question.type, _public_options(reader)])
        partition = self._partitions.setdefault(partition_key, _Partition(reader))
        forms = None if reader.has_tolerance() else _seal_forms(reader, prepared.expected)
        if forms is None:
            partition.unsealed.append(group)
        else:
            for form in forms:
                partition.by_form.setdefault(form, []).append(group)

    def accepting(self, given: str | tuple[str, ...]) -> frozenset[str]:
        """Every trainee whose key gives ``given`` full credit."""
        cached = self._cache.get(given)
        if cached is not None:
            return cached
        found: set[str] = set()
        for partition in self._partitions.values():
            form = _seal_form(partition.reader, given)
            candidates = partition.by_form.get(form, []) if form is not None else []
            for group in [*candidates, *partition.unsealed]:
                if group.accepts(given):
                    found.update(group.members)
        result = frozenset(found)
        self._cache[given] = result
        return result


def _public_options(answer_type: AnswerType) -> object:
    try:
        return answer_type.public_options()
    except Exception:  # a type's bug must not hide the rest of the class
        return answer_type.options.model_dump(mode="json")


def _seal_forms(answer_type: AnswerType, expected: object) -> frozenset[str] | None:
    try:
        return answer_type.seal_forms(expected)
    except Exception:  # fall back to checking: slower, never wrong
        return None


def _seal_form(answer_type: AnswerType, given: str | tuple[str, ...]) -> str | None:
    try:
        return answer_type.seal_form(given)
    except Exception:
        return None

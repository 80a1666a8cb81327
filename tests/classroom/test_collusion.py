"""Collusion: answers wrong for a trainee's own case but right for a classmate's, by distinctiveness."""

from __future__ import annotations

import hashlib
import time

from labkit.classroom.collusion import find_collusion, strength_of
from labkit.grading import grade, parse_answer_sheet
from labkit.grading.results import GradeResult
from labkit.key import AnswerKey, KeyQuestion
from tests.classroom import class_fixtures as fx


def keys_of(count: int) -> dict[str, AnswerKey]:
    return {trainee: fx.make_key(trainee, i) for i, trainee in enumerate(fx.trainee_ids(count))}


def graded(keys: dict[str, AnswerKey], sheets: dict[str, dict[str, str]]) -> dict[str, GradeResult]:
    return {t: grade(keys[t], parse_answer_sheet(fx.sheet_text(keys[t], a), file=f"{t}.yaml"))
            for t, a in sheets.items()}  # fmt: skip


def test_exactly_the_copiers_are_flagged_with_whom_they_copied() -> None:
    keys = keys_of(10)
    sheets = {t: fx.answers_of(k) for t, k in keys.items()}
    sheets["t03"] = fx.answers_of(keys["t02"])  # copied the neighbour's whole sheet
    sheets["t08"] = fx.answers_of(keys["t09"])
    typos = sheets["t04"]
    typos["q1"] = typos["q1"][:-1] + ("0" if typos["q1"][-1] != "0" else "1")  # one wrong hex digit
    typos["q3"] = typos["q3"] + "x"
    typos["q2"] = str(int(typos["q2"]) + 1)  # off by one: no other variant's value
    other = sheets["t05"]
    other["q1"] = hashlib.sha256(b"the wrong file").hexdigest()  # hashed another file
    other["q6"] = other["q6"].upper()  # case matters on this file system
    sheets["t06"]["q5"] = fx.CHOICES[(5 + 1) % 4]  # a wrong choice is another variant's right one
    sheets["t07"] = {"q1": "", "q2": "no idea"}

    flags = find_collusion(keys, graded(keys, sheets))

    assert [(f.trainee, f.other) for f in flags] == [("t03", "t02"), ("t08", "t09")]
    copier = flags[0]
    assert copier.strength == "strong"
    assert copier.questions == ("q1", "q2", "q3", "q4", "q6")  # the choice q5 is no evidence
    assert all(m.accepted_by == 1 for m in copier.matches)
    assert {m.question: m.given for m in copier.matches}["q3"] == fx.answers_of(keys["t02"])["q3"]
    assert "t03" in copier.explanation and "t02" in copier.explanation and "5 answers" in copier.explanation


def test_a_wrong_choice_only_one_classmate_has_is_no_evidence() -> None:
    """Picking a wrong choice lands on some variant's answer by construction: chance, not copying."""
    keys = keys_of(3)  # the choices of t01, t02, t03 are FAT32, NTFS, ext4: each held by one variant
    sheets = {t: fx.answers_of(k) for t, k in keys.items()}
    sheets["t01"]["q5"] = fx.answers_of(keys["t02"])["q5"]
    sheets["t03"]["q5"] = fx.answers_of(keys["t01"])["q5"]
    assert find_collusion(keys, graded(keys, sheets)) == ()
    sheets["t01"]["q1"] = fx.answers_of(keys["t02"])["q1"]  # a hash is evidence; the choice still is not
    (flag,) = find_collusion(keys, graded(keys, sheets))
    assert (flag.trainee, flag.other, flag.questions, flag.strength) == ("t01", "t02", ("q1",), "weak")


def test_strength_thresholds() -> None:
    assert [strength_of(n) for n in (1, 2, 3, 7)] == ["weak", "moderate", "strong", "strong"]


def test_one_or_two_distinctive_matches_are_weak_or_moderate_evidence() -> None:
    keys = keys_of(6)
    sheets = {t: fx.answers_of(k) for t, k in keys.items()}
    sheets["t01"]["q2"] = fx.answers_of(keys["t04"])["q2"]
    sheets["t02"]["q1"] = fx.answers_of(keys["t06"])["q1"]
    sheets["t02"]["q6"] = fx.answers_of(keys["t06"])["q6"]
    flags = {(f.trainee, f.other): f for f in find_collusion(keys, graded(keys, sheets))}
    assert set(flags) == {("t01", "t04"), ("t02", "t06")}
    assert flags[("t01", "t04")].strength == "weak"
    assert "coincidence" in flags[("t01", "t04")].explanation
    assert flags[("t02", "t06")].strength == "moderate"
    assert flags[("t02", "t06")].questions == ("q1", "q6")
    strongest_first = [f.trainee for f in find_collusion(keys, graded(keys, sheets))]
    assert strongest_first == ["t02", "t01"]


def test_an_answer_several_variants_accept_does_not_flag_on_its_own() -> None:
    keys = keys_of(8)
    sheets = {t: fx.answers_of(k) for t, k in keys.items()}
    sheets["t01"]["q5"] = fx.CHOICES[1]  # right for t02 and t06
    assert find_collusion(keys, graded(keys, sheets)) == ()


def test_an_absent_trainees_case_can_still_be_the_source() -> None:
    keys = keys_of(5)
    sheets = {t: fx.answers_of(k) for t, k in keys.items() if t != "t05"}
    sheets["t01"] = fx.answers_of(keys["t05"])
    (flag,) = find_collusion(keys, graded(keys, sheets))
    assert (flag.trainee, flag.other, flag.strength) == ("t01", "t05", "strong")


def test_same_answer_on_both_keys_is_no_evidence() -> None:
    """Where two variants hold the same answer, writing it cannot be copying, even if only one accepts it."""
    keys = keys_of(4)
    shared = "/evidence/Shared.txt"
    for trainee, case_sensitive in (("t01", True), ("t02", False)):
        change = {"answer": shared, "options": {"case_sensitive": case_sensitive}}
        questions = [q if q.id != "q6" else q.model_copy(update=change) for q in keys[trainee].questions]
        keys[trainee] = keys[trainee].model_copy(update={"questions": questions})
    sheets = {t: fx.answers_of(k) for t, k in keys.items()}
    sheets["t01"]["q6"] = shared.upper()  # wrong for t01 (case matters), right for t02 alone
    results = graded(keys, sheets)
    assert results["t01"].verdicts[5].status == "wrong"
    assert find_collusion(keys, results) == ()


def test_a_question_with_a_tolerance_is_checked_key_by_key() -> None:
    """An answer right within another variant's tolerance (no canonical form to look up) is still found."""
    keys = keys_of(4)
    for i, trainee in enumerate(keys):
        extra = KeyQuestion(id="q7", type="datetime", answer=f"2026-01-0{i + 1}T00:00:00+00:00", points=1,
                            medium="disk", options={"tolerance_seconds": 60})  # fmt: skip
        keys[trainee] = keys[trainee].model_copy(update={"questions": [*keys[trainee].questions, extra]})
    sheets = {t: fx.answers_of(k) for t, k in keys.items()}
    sheets["t01"]["q7"] = "2026-01-03T00:00:30+00:00"  # within t03's tolerance, not exact
    sheets["t01"]["q1"] = fx.answers_of(keys["t03"])["q1"]
    (flag,) = find_collusion(keys, graded(keys, sheets))
    assert (flag.trainee, flag.other) == ("t01", "t03")
    assert flag.questions == ("q1", "q7") and flag.strength == "moderate"


def test_a_class_of_200_with_20_questions_is_checked_quickly() -> None:
    count, types = 200, ["hash", "text", "path", "choice", "integer"]
    keys: dict[str, AnswerKey] = {}
    for i, trainee in enumerate(fx.trainee_ids(count)):
        questions = []
        for n in range(20):
            kind = types[n % len(types)]
            answer: object = {
                "hash": hashlib.sha256(f"{trainee}-{n}".encode()).hexdigest(),
                "text": f"user-{i}-{n}",
                "path": f"C:\\Users\\u{i}\\f{n}.doc",
                "choice": fx.CHOICES[(i + n) % 4],
                "integer": 1000 * n + i,
            }[kind]
            options = {"choices": fx.CHOICES} if kind == "choice" else {}
            questions.append(KeyQuestion(id=f"q{n}", type=kind, answer=answer, points=1, medium="disk",
                                         options=options))  # fmt: skip
        keys[trainee] = AnswerKey(scenario="s", seed=i, questions=questions)
    sheets: dict[str, dict[str, str]] = {}
    for i, (trainee, key) in enumerate(keys.items()):
        answers = {q.id: str(q.answer) for q in key.questions}
        if i % 2:  # half the class gets every answer wrong in an ordinary way
            answers = {qid: value + "9" if not value.startswith(("a", "b", "c", "d", "e", "f")) else "0" * 64
                       for qid, value in answers.items()}  # fmt: skip
        sheets[trainee] = answers
    sheets["t07"] = {q.id: str(q.answer) for q in keys["t100"].questions}
    texts = {t: "\n".join(f"{qid}: '{value}'" for qid, value in a.items()) for t, a in sheets.items()}
    results = {t: grade(keys[t], parse_answer_sheet(text, file=t)) for t, text in texts.items()}
    started = time.perf_counter()
    flags = find_collusion(keys, results)
    elapsed = time.perf_counter() - started
    print(f"collusion check of {count} trainees x 20 questions: {elapsed:.2f} s")
    assert [(f.trainee, f.other) for f in flags] == [("t07", "t100")]

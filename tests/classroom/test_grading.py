"""Grading a whole class: statuses, the policy, collusion, the gradebook round trip, regrading, history."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from labkit.classroom.grading import give_hint, grade_class, load_report, trainee_history
from labkit.classroom.layout import ClassLayout
from labkit.errors import UsageError
from labkit.grading.policy import GradingPolicy, LatePenalty
from labkit.key import AnswerKey
from tests.classroom import class_fixtures as fx

Klass = tuple[Path, Path, dict[str, AnswerKey]]
POLICY = GradingPolicy(pass_mark=60, default_hint_cost=0.25)
DUE = datetime.fromisoformat("2026-03-14T18:00:00+05:00")


@pytest.fixture
def klass(tmp_path: Path) -> tuple[Path, Path, dict[str, AnswerKey]]:
    """A class of 10 with every kind of hand-in (see the comments)."""
    root, subs = tmp_path / "class", tmp_path / "submissions"
    keys = fx.build_class(root, 10)
    right = {t: fx.answers_of(k) for t, k in keys.items()}
    fx.write_sheet(subs, keys["t01"], right["t01"], "t01.yaml")  # all right
    fx.write_sheet(subs, keys["t02"], right["t02"], "T02/answers.yaml")  # a platform's folder, other case
    fx.write_sheet(subs, keys["t03"], right["t02"], "t03.yml")  # copied t02's answers
    wrong = {**right["t04"], "q1": "0" * 64, "q3": right["t04"]["q3"] + "x", "q5": ""}
    fx.write_sheet(subs, keys["t04"], wrong, "t04.yaml")  # 4 of 8 points
    (subs / "t05.yaml").write_text("q1: 'abc\nq2: 1\n", encoding="utf-8")  # malformed: unclosed quote
    # t06 hands in nothing
    sheet = fx.write_sheet(subs, keys["t07"], right["t07"], "t07.yaml")
    sheet.write_text(sheet.read_text(encoding="utf-8") + "q9: x\n", encoding="utf-8")  # unknown question id
    fx.write_sheet(subs, keys["t09"], right["t08"], "t08.yaml")  # t08 filled in t09's sheet with own answers
    fx.write_sheet(subs, keys["t09"], right["t09"], "t09.yaml")
    fx.write_sheet(subs, keys["t10"], right["t10"], "t10.yaml")
    fx.write_sheet(subs, keys["t10"], right["t10"], "t10/answers.yaml")  # two sheets
    (subs / "notes.txt").write_text("late because of the bus\n", encoding="utf-8")
    fx.write_sheet(subs, keys["t01"], right["t01"], "t99.yaml")
    (subs / ".DS_Store").write_bytes(b"\0\0")
    return root, subs, keys


def test_a_class_is_graded_with_every_kind_of_hand_in(klass: Klass) -> None:
    root, subs, _ = klass
    report = grade_class(root, subs, policy=POLICY)
    status = {o.trainee: (o.status, o.percentage, o.passed) for o in report.outcomes}
    assert status == {
        "t01": ("graded", 100.0, True), "t02": ("graded", 100.0, True), "t03": ("graded", 0.0, False),
        "t04": ("graded", 50.0, False), "t05": ("malformed", 0.0, False), "t06": ("missing", 0.0, False),
        "t07": ("malformed", 0.0, False), "t08": ("graded", 100.0, True), "t09": ("graded", 100.0, True),
        "t10": ("malformed", 0.0, False),
    }  # fmt: skip
    assert report.run == 1 and report.pass_mark == 60 and report.mode == "exam"
    assert [q.id for q in report.questions] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert report.unmatched == ("notes.txt", "t99.yaml")
    t04 = report.outcome("t04")
    assert (t04.score, t04.max_points) == (4.0, 8.0)
    assert t04.competencies["DF-ACQ-INTEGRITY"] == 0.0 and t04.competencies["DF-FS-TIMESTAMPS"] == 1.0
    assert t04.result is not None and t04.result.sheet == "t04.yaml"
    assert report.outcome("t02").result.sheet == "T02/answers.yaml"  # type: ignore[union-attr]
    problems = {o.trainee: o.problem for o in report.outcomes if o.problem}
    assert problems["t05"].startswith("t05.yaml:1:") and "quote" in problems["t05"]
    assert "unknown question id 'q9'" in problems["t07"] and problems["t07"].startswith("t07.yaml:")
    assert "two sheets for t10" in problems["t10"]
    assert all("\n" not in p for p in problems.values())
    flags = {(f.trainee, f.other): f for f in report.flags}
    assert set(flags) == {("t03", "t02"), ("t08", "t09")}
    assert flags[("t03", "t02")].strength == "strong"
    assert flags[("t08", "t09")].strength == "strong"  # the case id alone is strong evidence
    assert "carries the case id of t09's case" in flags[("t08", "t09")].explanation


def test_the_report_is_rebuilt_from_the_gradebook(klass: Klass) -> None:
    root, subs, _ = klass
    first = grade_class(root, subs, policy=POLICY)
    assert load_report(root) == first
    assert load_report(root, run=1) == first
    second = grade_class(root, subs, policy=POLICY)
    assert second.run == 2 and load_report(root) == second and load_report(root, 1) == first


def test_regrading_after_a_key_fix_keeps_the_history(klass: Klass) -> None:
    root, subs, keys = klass
    typo = fx.answers_of(keys["t01"])["q3"] + "ov"
    fx.write_sheet(subs, keys["t01"], {**fx.answers_of(keys["t01"]), "q3": typo}, "t01.yaml")
    assert grade_class(root, subs, policy=POLICY).outcome("t01").score == 7.0
    key = keys["t01"]
    fixed = [q if q.id != "q3" else q.model_copy(update={"options": {"alternatives": [typo]}})
             for q in key.questions]  # fmt: skip
    ClassLayout(root).key("t01").write_text(key.model_copy(update={"questions": fixed}).to_json(), "utf-8")
    again = grade_class(root, subs, policy=POLICY)
    assert again.run == 2 and again.outcome("t01").score == 8.0
    history = trainee_history(root, "t01")
    assert [(h.run, h.score, h.passed) for h in history] == [(1, 7.0, True), (2, 8.0, True)]
    assert trainee_history(root, "T01") == history  # ids match case-insensitively
    assert load_report(root, 1).outcome("t01").score == 7.0


def test_hints_cost_their_points(klass: Klass) -> None:
    root, subs, _ = klass
    given = give_hint(root, "t01", "q1", policy=POLICY)  # no cost in the key: the policy's 25 % of 2 points
    assert (given.cost, given.points, given.new, given.text) == (0.5, 2.0, True, {"en": "Look at q1."})
    assert give_hint(root, "t01", "q2", policy=POLICY).cost == 0.5  # the key's own hint_cost
    assert give_hint(root, "t01", "q1", policy=POLICY).new is False
    outcome = grade_class(root, subs, policy=POLICY).outcome("t01")
    assert outcome.hints_used == ("q1", "q2")
    assert outcome.score == 7.0 and outcome.percentage == 87.5
    assert outcome.competencies["DF-ACQ-INTEGRITY"] == 0.75 and outcome.competencies["DF-FS-METADATA"] == 0.5
    assert outcome.result is not None and outcome.result.total == 8.0  # the typed grading is unchanged


def test_hint_refusals(klass: Klass) -> None:
    root, _, _ = klass
    with pytest.raises(UsageError, match="has no hint in the scenario"):
        give_hint(root, "t01", "q3", policy=POLICY)
    with pytest.raises(UsageError, match="no question 'q99'"):
        give_hint(root, "t01", "q99", policy=POLICY)
    with pytest.raises(UsageError, match="'t77' is not a trainee of this class; did you mean"):
        give_hint(root, "t77", "q1", policy=POLICY)


def test_a_late_sheet_loses_the_policys_share(klass: Klass) -> None:
    root, subs, _ = klass
    policy = GradingPolicy(pass_mark=60, late_penalty=LatePenalty(per_day=10, max=25, grace_hours=1))
    on_time = (DUE + timedelta(minutes=50)).timestamp()  # within the grace hour
    one_day = (DUE + timedelta(hours=5)).timestamp()
    days_3 = (DUE + timedelta(days=2, hours=2)).timestamp()
    for name, when in (("t01.yaml", on_time), ("t04.yaml", one_day), ("t09.yaml", days_3)):
        os.utime(subs / name, (when, when))
    report = grade_class(root, subs, policy=policy, due=DUE)
    late = {o.trainee: (o.late_days, o.percentage, o.score) for o in report.outcomes if o.trainee in
            ("t01", "t04", "t09")}  # fmt: skip
    assert late == {"t01": (0, 100.0, 8.0), "t04": (1, 45.0, 3.6), "t09": (3, 75.0, 6.0)}
    assert report.outcome("t04").competencies["DF-FS-TIMESTAMPS"] == 1.0  # skill, not punctuality
    db = sqlite3.connect(ClassLayout(root).gradebook)
    assert db.execute("SELECT due FROM runs").fetchone()[0] == "2026-03-14T18:00:00+05:00"
    db.close()


def test_competency_weights_change_what_counts(klass: Klass) -> None:
    root, subs, _ = klass
    # t04 missed q1 (DF-ACQ-INTEGRITY, 2 points), q3 and q5 (1 point each), kept q2, q4 (2 points), q6.
    policy = GradingPolicy(pass_mark=60, competency_weights={"DF-ACQ-INTEGRITY": 0, "DF-TL-NORMALISE": 3})
    outcome = grade_class(root, subs, policy=policy).outcome("t04")
    # weights: q1 0, q4 mean(1, 3) = 2, others 1 -> earned 1 + 4 + 1 = 6 of 0 + 1 + 1 + 4 + 1 + 1 = 8
    assert outcome.percentage == 75.0 and outcome.score == 6.0 and outcome.passed
    assert outcome.competencies["DF-ACQ-INTEGRITY"] == 0.0  # weight 0: shown from plain points


def test_a_sheet_for_a_case_outside_the_class_is_malformed(klass: Klass) -> None:
    root, subs, keys = klass
    stranger = keys["t01"].model_copy(update={"case_id": "feedfacecafe0001"})
    fx.write_sheet(subs, stranger, fx.answers_of(keys["t01"]), "t01.yaml")
    outcome = grade_class(root, subs, policy=POLICY).outcome("t01")
    assert outcome.status == "malformed"
    assert outcome.problem is not None and outcome.problem.startswith("t01.yaml:3: the sheet is for case")
    assert "feedfacecafe0001" in outcome.problem


def test_unusable_class_input_is_one_clear_error(klass: Klass) -> None:
    root, subs, _ = klass
    with pytest.raises(UsageError, match="no such folder"):
        grade_class(root, subs / "nope", policy=POLICY)
    with pytest.raises(UsageError, match=r"class\.json"):
        grade_class(subs, subs, policy=POLICY)
    with pytest.raises(UsageError, match="no gradebook yet"):
        load_report(root)
    ClassLayout(root).key("t05").unlink()
    with pytest.raises(UsageError, match=r"t05\.json: key file: file not found"):
        grade_class(root, subs, policy=POLICY)
    assert not ClassLayout(root).gradebook.exists()  # nothing recorded for a run that did not happen


def test_a_key_of_another_case_is_refused(klass: Klass) -> None:
    root, subs, keys = klass
    ClassLayout(root).key("t02").write_text(keys["t03"].to_json(), encoding="utf-8")
    with pytest.raises(UsageError, match=r"t02\.json: this is the key of case"):
        grade_class(root, subs, policy=POLICY)


def test_a_folder_without_a_sheet_says_what_it_holds(klass: Klass) -> None:
    root, subs, _ = klass
    (subs / "t06").mkdir()
    (subs / "t06" / "answer.yaml").write_text("q1: x\n", encoding="utf-8")
    outcome = grade_class(root, subs, policy=POLICY).outcome("t06")
    assert outcome.status == "malformed"
    assert outcome.problem == "t06/: no answers.yaml in the folder (found: answer.yaml)"

"""The gradebook: schema versions and migration, refusals, round trips, kept runs, hints, transactions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from labkit.classroom.gradebook import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Gradebook
from labkit.classroom.outcome import ClassReport, CollusionFlag, CollusionMatch, QuestionInfo, TraineeOutcome
from labkit.errors import UsageError
from labkit.grading.results import GradeResult, Verdict

QUESTIONS = (
    QuestionInfo("q1", "hash", 2.0, {"en": "SHA-256?", "ru": "SHA-256?"}, ("DF-ACQ-INTEGRITY",)),
    QuestionInfo("q2", "set", 3.0, {"en": "Deleted files?"}, ("DF-FS-DELETED", "DF-FS-METADATA")),
)


def make_report(run: int = 1) -> ClassReport:
    """Two trainees (graded with a list answer and a review mark; malformed), a flag, unmatched files."""
    verdicts = (
        Verdict("q1", "hash", "correct", 2.0, 2.0, "accepted", "AB" * 32, line=4,
                prompt={"en": "SHA-256?", "ru": "SHA-256?"}, feedback={"en": "Hash the image."}),
        Verdict("q2", "set", "partial", 2.0, 3.0, "2 of 3 items", ("a.txt", "b.txt"), line=6,
                prompt={"en": "Deleted files?"}, review=True),
    )  # fmt: skip
    graded = TraineeOutcome(
        trainee="t01", name="Aigerim Нурланова", case_id="abc123", status="graded", problem=None,
        result=GradeResult("usb-fraud", "t01.yaml", verdicts), score=3.5, max_points=5.0, percentage=70.0,
        passed=True, hints_used=("q2",), late_days=1,
        competencies={"DF-ACQ-INTEGRITY": 1.0, "DF-FS-DELETED": 0.6667}, review=("q2",),
    )  # fmt: skip
    broken = TraineeOutcome(
        trainee="t02", name="Bob", case_id="def456", status="malformed", problem="t02.yaml:3: not valid YAML",
        result=None, score=0.0, max_points=5.0, percentage=0.0, passed=False,
    )  # fmt: skip
    flag = CollusionFlag(
        "t01", "t02", (CollusionMatch("q1", "ab" * 32, 1), CollusionMatch("q2", "a.txt; b.txt", 3)), "weak",
        "1 answer wrong for t01's own case is right for t02's case.",
    )  # fmt: skip
    return ClassReport(
        scenario="usb-fraud", title={"en": "The USB fraud", "kk": "USB алаяқтығы"}, mode="exam",
        pass_mark=60.0, run=run, questions=QUESTIONS, outcomes=(graded, broken), flags=(flag,),
        unmatched=("notes.txt", "x/"),
    )  # fmt: skip


def record(book: Gradebook, report: ClassReport, when: str = "2026-03-14T12:00:00+00:00") -> int:
    return book.record_run(
        report, graded_at=when, policy_json='{"pass_mark":60}', policy_sha256="f" * 64,
        due="2026-03-13T18:00:00+05:00", submissions="subs",
    )  # fmt: skip


def test_a_new_gradebook_has_the_current_schema_and_round_trips_a_report(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    report = make_report()
    with Gradebook.open(path) as book:
        assert book.schema_version == SCHEMA_VERSION >= 2
        assert record(book, report) == 1
    with Gradebook.open(path, create=False) as book:
        loaded = book.load()
    assert loaded == report
    assert loaded.outcomes[0].result is not None
    assert loaded.outcomes[0].result.verdicts[1].given == ("a.txt", "b.txt")  # a list stays a list


def test_regrading_adds_runs_and_history_keeps_each(tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "g.sqlite") as book:
        record(book, make_report())
        second = make_report()
        better = [o if o.trainee != "t01" else _rescored(o, 4.5, 90.0) for o in second.outcomes]
        regraded = ClassReport(**{**second.__dict__, "outcomes": tuple(better)})
        record(book, regraded, "2026-03-15T09:00:00+00:00")
        assert [info.run for info in book.runs()] == [1, 2]
        assert book.load(1).outcome("t01").score == 3.5
        assert book.load().outcome("t01").score == 4.5
        history = book.history("t01")
    assert [(h.run, h.score, h.percentage, h.graded_at[:10]) for h in history] == [
        (1, 3.5, 70.0, "2026-03-14"),
        (2, 4.5, 90.0, "2026-03-15"),
    ]
    assert history[0].hints_used == ("q2",) and history[0].late_days == 1


def _rescored(outcome: TraineeOutcome, score: float, percentage: float) -> TraineeOutcome:
    return TraineeOutcome(**{**outcome.__dict__, "score": score, "percentage": percentage})


def test_runs_are_never_deleted(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    with Gradebook.open(path) as book:
        record(book, make_report())
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM runs")
    db.close()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    report = make_report()
    twice = ClassReport(**{**report.__dict__, "outcomes": (report.outcomes[0], report.outcomes[0])})
    with Gradebook.open(tmp_path / "g.sqlite") as book:
        with pytest.raises(sqlite3.IntegrityError):
            record(book, twice)
        assert book.runs() == ()
        assert record(book, report) == 1  # the failed attempt did not use up run 1


def test_hints_are_recorded_once(tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "g.sqlite") as book:
        assert book.add_hint("t01", "q1", "2026-03-14T10:00:00+00:00") is True
        assert book.add_hint("t01", "q1", "2026-03-14T11:00:00+00:00") is False
        assert book.add_hint("t02", "q2", "2026-03-14T11:00:00+00:00") is True
        assert book.hints() == {"t01": frozenset({"q1"}), "t02": frozenset({"q2"})}


def test_a_v1_gradebook_is_migrated_with_its_run_intact(tmp_path: Path) -> None:
    """Built with v1's migration alone (no flags, unmatched or review), then opened by the current code."""
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("COMMIT")
    assert {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} == {
        "runs", "questions", "outcomes", "verdicts", "hints",
    }  # fmt: skip
    db.execute(
        "INSERT INTO runs VALUES (1, '2025-11-02T09:00:00+00:00', 'usb-fraud', ?, 'exam', 50.0, '{}', ?, "
        "NULL, 'subs')",
        (json.dumps({"en": "The USB fraud"}), "a" * 64),
    )
    db.execute("INSERT INTO questions VALUES (1, 0, 'q1', 'hash', 2.0, '{\"en\": \"SHA?\"}', '[\"DF-X\"]')")
    db.execute(
        "INSERT INTO outcomes VALUES (1, 0, 't01', 'Ann', 'c1', 'graded', NULL, 't01.yaml', 'usb-fraud', "
        "2.0, 2.0, 100.0, 1, '[]', 0, '{\"DF-X\": 1.0}')"
    )
    db.execute(
        "INSERT INTO verdicts VALUES (1, 't01', 0, 'q1', 'hash', 'correct', 2.0, 2.0, 'accepted', '\"ab\"', "
        "3, '{}', '{}')"
    )
    db.execute("INSERT INTO hints VALUES ('t01', 'q1', '2025-11-01T10:00:00+00:00')")
    db.close()

    with Gradebook.open(path) as book:
        assert book.schema_version == SCHEMA_VERSION
        loaded = book.load(1)
        assert book.hints() == {"t01": frozenset({"q1"})}
        assert record(book, make_report()) == 2  # v2 tables work after the migration
    assert loaded.pass_mark == 50.0 and loaded.title == {"en": "The USB fraud"}
    assert loaded.questions == (QuestionInfo("q1", "hash", 2.0, {"en": "SHA?"}, ("DF-X",)),)
    (outcome,) = loaded.outcomes
    assert (outcome.trainee, outcome.score, outcome.percentage, outcome.passed) == ("t01", 2.0, 100.0, True)
    assert outcome.competencies == {"DF-X": 1.0}
    assert outcome.result is not None and outcome.result.verdicts[0].given == "ab"
    assert outcome.result.verdicts[0].review is False and outcome.review == ()
    assert loaded.flags == () and loaded.unmatched == ()


def test_open_with_a_target_builds_an_older_schema(tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "g.sqlite", target=1) as book:
        assert book.schema_version == 1
    with Gradebook.open(tmp_path / "g.sqlite") as book:
        assert book.schema_version == SCHEMA_VERSION


def test_a_file_that_is_not_sqlite_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    path.write_bytes(b"grades,t01,90\n" * 100)
    with pytest.raises(UsageError) as caught:
        Gradebook.open(path)
    message = caught.value.one_line()
    assert message.startswith(f"{path}: not a labkit gradebook") and "move the file aside" in message
    assert path.read_bytes() == b"grades,t01,90\n" * 100


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(UsageError, match="an SQLite database, but not a labkit gradebook"):
        Gradebook.open(path)


def test_a_newer_gradebook_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        record(book, make_report())
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(UsageError) as caught:
        Gradebook.open(path)
    message = caught.value.one_line()
    assert f"schema v{SCHEMA_VERSION + 1}" in message and "upgrade labkit" in message
    assert path.read_bytes() == before


def test_the_gradebook_is_marked_as_labkits(tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "g.sqlite"):
        pass
    db = sqlite3.connect(tmp_path / "g.sqlite")
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_missing_gradebook_and_unknown_runs_are_clear(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no gradebook yet"):
        Gradebook.open(tmp_path / "none.sqlite", create=False)
    with Gradebook.open(tmp_path / "g.sqlite") as book:
        with pytest.raises(UsageError, match="no runs yet"):
            book.load()
        record(book, make_report())
        record(book, make_report())
        with pytest.raises(UsageError, match="has no run 7; its runs are 1-2"):
            book.load(7)


def test_a_gradebook_busy_with_another_writer_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labkit.classroom import gradebook

    monkeypatch.setattr(gradebook, "_BUSY_TIMEOUT_S", 0.05)
    path = tmp_path / "g.sqlite"
    with Gradebook.open(path) as book:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another `labkit class grade` mid-write
        with pytest.raises(UsageError, match=r"cannot write the gradebook .*locked.*Nothing was changed"):
            record(book, make_report())
        other.execute("ROLLBACK")
        other.close()
        assert book.runs() == ()
        assert record(book, make_report()) == 1

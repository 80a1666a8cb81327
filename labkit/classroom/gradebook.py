"""The gradebook: every grading run of a class, kept for good, in one SQLite file.

Why SQLite: one file in the class folder that a trainer can copy, back up or
open with any SQLite browser; transactions make every run all-or-nothing (a
crash or Ctrl-C mid-write leaves the previous state, never half a run).

Rules the code keeps:
- a run is never changed or deleted (a trigger refuses deletes); re-grading
  after a key or policy fix adds the next run, so history shows what changed;
- the schema version is ``PRAGMA user_version`` and ``MIGRATIONS`` brings any
  older gradebook up to date in one transaction per step, keeping its data; a
  gradebook from a newer labkit, or a file that is not a labkit gradebook, is
  refused with one clear line and left untouched;
- hints given (``labkit class hint``) are recorded once per trainee and
  question, with when they were given, and counted by every later run.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from labkit.classroom.outcome import ClassReport, CollusionFlag, CollusionMatch, QuestionInfo, TraineeOutcome
from labkit.errors import UsageError
from labkit.grading.results import GivenAnswer, GradeResult, Verdict

_T = TypeVar("_T")

#: PRAGMA application_id of a labkit gradebook ("LBGB"): tells it apart from other SQLite files.
APPLICATION_ID = 0x4C424742
_BUSY_TIMEOUT_S = 30.0


def _v1(db: sqlite3.Connection) -> None:
    """Runs, questions, outcomes, verdicts and hints given."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for statement in (
        """CREATE TABLE runs (
            run INTEGER PRIMARY KEY,
            graded_at TEXT NOT NULL,            -- UTC, ISO 8601: when this run was graded
            scenario TEXT NOT NULL,
            title TEXT NOT NULL,                -- JSON {lang: text}
            mode TEXT NOT NULL,
            pass_mark REAL NOT NULL,
            policy TEXT NOT NULL,               -- the grading policy, canonical JSON
            policy_sha256 TEXT NOT NULL,
            due TEXT,                           -- ISO 8601 with offset, or NULL (no late penalty)
            submissions TEXT NOT NULL           -- the submissions folder as given
        )""",
        """CREATE TABLE questions (
            run INTEGER NOT NULL REFERENCES runs(run),
            position INTEGER NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            max_points REAL NOT NULL,
            prompt TEXT NOT NULL,               -- JSON {lang: text}
            competencies TEXT NOT NULL,         -- JSON [code, ...]
            PRIMARY KEY (run, position)
        )""",
        """CREATE TABLE outcomes (
            run INTEGER NOT NULL REFERENCES runs(run),
            position INTEGER NOT NULL,
            trainee TEXT NOT NULL,
            name TEXT NOT NULL,
            case_id TEXT,
            status TEXT NOT NULL CHECK (status IN ('graded', 'malformed', 'missing')),
            problem TEXT,
            sheet TEXT,                         -- the sheet graded (NULL unless graded)
            result_scenario TEXT,
            score REAL NOT NULL,
            max_points REAL NOT NULL,
            percentage REAL NOT NULL,
            passed INTEGER NOT NULL,
            hints_used TEXT NOT NULL,           -- JSON [question id, ...]
            late_days INTEGER NOT NULL,
            competencies TEXT NOT NULL,         -- JSON {code: share 0..1}
            PRIMARY KEY (run, trainee)
        )""",
        "CREATE INDEX outcomes_by_trainee ON outcomes (trainee, run)",
        """CREATE TABLE verdicts (
            run INTEGER NOT NULL,
            trainee TEXT NOT NULL,
            position INTEGER NOT NULL,
            question TEXT NOT NULL,
            answer_type TEXT NOT NULL,
            status TEXT NOT NULL,
            points REAL NOT NULL,
            max_points REAL NOT NULL,
            reason TEXT NOT NULL,
            given TEXT NOT NULL,                -- JSON: null, "text" or ["item", ...]
            line INTEGER,
            prompt TEXT NOT NULL,
            feedback TEXT NOT NULL,
            PRIMARY KEY (run, trainee, position),
            FOREIGN KEY (run, trainee) REFERENCES outcomes (run, trainee)
        )""",
        """CREATE TABLE hints (
            trainee TEXT NOT NULL,
            question TEXT NOT NULL,
            given_at TEXT NOT NULL,             -- UTC, ISO 8601
            PRIMARY KEY (trainee, question)
        )""",
        """CREATE TRIGGER runs_are_kept BEFORE DELETE ON runs
           BEGIN SELECT RAISE(ABORT, 'gradebook runs are never deleted'); END""",
    ):
        db.execute(statement)


def _v2(db: sqlite3.Connection) -> None:
    """Collusion flags, unmatched submission files and review marks (v1 recorded scores only)."""
    for statement in (
        "ALTER TABLE verdicts ADD COLUMN review INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE flags (
            run INTEGER NOT NULL REFERENCES runs(run),
            position INTEGER NOT NULL,
            trainee TEXT NOT NULL,
            other TEXT NOT NULL,
            strength TEXT NOT NULL CHECK (strength IN ('strong', 'moderate', 'weak')),
            explanation TEXT NOT NULL,
            PRIMARY KEY (run, position)
        )""",
        """CREATE TABLE flag_matches (
            run INTEGER NOT NULL,
            flag INTEGER NOT NULL,
            position INTEGER NOT NULL,
            question TEXT NOT NULL,
            given TEXT NOT NULL,
            accepted_by INTEGER NOT NULL,
            PRIMARY KEY (run, flag, position),
            FOREIGN KEY (run, flag) REFERENCES flags (run, position)
        )""",
        """CREATE TABLE unmatched (
            run INTEGER NOT NULL REFERENCES runs(run),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (run, position)
        )""",
    ):
        db.execute(statement)


def _v3(db: sqlite3.Connection) -> None:
    """The SHA-256 of the key each trainee was graded against (a key fix shows in the history), and the
    note on a sheet that was read line by line (not valid YAML)."""
    db.execute("ALTER TABLE outcomes ADD COLUMN key_sha256 TEXT")
    db.execute("ALTER TABLE outcomes ADD COLUMN sheet_note TEXT")


#: Schema steps in order: MIGRATIONS[i] takes a gradebook from version i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class HistoryEntry:
    """One trainee's result in one run (``labkit class history``)."""

    run: int
    graded_at: str
    policy_sha256: str
    status: str
    score: float
    max_points: float
    percentage: float
    passed: bool
    hints_used: tuple[str, ...]
    late_days: int
    #: The key graded against (None in runs recorded before labkit kept it).
    key_sha256: str | None = None


@dataclass(frozen=True)
class RunInfo:
    """What a run recorded besides the results."""

    run: int
    graded_at: str
    policy_sha256: str
    due: str | None
    submissions: str


def _reading(method: Callable[..., _T]) -> Callable[..., _T]:
    """Turn an SQLite failure while reading (a damaged file) into one clear UsageError."""

    @functools.wraps(method)
    def wrapper(self: Gradebook, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise self._problem("read", exc) from None

    return wrapper


class Gradebook:
    """An open gradebook; use :meth:`open` (and ``with``) rather than the constructor."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db

    # -- opening ----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, target: int = SCHEMA_VERSION) -> Gradebook:
        """Open (creating if ``create``) and migrate to ``target`` (the current schema unless a test says).

        Raises:
            UsageError: no gradebook and ``create`` is false; not a labkit gradebook; written by a newer
                labkit.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise UsageError(
                f"{path}: no gradebook yet; grade the class first with 'labkit class grade DIR SUBMISSIONS'"
            )
        if path.is_dir():
            raise UsageError(f"{path}: is a folder, not a gradebook; move it aside and grade again")
        try:
            db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise UsageError(
                f"{path}: cannot open the gradebook ({exc}); check the path's permissions"
            ) from None
        book = cls(path, db)
        try:
            book._migrate(target)
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            db.close()
            raise UsageError(
                f"{path}: not a labkit gradebook (SQLite: {exc}); move the file aside and grade again "
                "to start a new gradebook"
            ) from None
        except BaseException:
            db.close()
            raise
        return book

    def _migrate(self, target: int) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise UsageError(
                f"{self.path}: written by a newer labkit (gradebook schema v{version}; this labkit reads up "
                f"to v{SCHEMA_VERSION}); upgrade labkit to read it (the file was left unchanged)"
            )
        application = self._db.execute("PRAGMA application_id").fetchone()[0]
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if (version == 0 and tables) or (version > 0 and application != APPLICATION_ID):
            raise UsageError(
                f"{self.path}: an SQLite database, but not a labkit gradebook; move it aside and grade "
                "again to start a new gradebook"
            )
        for step in range(version, min(target, SCHEMA_VERSION)):
            with self._transaction():
                MIGRATIONS[step](self._db)
                self._db.execute(f"PRAGMA user_version = {step + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All statements inside commit together or not at all (BEGIN IMMEDIATE: one writer at a time)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._problem("write", exc) from None
        try:
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # locked past the timeout, disk full, read-only...
            self._rollback()
            raise self._problem("write", exc) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _problem(self, action: str, exc: sqlite3.Error) -> UsageError:
        return UsageError(
            f"{self.path}: cannot {action} the gradebook (SQLite: {exc}); is another 'labkit class' command "
            "using it, or is the disk full, read-only or damaged? Nothing was changed"
        )

    # -- hints ------------------------------------------------------------------------------------

    def add_hint(self, trainee: str, question: str, given_at: str) -> bool:
        """Record that ``trainee`` was given the hint to ``question``; False if it was already recorded."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO hints (trainee, question, given_at) VALUES (?, ?, ?)",
                (trainee, question, given_at),
            )
            return cursor.rowcount == 1

    @_reading
    def hints(self) -> dict[str, frozenset[str]]:
        """Trainee id -> the questions whose hint they were given."""
        found: dict[str, set[str]] = {}
        for trainee, question in self._db.execute("SELECT trainee, question FROM hints ORDER BY trainee"):
            found.setdefault(trainee, set()).add(question)
        return {trainee: frozenset(questions) for trainee, questions in found.items()}

    # -- runs -------------------------------------------------------------------------------------

    @_reading
    def runs(self) -> tuple[RunInfo, ...]:
        rows = self._db.execute(
            "SELECT run, graded_at, policy_sha256, due, submissions FROM runs ORDER BY run"
        ).fetchall()
        return tuple(RunInfo(*row) for row in rows)

    @_reading
    def latest_run(self) -> int | None:
        return self._db.execute("SELECT max(run) FROM runs").fetchone()[0]

    def record_run(
        self,
        report: ClassReport,
        *,
        graded_at: str,
        policy_json: str,
        policy_sha256: str,
        due: str | None,
        submissions: str,
    ) -> int:
        """Store ``report`` as the next run (its own ``run`` field is ignored) and return the run number."""
        with self._transaction() as db:
            run = (db.execute("SELECT max(run) FROM runs").fetchone()[0] or 0) + 1
            db.execute(
                "INSERT INTO runs (run, graded_at, scenario, title, mode, pass_mark, policy, policy_sha256, "
                "due, submissions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run, graded_at, report.scenario, _dump(dict(report.title)), report.mode, report.pass_mark,
                 policy_json, policy_sha256, due, submissions),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (run, i, q.id, q.type, q.max_points, _dump(dict(q.prompt)), _dump(list(q.competencies)))
                    for i, q in enumerate(report.questions)
                ],
            )
            for i, outcome in enumerate(report.outcomes):
                self._insert_outcome(db, run, i, outcome)
            for i, flag in enumerate(report.flags):
                db.execute(
                    "INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?)",
                    (run, i, flag.trainee, flag.other, flag.strength, flag.explanation),
                )
                db.executemany(
                    "INSERT INTO flag_matches VALUES (?, ?, ?, ?, ?, ?)",
                    [(run, i, j, m.question, m.given, m.accepted_by) for j, m in enumerate(flag.matches)],
                )
            db.executemany(
                "INSERT INTO unmatched VALUES (?, ?, ?)",
                [(run, i, name) for i, name in enumerate(report.unmatched)],
            )
        return run

    @staticmethod
    def _insert_outcome(db: sqlite3.Connection, run: int, position: int, outcome: TraineeOutcome) -> None:
        result = outcome.result
        db.execute(
            "INSERT INTO outcomes (run, position, trainee, name, case_id, status, problem, sheet, "
            "result_scenario, score, max_points, percentage, passed, hints_used, late_days, competencies, "
            "key_sha256, sheet_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run, position, outcome.trainee, outcome.name, outcome.case_id, outcome.status, outcome.problem,
             result.sheet if result else None, result.scenario if result else None, outcome.score,
             outcome.max_points, outcome.percentage, int(outcome.passed), _dump(list(outcome.hints_used)),
             outcome.late_days, _dump(dict(outcome.competencies)), outcome.key_sha256,
             result.note if result else None),
        )  # fmt: skip
        if result is None:
            return
        db.executemany(
            "INSERT INTO verdicts (run, trainee, position, question, answer_type, status, points, "
            "max_points, reason, given, line, prompt, feedback, review) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run, outcome.trainee, i, v.question_id, v.answer_type, v.status, v.points, v.max_points,
                 v.reason, _dump(list(v.given) if isinstance(v.given, tuple) else v.given), v.line,
                 _dump(dict(v.prompt)), _dump(dict(v.feedback)), int(v.review))
                for i, v in enumerate(result.verdicts)
            ],
        )  # fmt: skip

    @_reading
    def load(self, run: int | None = None) -> ClassReport:
        """The ClassReport of ``run`` (the latest when None), exactly as it was recorded.

        Raises:
            UsageError: the gradebook has no runs, or not this one.
        """
        numbers = [info.run for info in self.runs()]
        if not numbers:
            raise UsageError(f"{self.path}: the gradebook has no runs yet; grade the class first")
        if run is None:
            run = numbers[-1]
        elif run not in numbers:
            raise UsageError(f"{self.path}: the gradebook has no run {run}; {_ranges(numbers)}")
        db = self._db
        scenario, title, mode, pass_mark = db.execute(
            "SELECT scenario, title, mode, pass_mark FROM runs WHERE run = ?", (run,)
        ).fetchone()
        questions = tuple(
            QuestionInfo(qid, qtype, max_points, json.loads(prompt), tuple(json.loads(competencies)))
            for qid, qtype, max_points, prompt, competencies in db.execute(
                "SELECT id, type, max_points, prompt, competencies FROM questions WHERE run = ? "
                "ORDER BY position",
                (run,),
            )
        )
        verdicts = self._verdicts(run)
        outcomes = tuple(
            self._outcome(row, verdicts.get(row[0], ()))
            for row in db.execute(
                "SELECT trainee, name, case_id, status, problem, sheet, result_scenario, score, max_points, "
                "percentage, passed, hints_used, late_days, competencies, key_sha256, sheet_note "
                "FROM outcomes WHERE run = ? ORDER BY position",
                (run,),
            )
        )
        return ClassReport(
            scenario=scenario,
            title=json.loads(title),
            mode=mode,
            pass_mark=pass_mark,
            run=run,
            questions=questions,
            outcomes=outcomes,
            flags=self._flags(run),
            unmatched=tuple(
                name for (name,) in db.execute(
                    "SELECT name FROM unmatched WHERE run = ? ORDER BY position", (run,)
                )
            ),
        )  # fmt: skip

    def _verdicts(self, run: int) -> dict[str, tuple[Verdict, ...]]:
        found: dict[str, list[Verdict]] = {}
        for row in self._db.execute(
            "SELECT trainee, question, answer_type, status, points, max_points, reason, given, line, prompt, "
            "feedback, review FROM verdicts WHERE run = ? ORDER BY trainee, position",
            (run,),
        ):
            trainee, question, answer_type, status, points, max_points, reason, given, line = row[:9]
            found.setdefault(trainee, []).append(
                Verdict(
                    question_id=question, answer_type=answer_type, status=status, points=points,
                    max_points=max_points, reason=reason, given=_given(json.loads(given)), line=line,
                    prompt=json.loads(row[9]), feedback=json.loads(row[10]), review=bool(row[11]),
                )
            )  # fmt: skip
        return {trainee: tuple(items) for trainee, items in found.items()}

    @staticmethod
    def _outcome(row: tuple[Any, ...], verdicts: tuple[Verdict, ...]) -> TraineeOutcome:
        (trainee, name, case_id, status, problem, sheet, result_scenario, score, max_points, percentage,
         passed, hints_used, late_days, competencies, key_sha256, sheet_note) = row  # fmt: skip
        result = GradeResult(result_scenario, sheet, verdicts, sheet_note) if status == "graded" else None
        return TraineeOutcome(
            trainee=trainee, name=name, case_id=case_id, status=status, problem=problem, result=result,
            score=score, max_points=max_points, percentage=percentage, passed=bool(passed),
            hints_used=tuple(json.loads(hints_used)), late_days=late_days,
            competencies=json.loads(competencies),
            review=tuple(v.question_id for v in verdicts if v.review), key_sha256=key_sha256,
        )  # fmt: skip

    def _flags(self, run: int) -> tuple[CollusionFlag, ...]:
        matches: dict[int, list[CollusionMatch]] = {}
        for flag, question, given, accepted_by in self._db.execute(
            "SELECT flag, question, given, accepted_by FROM flag_matches WHERE run = ? "
            "ORDER BY flag, position",
            (run,),
        ):
            matches.setdefault(flag, []).append(CollusionMatch(question, given, accepted_by))
        return tuple(
            CollusionFlag(trainee, other, tuple(matches.get(position, ())), strength, explanation)
            for position, trainee, other, strength, explanation in self._db.execute(
                "SELECT position, trainee, other, strength, explanation FROM flags WHERE run = ? "
                "ORDER BY position",
                (run,),
            )
        )

    @_reading
    def history(self, trainee: str) -> tuple[HistoryEntry, ...]:
        """The trainee's result in every run, oldest first."""
        rows = self._db.execute(
            "SELECT r.run, r.graded_at, r.policy_sha256, o.status, o.score, o.max_points, o.percentage, "
            "o.passed, o.hints_used, o.late_days, o.key_sha256 FROM outcomes o JOIN runs r ON r.run = o.run "
            "WHERE o.trainee = ? ORDER BY r.run",
            (trainee,),
        ).fetchall()
        return tuple(
            HistoryEntry(run, graded_at, digest, status, score, max_points, percentage, bool(passed),
                         tuple(json.loads(hints)), late_days, key_digest)
            for (run, graded_at, digest, status, score, max_points, percentage, passed, hints,
                 late_days, key_digest) in rows
        )  # fmt: skip


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _given(value: object) -> GivenAnswer:
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    return None if value is None else str(value)


def _ranges(numbers: list[int]) -> str:
    return f"its runs are {numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else f"its only run is {numbers[0]}"


def open_for_class(class_dir: str | Path, *, create: bool = True) -> Gradebook:
    """The gradebook of a class folder (``DIR/gradebook.sqlite``)."""
    from labkit.classroom.layout import ClassLayout

    return Gradebook.open(ClassLayout(Path(class_dir)).gradebook, create=create)

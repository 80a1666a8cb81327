"""``labkit class build``: one unique, verified case per trainee of a roster, built in parallel.

    roster.csv ─┐
    secret ─────┼─ seed = HMAC(secret, id) ─> generate (one process per core) ─> cases/ID/, handout/ID.zip,
    scenario ───┘                                                                 trainer/keys/ID.json, ...

Each trainee's seed is derived from the trainer's secret and the trainee id
(:func:`labkit.seeding.trainee_seed`), so the class can be rebuilt from the same
three inputs, byte for byte, and no seed is written anywhere. Whatever ``jobs``
is, the output is the same: every variant depends on its own seed only, each
worker writes only its trainee's paths, and ``class.json`` lists trainees in
roster order, not in the order workers finish.

The whole class is built in a temporary sibling folder and renamed into place
at the end: a failure (a scenario that does not fit its disk, a verification
that disagrees, Ctrl-C) leaves nothing behind, and the error names the trainee.
Workers never print; the parent shows a progress bar on stderr when it is a
terminal.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.classroom.layout import CLASS_FILE, ClassLayout
from labkit.classroom.manifest import ClassManifest, ClassTrainee, Mode
from labkit.classroom.roster import Trainee, load_roster
from labkit.classroom.secret import load_secret
from labkit.classroom.zipping import zip_folder
from labkit.errors import LabkitError, OutputExistsError, UsageError
from labkit.generation import FACTS_FILE, KEY_FILE, generate
from labkit.i18n import SUPPORTED_LANGUAGES
from labkit.scenario.catalog import resolve_scenario_path
from labkit.scenario.loader import Scenario, load_scenario
from labkit.seeding import trainee_seed

MODES: tuple[Mode, ...] = ("exam", "practice")
MAX_SCENARIO_BYTES = 16 * 1024 * 1024
_VARIANTS = ".variants"


class ClassBuildError(LabkitError):
    """Building one trainee's case failed; the message names the trainee, the exit code is the cause's."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class _Job:
    """Everything one worker needs for one trainee (pickled to the worker process)."""

    scenario: Scenario
    trainee: str
    seed: int
    root: str
    lang: str
    verify: bool
    selfcheck_secret: bytes | None


@dataclass(frozen=True)
class _Done:
    """A worker's answer: the case id, or the one-line error of a LabkitError (which may not pickle)."""

    trainee: str
    case_id: str = ""
    error: str | None = None
    exit_code: int = 0


def build_class(
    scenario_path: str | Path,
    roster_path: str | Path,
    secret_path: str | Path,
    out: str | Path,
    *,
    mode: Mode = "exam",
    lang: str = "en",
    jobs: int | None = None,
    progress: bool = True,
    verify: bool = True,
) -> ClassManifest:
    """Build the class folder ``out`` (see :mod:`labkit.classroom.layout`); return its manifest.

    ``mode`` "practice" seals a self-check into every case folder, "exam" none.
    ``jobs`` worker processes (default: every core); 1 builds in this process.
    ``verify`` reads every answer of every variant back with independent tools.

    Raises:
        UsageError: bad roster, secret, scenario, mode, language or jobs; ``out`` exists.
        ClassBuildError: a trainee's case could not be built (the message names the trainee).
    """
    if mode not in MODES:
        raise UsageError(f"mode {mode!r}: choose exam or practice")
    if lang not in SUPPORTED_LANGUAGES:
        raise UsageError(f"language {lang!r}: choose one of {', '.join(SUPPORTED_LANGUAGES)}")
    trainees = load_roster(roster_path)
    secret = load_secret(secret_path)
    scenario_file = resolve_scenario_path(scenario_path)
    scenario = load_scenario(scenario_file)
    scenario_sha256 = _sha256_of(scenario_file)
    workers = _workers(jobs, len(trainees))
    out = Path(out).absolute()
    _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        layout = ClassLayout(tmp)
        for folder in (
            layout.keys_dir,
            layout.facts_dir,
            layout.cases_dir,
            layout.handout_dir,
            tmp / _VARIANTS,
        ):
            folder.mkdir(parents=True)
        jobs_list = [_job(scenario, trainee, secret, tmp, lang, verify, mode) for trainee in trainees]
        case_ids = _run(jobs_list, workers, progress)
        (tmp / _VARIANTS).rmdir()
        manifest = ClassManifest(
            scenario=scenario.id,
            scenario_sha256=scenario_sha256,
            title=_title(scenario),
            mode=mode,
            lang=lang,
            trainees=[ClassTrainee(id=t.id, name=t.name, case_id=case_ids[t.id]) for t in trainees],
        )
        manifest.write(tmp)
        if out.exists():
            out.rmdir()  # an empty folder given as --out
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _job(
    scenario: Scenario, trainee: Trainee, secret: bytes, root: Path, lang: str, verify: bool, mode: Mode
) -> _Job:
    from labkit.grading.selfcheck import selfcheck_secret

    sealing = selfcheck_secret(secret, trainee.id) if mode == "practice" else None
    return _Job(scenario, trainee.id, trainee_seed(secret, trainee.id), str(root), lang, verify, sealing)


def _sha256_of(path: Path) -> str:
    try:
        return hashlib.sha256(read_bounded(path, MAX_SCENARIO_BYTES)).hexdigest()
    except ReadProblem as problem:  # load_scenario read it a moment ago
        raise UsageError(f"{path}: {problem.message}; {problem.hint}") from None


def _title(scenario: Scenario) -> dict[str, str]:
    title = scenario.spec.title
    return {"en": title} if isinstance(title, str) else dict(title)


def _workers(jobs: int | None, trainees: int) -> int:
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: give 1 or more worker processes")
    return min(jobs, trainees)


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputExistsError(
            f"{out}: exists and is not an empty folder; choose another --out or remove it"
        )
    for parent in out.parents:
        for marker in (CLASS_FILE, KEY_FILE, "MANIFEST.sha256"):
            if (parent / marker).exists():
                raise UsageError(
                    f"{out}: inside the class, lab or case folder {parent}; choose an --out outside it"
                )


def _run(jobs: list[_Job], workers: int, progress: bool) -> dict[str, str]:
    """Build every job; the case id per trainee.

    A failure stops the build: jobs not yet started are cancelled, those running
    finish, and the error names the first failed trainee in roster order (so the
    same inputs give the same message, whatever the timing).
    """
    order = {job.trainee: index for index, job in enumerate(jobs)}
    case_ids: dict[str, str] = {}
    failures: list[_Done] = []
    # closing(): the pool is shut down (running workers finish) before the caller removes the
    # temporary folder they write into.
    with _progress_bar(len(jobs), progress) as advance, closing(_results(jobs, workers, failures)) as results:
        for done in results:
            if done.error is not None:
                failures.append(done)
                continue
            case_ids[done.trainee] = done.case_id
            advance()
    if failures:
        first = min(failures, key=lambda done: order[done.trainee])
        raise ClassBuildError(f"trainee {first.trainee}: {first.error}", first.exit_code)
    return case_ids


def _results(jobs: list[_Job], workers: int, failures: list[_Done]) -> Generator[_Done, None, None]:
    """Each job's result as it finishes, until ``failures`` (filled by the caller) is not empty.

    One worker builds in this process; more use a process pool.
    """
    if workers == 1:
        for job in jobs:
            if failures:
                return
            yield _build_one(job)
        return
    # "spawn": a fresh interpreter per worker, never a fork of a process running a progress-bar thread.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures: dict[Future[_Done], str] = {pool.submit(_build_one, job): job.trainee for job in jobs}
        for future in as_completed(futures):
            if future.cancelled():
                continue
            trainee = futures[future]
            try:
                yield future.result()
            except BrokenProcessPool:
                raise ClassBuildError(
                    f"trainee {trainee}: the worker process died (out of memory?); try fewer --jobs"
                ) from None
            except Exception as exc:  # a bug, not a user error: keep the traceback, name the trainee
                exc.add_note(f"while building the case of trainee {trainee}")
                raise
            if failures:
                for pending in futures:
                    pending.cancel()  # only those not yet running
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _build_one(job: _Job) -> _Done:
    """One trainee: generate (and verify) the variant, move it into the class layout, zip the case."""
    layout = ClassLayout(Path(job.root))
    work = layout.root / _VARIANTS / job.trainee
    try:
        result = generate(
            job.scenario,
            job.seed,
            work,
            lang=job.lang,
            verify=job.verify,
            trainee=job.trainee,
            selfcheck_secret=job.selfcheck_secret,
        )
        os.replace(result.case_dir, layout.case(job.trainee))
        os.replace(result.key_path, layout.key(job.trainee))
        os.replace(work / FACTS_FILE, layout.facts(job.trainee))
        work.rmdir()
        zip_folder(layout.case(job.trainee), layout.zip(job.trainee), top=job.trainee)
    except LabkitError as exc:
        return _Done(job.trainee, error=exc.one_line(), exit_code=exc.exit_code)
    return _Done(job.trainee, case_id=result.key.case_id or "")


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[], None]]:
    """A transient rich progress bar on stderr; nothing at all when disabled or stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not (enabled and console.is_terminal),
    ) as bar:
        task = bar.add_task("building cases", total=total)
        yield lambda: bar.advance(task)

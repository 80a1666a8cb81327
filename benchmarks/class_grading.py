"""Grading a class: ``grade_class`` over 10,000 sheets against one ``labkit grade`` process per sheet.

``python -m benchmarks.class_grading [--sheets 10000] [--variants 8] [--cli-sample 50] [--repeat 1] [--json]``

What is measured, and on what:

1. ``--variants`` real variants of the bundled basic scenario (``scenarios/usb-fraud.yaml``) are built
   with ``build_class`` (without verification: only their keys and blank sheets are used). Building
   10,000 variants would take hours, so the class graded is a class of ``--sheets`` trainees whose
   keys are these real keys, each shared by every ``--variants``-th trainee (hard links), with a
   ``class.json`` written by this benchmark. Everything else ``grade_class`` does runs as for a real
   class: every key loaded and prepared, every sheet found, read and graded, the policy applied, the
   collusion search over the whole class, the run recorded in a new gradebook.
2. One sheet per trainee, filled in from its key's answers, never typed: right answers in the forms
   tools and trainees write them (upper-case digests, Windows separators, ``14.03.2026 10:03``, epoch
   seconds, a choice's letter...), near misses (a digit off, an hour off), blanks, and about 1% of sheets
   that cannot be read (saved as Windows-1251, a question answered twice, an unknown question id). Every
   form is checked with labkit's own ``check_answer`` when the sheets are made, so a "right" form is one
   labkit accepts. No sheet is copied from another variant: with shared keys, a copy would be accepted
   by a thousand trainees and would measure nothing a real class does.
3. ``grade_class`` runs in a child process (its wall time alone, its own peak memory); the same child
   then grades every sheet through the per-sheet core alone (``load_answer_sheet`` + ``grade`` against
   the already loaded key), which shows what the class layer adds.
4. The obvious alternative: one ``labkit grade --key KEY SHEET --json`` process per sheet, run on an
   evenly spaced sample of ``--cli-sample`` sheets and extrapolated to all of them (a 10,000-process
   loop would take hours). Its verdicts must equal ``grade_class``'s for every sampled sheet.

``python -m benchmarks.class_grading --child CLASS SUBMISSIONS SAMPLE_JSON STARTED`` is the child side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from labkit.errors import LabkitError

from .class_build import SCENARIO, write_inputs
from .measure import GNU_TIME, BenchmarkError, gnu_time_available
from .report import MAX_LISTED_PROBLEMS, MIB

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHILD_ENVIRONMENT = {"TZ": "UTC", "LC_ALL": "C.UTF-8"}
CHILD_FLAG = "--child"
MALFORMED_SHARE = 0.01
BLANK_SHARE = 0.35  # of the answers a trainee does not get right, how many are left empty
_PLAIN = re.compile(r"[A-Za-z0-9/\\\u0400-\u04ff][^:#'\"\n]*[^\s:#'\"]|[A-Za-z0-9]")
_LAST_DIGIT = re.compile(r"\d(?=\D*$)")


# --- the class and its sheets -------------------------------------------------------------------------


@dataclass(frozen=True)
class Forms:
    """What a trainee may write for one question of one variant: accepted forms and near misses."""

    right: tuple[str, ...]
    wrong: tuple[str, ...]


def _yaml_scalar(text: str) -> str:
    """``text`` as a sheet line's value: plain when YAML reads it back unchanged, else single-quoted."""
    return text if _PLAIN.fullmatch(text) else "'" + text.replace("'", "''") + "'"


def _digit_off(text: str) -> str | None:
    """The same text with its last digit changed: the commonest near miss (a misread or mistyped digit)."""
    match = _LAST_DIGIT.search(text)
    if match is None:
        return None
    return text[: match.start()] + str((int(match[0]) + 1) % 10) + text[match.end() :]


def _datetime_forms(answer: str) -> tuple[list[str], list[str]]:
    moment = datetime.fromisoformat(answer)
    utc = moment.astimezone(UTC)
    right = [
        moment.isoformat(timespec="seconds"),
        moment.strftime("%d.%m.%Y %H:%M:%S"),  # local wall clock, read in the key's time zone
        utc.strftime("%Y-%m-%d %H:%M:%S (UTC)"),  # as TSK prints it
        str(round(moment.timestamp())),  # epoch seconds, within the tolerance
    ]
    wrong = [
        (moment + timedelta(hours=1)).isoformat(timespec="seconds"),
        utc.strftime("%d.%m.%Y %H:%M:%S"),  # UTC wall clock written as local time
        (moment - timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
        moment.strftime("%Y-%m-%d %H:%M:%S UTC"),  # the right wall clock with a wrong zone: partial
    ]
    return right, wrong


def candidate_forms(
    question_type: str, answer: object, options: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Right and wrong candidates derived from a key answer, by answer type (checked afterwards)."""
    if isinstance(answer, list):
        items = [str(item) for item in answer]
        right = [", ".join(items), "; ".join(items), "\n".join(items)]
        return right, [", ".join(items[:-1]) or "none", ", ".join([*items, "extra"])]
    text = str(answer)
    wrong = [form for form in (_digit_off(text), text[:-1]) if form]
    if question_type == "hash":
        grouped = ":".join(text[i : i + 2] for i in range(0, len(text), 2))
        return [text, text.upper(), grouped.upper(), f"{text}  evidence/usb.E01"], wrong
    if question_type == "path":
        return [text, text.replace("/", "\\"), text.upper(), text.lstrip("/")], wrong
    if question_type == "datetime":
        return _datetime_forms(text)
    if question_type == "choice":
        choices = [str(choice) for choice in options.get("choices", [])]
        index = choices.index(text) if text in choices else 0
        right = [text, text.upper(), "abcdefghijklmnopqrstuvwxyz"[index], f"{index + 1})"]
        return right, [choice for choice in choices if choice != text]
    if question_type in {"integer", "number", "bytesize", "port"}:
        return [text, f" {text} "], [form for form in (_digit_off(text),) if form]
    return [text, text.upper(), text.lower(), "  ".join(text.split(" "))], wrong


def question_forms(question: Any) -> Forms:
    """The candidates that labkit itself judges right (full credit) and wrong (less), for one question.

    Raises:
        BenchmarkError: not even the key's own answer is accepted (the benchmark would grade nothing).
    """
    from labkit.grading.grader import check_answer

    right, wrong = candidate_forms(question.type, question.answer, dict(question.options))
    accepted = tuple(dict.fromkeys(f for f in right if check_answer(question, f).status == "correct"))
    missed = tuple(dict.fromkeys(f for f in wrong if check_answer(question, f).status != "correct"))
    if not accepted:
        raise BenchmarkError(f"question {question.id}: no form of its answer is accepted by labkit")
    return Forms(accepted, missed)


@dataclass(frozen=True)
class Variant:
    """One real variant: its key file, case id, question ids and forms, and its blank sheet's lines."""

    trainee: str
    key_path: Path
    case_id: str
    blank_lines: tuple[str, ...]
    questions: tuple[tuple[str, str, Forms], ...]  # (id, the blank sheet's 'id:' line, forms)


def build_variants(workdir: Path, variants: int, seed: int) -> tuple[Path, list[Variant]]:
    """Build ``variants`` real variants (no verification) and derive every question's forms."""
    from labkit.classroom.build import build_class
    from labkit.classroom.layout import ClassLayout
    from labkit.grading.sheet_writer import yaml_key
    from labkit.key import AnswerKey

    inputs = workdir / "inputs"
    inputs.mkdir()
    roster, secret = write_inputs(inputs, variants, seed)
    real = workdir / "variants"
    manifest = build_class(SCENARIO, roster, secret, real, progress=False, verify=False)
    layout = ClassLayout(real)
    built = []
    for trainee in manifest.trainees:
        key = AnswerKey.load(layout.key(trainee.id))
        blank = (layout.case(trainee.id) / "answers.yaml").read_text(encoding="utf-8").splitlines()
        questions = tuple((q.id, f"{yaml_key(q.id)}:", question_forms(q)) for q in key.questions)
        built.append(Variant(trainee.id, layout.key(trainee.id), trainee.case_id, tuple(blank), questions))
    return real, built


def fill_sheet(variant: Variant, trainee: str, rng: random.Random) -> tuple[str, bytes]:
    """One trainee's sheet from their variant's blank: (plan, bytes); plan is 'graded' or how it is broken."""
    answers: dict[str, str | None] = {}
    skill = rng.uniform(0.35, 0.95)
    for question_id, _, forms in variant.questions:
        if rng.random() < skill:
            answers[question_id] = rng.choice(forms.right)
        elif rng.random() < BLANK_SHARE or not forms.wrong:
            answers[question_id] = None
        else:
            answers[question_id] = rng.choice(forms.wrong)
    plan = "graded"
    if rng.random() < MALFORMED_SHARE:
        plan = rng.choice(("saved as Windows-1251", "answered twice", "unknown question"))
    lines_by_blank = {blank: question_id for question_id, blank, _ in variant.questions}
    lines: list[str] = []
    for line in variant.blank_lines:
        if line.startswith("# trainee: "):
            lines.append(f"# trainee: {trainee}")
        elif line in lines_by_blank:
            value = answers[lines_by_blank[line]]
            lines.append(line if value is None else f"{line} {_yaml_scalar(value)}")
        else:
            lines.append(line)
    first_id, first_line, first_forms = variant.questions[0]
    if plan == "answered twice":
        lines.append(f"{first_line} {_yaml_scalar(first_forms.right[0])}")
    elif plan == "unknown question":
        lines.append(f"{first_id}_extra: {_yaml_scalar(first_forms.right[0])}")
    text = "\n".join(lines) + "\n"
    # Notepad's "ANSI" on a Russian Windows: the Cyrillic of the prompts is not UTF-8 any more.
    return plan, text.encode("cp1251", "replace") if plan == "saved as Windows-1251" else text.encode()


@dataclass(frozen=True)
class SyntheticClass:
    """The class graded: its folder, its submissions folder, and what each sheet was made to be."""

    class_dir: Path
    submissions: Path
    trainee_ids: list[str]
    plans: dict[str, str]
    key_paths: dict[str, Path]


def make_class(workdir: Path, variants: list[Variant], sheets: int, seed: int) -> SyntheticClass:
    """A class of ``sheets`` trainees sharing the real variants' keys, and one sheet for each."""
    from labkit.classroom.layout import ClassLayout
    from labkit.classroom.manifest import ClassManifest, ClassTrainee

    real = ClassManifest.load(variants[0].key_path.parents[2])
    class_dir = workdir / "class"
    layout = ClassLayout(class_dir)
    layout.keys_dir.mkdir(parents=True)
    submissions = workdir / "submissions"
    submissions.mkdir()
    width = max(5, len(str(sheets)))
    rng = random.Random(seed)
    trainees, plans, key_paths = [], {}, {}
    for number in range(1, sheets + 1):
        trainee = f"s{number:0{width}d}"
        variant = variants[(number - 1) % len(variants)]
        key = layout.key(trainee)
        try:
            os.link(variant.key_path, key)
        except OSError:  # a file system without hard links
            shutil.copyfile(variant.key_path, key)
        trainees.append(ClassTrainee(id=trainee, name=f"Trainee {number:0{width}d}", case_id=variant.case_id))
        plans[trainee], data = fill_sheet(variant, trainee, rng)
        (submissions / f"{trainee}.yaml").write_bytes(data)
        key_paths[trainee] = key
    manifest = real.model_copy(update={"trainees": trainees})
    manifest.write(class_dir)
    return SyntheticClass(class_dir, submissions, [t.id for t in trainees], plans, key_paths)


# --- the two sides -------------------------------------------------------------------------------------


def sample_ids(trainee_ids: list[str], size: int) -> list[str]:
    """``size`` evenly spaced trainees (all of them when fewer)."""
    if size >= len(trainee_ids):
        return list(trainee_ids)
    return [trainee_ids[index * len(trainee_ids) // size] for index in range(size)]


def run_class_child(synthetic: SyntheticClass, sample: list[str], workdir: Path) -> dict[str, Any]:
    """grade_class and the per-sheet core in a child interpreter (a fresh gradebook); its report."""
    (synthetic.class_dir / "gradebook.sqlite").unlink(missing_ok=True)
    sample_file = workdir / "sample.json"
    sample_file.write_text(json.dumps(sample), encoding="utf-8")
    argv = [
        sys.executable, "-m", "benchmarks.class_grading", CHILD_FLAG,
        str(synthetic.class_dir), str(synthetic.submissions), str(sample_file), repr(time.time()),
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(
        argv, capture_output=True, env={**os.environ, **CHILD_ENVIRONMENT}, cwd=PROJECT_ROOT, check=False
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())[-400:] or "no message"
        raise BenchmarkError(f"grading child exited with {result.returncode}: {detail}")
    return {**json.loads(result.stdout), "wall_seconds": wall}


def labkit_command() -> Path:
    """labkit's console script next to this interpreter (``.venv/bin/labkit``)."""
    return Path(sys.executable).with_name("labkit")


def run_cli(key: Path, sheet: Path, *, measure_memory: bool) -> tuple[float, int | None, int, str]:
    """One ``labkit grade --key KEY SHEET --json`` process: wall seconds, peak RSS, exit status, stdout.

    Exit status 2 (an unreadable sheet) is an answer, not a failure; anything else but 0 is a failure.
    """
    command = [str(labkit_command()), "grade", "--key", str(key), str(sheet), "--json"]
    with tempfile.NamedTemporaryFile(prefix="labkit-bench-rss-", suffix=".txt") as rss_file:
        if measure_memory:
            command = [GNU_TIME, "--format=%M", f"--output={rss_file.name}", *command]
        started = time.perf_counter()
        result = subprocess.run(
            command, capture_output=True, env={**os.environ, **CHILD_ENVIRONMENT}, check=False
        )
        seconds = time.perf_counter() - started
        peak_text = Path(rss_file.name).read_text().split() if measure_memory else []
    if result.returncode not in (0, 2):
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())[-400:] or "no message"
        raise BenchmarkError(f"labkit grade {sheet.name} exited with {result.returncode}: {detail}")
    peak = int(peak_text[-1]) * 1024 if peak_text and peak_text[-1].isdigit() else None
    return seconds, peak, result.returncode, result.stdout.decode("utf-8", "replace")


def compare_cli(trainee: str, code: int, stdout: str, graded: dict[str, Any]) -> str | None:
    """None when ``labkit grade`` and grade_class agree on one sheet, else what differs."""
    mine = graded[trainee]
    if code == 2 or mine["status"] != "graded":
        if (code == 2) != (mine["status"] == "malformed"):
            return f"{trainee}: labkit grade exit {code}, grade_class status {mine['status']}"
        return None
    data = json.loads(stdout)
    statuses = [question["status"] for question in data["questions"]]
    points = [question["points"] for question in data["questions"]]
    if statuses != mine["statuses"] or points != mine["points"]:
        return f"{trainee}: labkit grade {statuses} {points}, grade_class {mine['statuses']} {mine['points']}"
    return None


@dataclass(frozen=True)
class ClassSide:
    """grade_class over the whole class, per run; and the per-sheet core in the same child."""

    seconds: list[float]
    child_seconds: list[float]
    startup_seconds: list[float]
    core_seconds: list[float]
    peak_rss_bytes: int
    start_rss_bytes: int
    core_peak_rss_bytes: int
    gradebook_bytes: int


@dataclass(frozen=True)
class CliSide:
    """One labkit grade process per sampled sheet, per run: the summed seconds of each run."""

    sample: int
    seconds: list[float]
    peak_rss_bytes: int | None


@dataclass(frozen=True)
class GradingCheck:
    """What was graded, against the plan; and whether labkit grade agreed on every sampled sheet."""

    planned: dict[str, int]
    statuses: dict[str, int]
    core_malformed: int
    answers: dict[str, int]
    flags: int
    unmatched: int
    differences: list[str]

    @property
    def passed(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class ClassGradingResult:
    """Everything one benchmark run measured, for the table or ``--json``."""

    scenario: str
    sheets: int
    variants: int
    questions: int
    repeat: int
    grade_class: ClassSide
    cli: CliSide
    check: GradingCheck

    @property
    def sheets_per_second(self) -> float:
        return self.sheets / statistics.median(self.grade_class.seconds)

    @property
    def core_sheets_per_second(self) -> float:
        return self.sheets / statistics.median(self.grade_class.core_seconds)

    @property
    def cli_sheets_per_second(self) -> float:
        return self.cli.sample / statistics.median(self.cli.seconds)

    @property
    def ratio(self) -> float:
        """grade_class sheets/s over labkit grade sheets/s: above 1 means grade_class is faster."""
        return self.sheets_per_second / self.cli_sheets_per_second


def _differences(
    synthetic: SyntheticClass, report: dict[str, Any], planned: Counter[str], cli_problems: list[str]
) -> list[str]:
    problems = list(cli_problems)
    statuses = report["statuses"]
    malformed = sum(count for plan, count in planned.items() if plan != "graded")
    expected = {"graded": planned["graded"], "malformed": malformed, "missing": 0}
    if {status: statuses.get(status, 0) for status in expected} != expected:
        problems.append(f"grade_class statuses {statuses}, planned {expected}")
    if report["core_malformed"] != malformed:
        problems.append(
            f"per-sheet core found {report['core_malformed']} malformed sheets, planned {malformed}"
        )
    if report["unmatched"]:
        problems.append(f"{report['unmatched']} submissions matched no trainee")
    for trainee, plan in synthetic.plans.items():
        status = report["graded"].get(trainee, {}).get("status", "graded")
        if (plan == "graded") != (status == "graded"):
            problems.append(f"{trainee}: the sheet was made {plan}, grade_class says {status}")
    return problems


def run_benchmark(
    workdir: Path, *, sheets: int, variants: int, cli_sample: int, repeat: int, seed: int = 2024
) -> ClassGradingResult:
    """Build the variants, make the class and its sheets, then grade them ``repeat`` times each way."""
    if not labkit_command().is_file():
        raise BenchmarkError(f"no labkit console script at {labkit_command()}; run `bash .ci/setup` first")
    _, built = build_variants(workdir, variants, seed)
    synthetic = make_class(workdir, built, sheets, seed)
    sample = sample_ids(synthetic.trainee_ids, cli_sample)
    measure_memory = gnu_time_available()
    reports: list[dict[str, Any]] = []
    cli_seconds: list[float] = []
    cli_peaks: list[int] = []
    cli_problems: list[str] = []
    for _ in range(repeat):
        reports.append(run_class_child(synthetic, sample, workdir))
        total = 0.0
        for trainee in sample:
            sheet = synthetic.submissions / f"{trainee}.yaml"
            seconds, peak, code, stdout = run_cli(
                synthetic.key_paths[trainee], sheet, measure_memory=measure_memory
            )
            total += seconds
            cli_peaks += [peak] if peak is not None else []
            problem = compare_cli(trainee, code, stdout, reports[-1]["graded"])
            if problem is not None and problem not in cli_problems:
                cli_problems.append(problem)
        cli_seconds.append(total)
    last = reports[-1]
    side = ClassSide(
        seconds=[float(r["grade_class_seconds"]) for r in reports],
        child_seconds=[float(r["wall_seconds"]) for r in reports],
        startup_seconds=[float(r["startup_seconds"]) for r in reports],
        core_seconds=[float(r["core_seconds"]) for r in reports],
        peak_rss_bytes=max(int(r["peak_rss_bytes"]) for r in reports),
        start_rss_bytes=min(int(r["start_rss_bytes"]) for r in reports),
        core_peak_rss_bytes=max(int(r["core_peak_rss_bytes"]) for r in reports),
        gradebook_bytes=int(last["gradebook_bytes"]),
    )
    planned = Counter(synthetic.plans.values())
    check = GradingCheck(
        planned=dict(sorted(planned.items())),
        statuses=last["statuses"],
        core_malformed=int(last["core_malformed"]),
        answers=last["answers"],
        flags=int(last["flags"]),
        unmatched=int(last["unmatched"]),
        differences=_differences(synthetic, last, planned, cli_problems),
    )
    return ClassGradingResult(
        scenario=SCENARIO.relative_to(PROJECT_ROOT).as_posix(),
        sheets=sheets,
        variants=len(built),
        questions=len(built[0].questions),
        repeat=repeat,
        grade_class=side,
        cli=CliSide(len(sample), cli_seconds, max(cli_peaks) if cli_peaks else None),
        check=check,
    )


# --- the report ----------------------------------------------------------------------------------------


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f}"


def render_table(result: ClassGradingResult) -> str:
    """The human-readable report: what was graded, sheets/s each way, the ratio, memory, the check."""
    side, cli, check = result.grade_class, result.cli, result.check
    answered = sum(check.answers.values()) or 1
    mix = ", ".join(f"{count / answered:.0%} {status}" for status, count in check.answers.items())
    malformed = {plan: count for plan, count in check.planned.items() if plan != "graded"}
    extrapolated = result.sheets / result.cli_sheets_per_second
    median_cli = statistics.median(cli.seconds)
    lines = [
        f"Class grading: {result.sheets:,} sheets of {result.scenario} ({result.questions} questions), "
        f"{result.repeat} run(s) each",
        f"the class: {result.sheets:,} trainees sharing the keys of {result.variants} real variants "
        "(building 10,000 variants would take hours); grade_class does all its work as for a real class",
        f"answers: {mix}; {sum(malformed.values())} unreadable sheets "
        f"({', '.join(f'{count} {plan}' for plan, count in malformed.items()) or 'none'})",
        "",
        f"{'side':<42}{'sheets':>8}{'median s':>10}{'min s':>9}{'sheets/s':>10}{'peak RSS MiB':>14}",
        f"{'grade_class (one process, the whole class)':<42}{result.sheets:>8,}"
        f"{statistics.median(side.seconds):>10.2f}{min(side.seconds):>9.2f}"
        f"{result.sheets_per_second:>10.1f}{_mib(side.peak_rss_bytes):>14}",
        f"{'labkit grade, one process per sheet':<42}{cli.sample:>8,}{median_cli:>10.2f}"
        f"{min(cli.seconds):>9.2f}{result.cli_sheets_per_second:>10.1f}{_mib(cli.peak_rss_bytes):>14}",
        "",
        f"ratio grade_class / labkit grade per sheet, sheets/s, median: {result.ratio:.1f}x "
        f"({'grade_class faster' if result.ratio > 1 else 'grade_class slower'})",
        f"labkit grade ran on an evenly spaced sample of {cli.sample:,} sheets; at that rate all "
        f"{result.sheets:,} would take {extrapolated:,.0f} s ({extrapolated / 60:,.1f} min)",
        f"per-sheet core alone (load_answer_sheet + grade, keys loaded): {result.core_sheets_per_second:,.1f}"
        f" sheets/s, median {statistics.median(side.core_seconds):.2f} s; grade_class adds loading every key,"
        " the policy, the collusion search and the gradebook",
        f"grade_class memory: peak {_mib(side.peak_rss_bytes)} MiB ({_mib(side.start_rss_bytes)} MiB of it "
        f"interpreter and imports); gradebook {side.gradebook_bytes / MIB:.1f} MiB after one run",
        f"not in grade_class's time: starting the child's interpreter and importing labkit, median "
        f"{statistics.median(side.startup_seconds):.2f} s (each labkit grade process pays that too)",
        "",
        f"grade_class: {', '.join(f'{count:,} {status}' for status, count in check.statuses.items())}; "
        f"{check.flags} collusion flags, {check.unmatched} unmatched files",
    ]
    if check.differences:
        lines.append(f"DIFFERENCES ({len(check.differences)}):")
        lines += [f"  {difference}" for difference in check.differences[:MAX_LISTED_PROBLEMS]]
    else:
        lines.append(
            f"as planned; the per-sheet core found the same {check.core_malformed} unreadable sheets; "
            f"labkit grade agreed on all {cli.sample:,} sampled sheets (exit status, statuses, points)"
        )
    lines.append(f"check: {'PASSED' if check.passed else 'FAILED'}")
    return "\n".join(lines)


# --- the child -----------------------------------------------------------------------------------------


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def child_main(argv: list[str]) -> int:
    """``CLASS SUBMISSIONS SAMPLE_JSON STARTED``: grade_class, then the per-sheet core; print one JSON object.

    STARTED is the parent's ``time.time()`` when it started this process.
    """
    from labkit.classroom.grading import grade_class
    from labkit.classroom.layout import ClassLayout
    from labkit.classroom.manifest import ClassManifest
    from labkit.grading.grader import grade
    from labkit.grading.sheet_reader import load_answer_sheet
    from labkit.key import AnswerKey

    from .process_memory import peak_resident_bytes, reset_peak, resident_bytes

    startup = time.time() - float(argv[3])  # interpreter start and imports, until grading begins
    class_dir, submissions = Path(argv[0]), Path(argv[1])
    sample = set(json.loads(Path(argv[2]).read_text(encoding="utf-8")))
    start_rss = resident_bytes()
    try:
        seconds, report = _timed(lambda: grade_class(class_dir, submissions))
    except LabkitError as error:
        sys.stderr.write(error.one_line() + "\n")
        return error.exit_code
    peak = peak_resident_bytes()
    answers: Counter[str] = Counter()
    for outcome in report.outcomes:
        if outcome.result is not None:
            answers.update(verdict.status for verdict in outcome.result.verdicts)
    graded = {
        o.trainee: {
            "status": o.status,
            "statuses": [v.status for v in o.result.verdicts] if o.result else [],
            "points": [v.points for v in o.result.verdicts] if o.result else [],
        }
        for o in report.outcomes
        if o.trainee in sample or o.status != "graded"
    }
    statuses = Counter(o.status for o in report.outcomes)
    flags, unmatched = len(report.flags), len(report.unmatched)
    manifest = ClassManifest.load(class_dir)
    layout = ClassLayout(class_dir)
    keys: dict[str, AnswerKey] = {}
    for trainee in manifest.trainees:  # one key per variant: the core grades, it does not load
        if trainee.case_id not in keys:
            keys[trainee.case_id] = AnswerKey.load(layout.key(trainee.id))
    del report
    reset_peak()

    def core() -> int:
        malformed = 0
        for trainee in manifest.trainees:
            try:
                grade(keys[trainee.case_id], load_answer_sheet(submissions / f"{trainee.id}.yaml"))
            except LabkitError:
                malformed += 1
        return malformed

    core_seconds, core_malformed = _timed(core)
    output = {
        "startup_seconds": startup,
        "grade_class_seconds": seconds,
        "core_seconds": core_seconds,
        "peak_rss_bytes": peak,
        "start_rss_bytes": start_rss,
        "core_peak_rss_bytes": peak_resident_bytes(),
        "statuses": dict(sorted(statuses.items())),
        "answers": {s: answers[s] for s in ("correct", "partial", "wrong", "unanswered")},
        "core_malformed": core_malformed,
        "flags": flags,
        "unmatched": unmatched,
        "gradebook_bytes": layout.gradebook.stat().st_size,
        "graded": graded,
    }
    sys.stdout.write(json.dumps(output) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (or JSON); exit 0 when both ways graded as planned."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [CHILD_FLAG]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.class_grading", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sheets", type=int, default=10000, help="sheets to grade (default 10000)")
    parser.add_argument(
        "--variants", type=int, default=8, help="real variants built; their keys are shared (default 8)"
    )
    parser.add_argument(
        "--cli-sample", type=int, default=50, help="sheets graded by one labkit grade each (default 50)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side (default 1)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the class and sheets (default 2024)")
    parser.add_argument(
        "--workdir", type=Path, help="where to put the class and sheets (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the variants, the class and the sheets")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args(argv)
    if min(options.sheets, options.variants, options.cli_sample, options.repeat) < 1:
        parser.error("--sheets, --variants, --cli-sample and --repeat must be at least 1")
    if options.workdir is not None:
        options.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="labkit-class-grading-bench-", dir=options.workdir))
    try:
        result = run_benchmark(
            workdir, sheets=options.sheets, variants=options.variants, cli_sample=options.cli_sample,
            repeat=options.repeat, seed=options.seed,
        )  # fmt: skip
    except LabkitError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        extra = {
            "sheets_per_second": result.sheets_per_second,
            "core_sheets_per_second": result.core_sheets_per_second,
            "cli_sheets_per_second": result.cli_sheets_per_second,
            "cli_extrapolated_seconds": result.sheets / result.cli_sheets_per_second,
            "ratio": result.ratio,
            "passed": result.check.passed,
            "kept": str(workdir) if options.keep else None,
        }
        print(json.dumps({**asdict(result), **extra}, indent=2, ensure_ascii=False))
    else:
        print(render_table(result))
        if options.keep:
            print(f"kept: {workdir}")
    return 0 if result.check.passed else 1


if __name__ == "__main__":
    sys.exit(main())

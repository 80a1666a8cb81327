"""The whole loop in one command: generate the bundled lab, solve it by script, grade it.

``python -m labkit.demo`` (what ``.ci/demo`` runs) shows a newcomer, in a few
seconds, what labkit does: a trainee's case folder with a real E01 is generated
and checked with The Sleuth Kit; a scripted trainee solves it from the case
folder alone with ``labkit disk``'s library; the trainer's key grades the sheet.
``--scenario insider-theft`` runs the same loop on the network lab: a pcapng and a
USB stick, checked with tshark and The Sleuth Kit, solved with ``labkit net``'s and
``labkit disk``'s libraries. ``--scenario compromised-server`` runs it on the memory lab:
a LiME RAM image and a capture, checked with volatility3 and tshark, solved with the
unmodified ``vol`` CLI (as ``labkit mem`` runs it) and ``labkit net``'s library.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from labkit.errors import LabkitError
from labkit.grading import grade_files
from labkit.grading.languages import pick_text
from labkit.i18n import SUPPORTED_LANGUAGES
from labkit.reports.terminal import grade_table
from labkit.solvers import compromised_server, insider_theft, usb_fraud
from labkit.solvers.answer_filling import write_answer_sheet
from labkit.solvers.usb_fraud import SCENARIO_ID, Finding

STEPS = 3
INDENT = 6
LABEL_WIDTH = 7


class SolvedCase(Protocol):
    """What every scripted solution offers the demo."""

    @property
    def zone(self) -> str: ...

    @property
    def findings(self) -> tuple[Finding, ...]: ...


@dataclass(frozen=True)
class DemoLab:
    """One bundled lab the demo can run: what checks it, what solves it, what to try next."""

    scenario_id: str
    checked_with: str  # the independent tools generate(verify=True) reads every answer back with
    solved_with: str
    investigate: Callable[[Path], SolvedCase]
    evidence: Callable[[Any], tuple[str, str]]  # (label, value) of the findings' first row
    try_command: Callable[[Any], str]  # a command to repeat a step by hand on the kept lab


def _usb_fraud_evidence(solution: usb_fraud.Solution) -> tuple[str, str]:
    return "image", f"{solution.image.name}; times read in {solution.zone} (the briefing's zone)"


def _usb_fraud_try(solution: usb_fraud.Solution) -> str:
    return f"labkit disk ls -r -l --tz {solution.zone} {solution.image}"


def _insider_theft_evidence(solution: insider_theft.Solution) -> tuple[str, str]:
    files = ", ".join(path.name for path in (solution.capture, solution.image) if path is not None)
    return "evidence", f"{files}; times shown in {solution.zone} (the briefing's zone)"


def _insider_theft_try(solution: insider_theft.Solution) -> str:
    return f"labkit net creds --tz {solution.zone} {solution.capture}"


def _compromised_server_evidence(solution: compromised_server.Solution) -> tuple[str, str]:
    files = f"{solution.image.name}, {solution.capture.name}"
    return "evidence", f"{files}; times shown in {solution.zone} (the briefing's zone)"


def _compromised_server_try(solution: compromised_server.Solution) -> str:
    return f"labkit mem --case {solution.case_dir} pstree"


LABS = {
    lab.scenario_id: lab
    for lab in (
        DemoLab(
            SCENARIO_ID,
            "The Sleuth Kit",
            "labkit's disk tools",
            usb_fraud.investigate,
            _usb_fraud_evidence,
            _usb_fraud_try,
        ),
        DemoLab(
            insider_theft.SCENARIO_ID,
            "tshark and The Sleuth Kit",
            "labkit's net and disk tools",
            insider_theft.investigate,
            _insider_theft_evidence,
            _insider_theft_try,
        ),
        DemoLab(
            compromised_server.SCENARIO_ID,
            "volatility3 and tshark",
            "volatility3 (as labkit mem runs it) and labkit's net tools",
            compromised_server.investigate,
            _compromised_server_evidence,
            _compromised_server_try,
        ),
    )
}
DEFAULT_LAB = LABS[SCENARIO_ID]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; 0 once the sheet is graded (whatever the score), a LabkitError's code otherwise."""
    try:
        options = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a bad option (argparse has printed why)
        return exc.code if isinstance(exc.code, int) else 2
    console = Console(highlight=False, emoji=False)
    lab = LABS[options.scenario]
    if options.out is None:
        root: Path | None = Path(tempfile.mkdtemp(prefix="labkit-demo-"))
        out = root / f"{lab.scenario_id}-seed{options.seed}"
    else:
        root, out = None, options.out
    keep = options.keep or root is None
    try:
        # The default lab keeps run()'s original four-argument call.
        chosen = {} if lab is DEFAULT_LAB else {"lab": lab}
        solution = run(console, _seed(options.seed), out, options.lang, **chosen)
    except LabkitError as exc:
        error = Console(stderr=True, highlight=False)
        error.print(Text(f"labkit demo: error: {exc.one_line()}", style="red"))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    finally:
        if root is not None and not keep:
            shutil.rmtree(root, ignore_errors=True)
    if keep:
        console.print(Text(f"The lab is kept in {out}. Try: {lab.try_command(solution)}"))
    else:
        console.print(Text("(temporary lab removed: keep it with --keep or --out DIR)", style="dim"))
    return 0


def run(console: Console, seed: int | str, out: Path, lang: str, lab: DemoLab = DEFAULT_LAB) -> SolvedCase:
    """The three steps, each announced on one line; returns what the solver found."""
    from labkit.generation import generate
    from labkit.scenario.catalog import resolve_scenario_path
    from labkit.scenario.loader import load_scenario

    scenario_id = lab.scenario_id
    _step(console, 1, f"Generate the {scenario_id} lab, seed {seed}, and check it with {lab.checked_with}")
    started = time.perf_counter()
    result = generate(load_scenario(resolve_scenario_path(scenario_id)), seed, out, lang=lang, verify=True)
    title = pick_text(result.key.title, lang)
    console.print(_indented(_rows([
        ("lab", title),
        ("trainee", f"{result.case_dir}/: {', '.join(_case_files(result.case_dir))}"),
        ("trainer", str(result.key_path)),
        ("time", f"{time.perf_counter() - started:.1f} s"),
    ])))  # fmt: skip

    _step(console, 2, f"Solve it from case/ alone, with {lab.solved_with} (never the key)")
    started = time.perf_counter()
    solution = lab.investigate(result.case_dir)
    answers = {f.question_id: f.answer for f in solution.findings if f.answer is not None}
    write_answer_sheet(result.case_dir / "answers.yaml", answers)
    seconds = time.perf_counter() - started
    console.print(_indented(_findings(lab, solution, seconds)))

    _step(console, 3, "Grade case/answers.yaml with the trainer's key.json")
    graded = grade_files(result.key_path, result.case_dir / "answers.yaml")
    console.print(_indented(grade_table(graded, lang)))
    return solution


def _findings(lab: DemoLab, solution: SolvedCase, seconds: float) -> Table:
    """One row per answer: the value, and underneath, dimmed, what the tools showed."""
    table = _rows([lab.evidence(solution)])
    for finding in solution.findings:
        cell = Text(finding.answer or "(not found)", style="cyan" if finding.answer else "yellow")
        cell.append(f"\n{finding.how}", style="dim")
        table.add_row(finding.question_id, cell)
    table.add_row("time", Text(f"{seconds:.1f} s"))
    return table


def _rows(rows: list[tuple[str, str]]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0))
    table.add_column(style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    table.add_column(overflow="fold")
    for name, value in rows:
        table.add_row(name, Text(value))
    return table


def _indented(renderable: RenderableType) -> Padding:
    return Padding(renderable, (0, 0, 0, INDENT))


def _case_files(case_dir: Path) -> list[str]:
    return sorted(path.relative_to(case_dir).as_posix() for path in case_dir.rglob("*") if path.is_file())


def _step(console: Console, number: int, what: str) -> None:
    line = Text(f"[{number}/{STEPS}] ", style="bold magenta")
    line.append(what, style="bold")
    console.print(line)


def _seed(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m labkit.demo",
        description="Generate a bundled lab (by default the USB-stick lab), solve it by script with "
        "labkit's tools, grade it.",
    )
    parser.add_argument(
        "--scenario",
        default=SCENARIO_ID,
        choices=sorted(LABS),
        help=f"which bundled lab (default: {SCENARIO_ID}; insider-theft: a capture and a USB stick; "
        "compromised-server: a RAM image and a capture)",
    )
    parser.add_argument("--seed", default="1", help="variant seed (default: 1)")
    parser.add_argument(
        "--lang", default="en", choices=SUPPORTED_LANGUAGES, help="briefing, sheet and report language"
    )
    parser.add_argument("--out", type=Path, help="keep the lab in this new folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="do not remove the temporary lab at the end")
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``labkit class grade``, ``class hint`` and ``class history``: the gradebook side of a class."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from labkit.grading.languages import LANGUAGES, pick_text
from labkit.grading.policy import GradingPolicy, load_policy


class DueTime(click.ParamType):
    """An ISO 8601 date and time; without a zone it is this computer's local time."""

    name = "DATETIME"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            due = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{text!r} is not a date and time; write e.g. 2026-03-14T17:00+05:00 (ISO 8601)", param, ctx
            )
        return due if due.tzinfo is not None else due.astimezone()


_lang = click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
    help="Language of prompts, labels and hints.",
)  # fmt: skip
_policy = click.option(
    "--policy", "policy_path", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
    help="Grading policy (default: graders/policy.yaml).",
)  # fmt: skip


def _load_policy(path: Path | None) -> GradingPolicy:
    return load_policy(path)


def _console() -> Console:
    return Console(highlight=False, emoji=False)


@click.command("grade")
@click.argument("class_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("submissions", type=click.Path(path_type=Path, file_okay=False))
@_policy
@click.option("--due", type=DueTime(), default=None,
              help="Due time (ISO 8601); sheets modified later lose points as the policy says. Lateness "
              "is read from each sheet file's modification time, so collect sheets in a way that keeps "
              "it.")  # fmt: skip
@_lang
@click.option("--json", "as_json", is_flag=True, help="Print the graded class as JSON instead of tables.")
def grade(
    class_dir: Path,
    submissions: Path,
    policy_path: Path | None,
    due: datetime | None,
    lang: str,
    as_json: bool,
) -> None:
    """Grade every answer sheet in SUBMISSIONS for the class in CLASS_DIR and record the run.

    Sheets are SUBMISSIONS/ID.yaml or SUBMISSIONS/ID/answers.yaml. Each grading adds a run to
    CLASS_DIR/gradebook.sqlite; earlier runs are kept (see `labkit class history`).

    Exit status: 0 when graded (whatever the scores), 2 when the class, a key, the policy or the
    submissions folder is unusable.
    """
    from labkit.classroom.grading import grade_class

    report = grade_class(class_dir, submissions, policy=_load_policy(policy_path), due=due)
    if as_json:
        from labkit.reports.class_json import class_report_to_json

        click.echo(class_report_to_json(report, lang), nl=False)
        return
    from labkit.reports.class_terminal import class_table

    console = _console()
    console.print(class_table(report, lang))
    console.print(Text(f"Recorded as run {report.run} in {class_dir / 'gradebook.sqlite'}", style="dim"))


@click.command("hint")
@click.argument("class_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("trainee")
@click.argument("question")
@_policy
@_lang
def hint(class_dir: Path, trainee: str, question: str, policy_path: Path | None, lang: str) -> None:
    """Give TRAINEE the hint to QUESTION: print it and record it in the gradebook.

    Every later grading run charges its cost (the question's hint_cost, or the policy's share). A hint
    given twice is recorded and charged once.

    Exit status: 0 when recorded, 2 for an unknown trainee or question or a question without a hint.
    """
    from labkit.classroom.grading import give_hint

    given = give_hint(class_dir, trainee, question, policy=_load_policy(policy_path))
    console = _console()
    head = Text()
    head.append(f"Hint to {given.question} for {given.trainee}", style="bold")
    unit = "point" if given.points == 1 else "points"
    head.append(f" (costs {given.cost:g} of the question's {given.points:g} {unit})")
    console.print(head)
    console.print(Text(pick_text(given.text, lang)))
    note = "recorded in the gradebook" if given.new else "already recorded earlier; it is charged once"
    console.print(Text(note, style="dim"))


@click.command("history")
@click.argument("class_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("trainee")
def history(class_dir: Path, trainee: str) -> None:
    """Show TRAINEE's result in every grading run of the class, oldest first.

    Exit status: 0 when shown, 2 when there is no gradebook or no such trainee.
    """
    from labkit.classroom.grading import trainee_history

    entries = trainee_history(class_dir, trainee)
    table = Table(
        title=Text(f"{trainee}: every grading run"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        show_edge=False,
    )
    for column, justify in (("run", "right"), ("graded (UTC)", "left"), ("status", "left"),
                            ("score", "right"), ("%", "right"), ("result", "left"), ("hints", "left"),
                            ("late", "right"), ("policy", "left"), ("key", "left")):  # fmt: skip
        wraps = column == "hints"
        table.add_column(column, justify=justify, no_wrap=not wraps, min_width=5 if wraps else None)  # type: ignore[arg-type]
    for entry in entries:
        graded = entry.status == "graded"
        table.add_row(
            str(entry.run),
            entry.graded_at[:16].replace("T", " "),
            entry.status,
            f"{entry.score:g}/{entry.max_points:g}" if graded else "—",
            f"{entry.percentage:.2f}" if graded else "—",
            Text("pass", style="green") if entry.passed else Text("fail", style="red"),
            Text(", ".join(entry.hints_used) or "—", overflow="fold"),
            str(entry.late_days),
            entry.policy_sha256[:8],
            (entry.key_sha256 or "—")[:8],
        )
    _console().print(table)


COMMANDS: list[click.Command] = [grade, hint, history]

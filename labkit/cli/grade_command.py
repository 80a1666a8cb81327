"""``labkit grade``: grade one answer sheet against one answer key."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from labkit.grading import grade as grade_sheet
from labkit.grading import load_answer_sheet
from labkit.grading.languages import LANGUAGES
from labkit.key import AnswerKey
from labkit.reports.json_report import grade_result_to_json
from labkit.reports.terminal import grade_table


@click.command("grade")
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The variant's key.json (kept by the trainer).",
)
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (schema 'format': 1).")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of prompts, feedback and labels.",
)
def grade(key_path: Path, answers: Path, as_json: bool, lang: str) -> None:
    """Grade ANSWERS (a trainee's answers.yaml) against --key.

    Exit status: 0 when graded (whatever the score), 2 when the key or the sheet is unusable.
    """
    key = AnswerKey.load(key_path)
    sheet = load_answer_sheet(answers)
    result = grade_sheet(key, sheet)
    if as_json:
        click.echo(grade_result_to_json(result, lang), nl=False)
    else:
        Console(highlight=False, emoji=False).print(grade_table(result, lang))


COMMANDS = [grade]

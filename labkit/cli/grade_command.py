"""``labkit grade``: grade one answer sheet against one answer key."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from labkit.grading import grade_files
from labkit.grading.languages import LANGUAGES
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
    result = grade_files(key_path, answers)
    if as_json:
        click.echo(grade_result_to_json(result, lang), nl=False)
    else:
        Console(highlight=False, emoji=False).print(grade_table(result, lang))


COMMANDS = [grade]

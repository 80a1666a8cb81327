"""``labkit check``: a trainee's local self-check against a practice case's sealed answers."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("check")
@click.argument("case_dir", metavar="CASE_DIR", type=click.Path(path_type=Path))
@click.argument("question")
@click.argument("answer")
def check(case_dir: Path, question: str, answer: str) -> int:
    """Check ANSWER to QUESTION (e.g. q3) against the sealed answers of the practice case CASE_DIR.

    Quote an answer with spaces; put '--' before an answer that starts with '-'.
    Only exactly right answers match; answers within a tolerance or partly right
    are judged at grading. Exam cases carry no self-check.

    Exit status: 0 matches; 1 does not match exactly, cannot be read (the reason is printed) or
    cannot be self-checked; 2 bad input.
    """
    from labkit.grading.selfcheck import check_sealed, load_seal

    result = check_sealed(load_seal(case_dir), question, answer)
    click.echo(f"{result.question}: {result.message}")
    return 0 if result.matches else 1


COMMANDS: list[click.Command] = [check]

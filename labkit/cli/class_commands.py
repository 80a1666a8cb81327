"""``labkit class``: build a class's cases from a roster, grade its submissions, report on it."""

from __future__ import annotations

import click

from labkit.cli import class_build_command, class_grade_command, class_report_command


@click.group("class")
def class_group() -> None:
    """Run a practical or an exam for a whole class (one unique case per trainee)."""


for _module in (class_build_command, class_grade_command, class_report_command):
    for _command in _module.COMMANDS:
        class_group.add_command(_command)

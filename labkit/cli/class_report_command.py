"""``labkit class report``: a graded class (or one trainee) as terminal tables, JSON, CSV, JUnit or HTML."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console, Group

from labkit.classroom.outcome import ClassReport
from labkit.errors import UsageError
from labkit.grading.languages import LANGUAGES
from labkit.reports.class_csv import class_report_to_csv
from labkit.reports.class_html import class_report_to_html
from labkit.reports.class_json import class_report_to_json
from labkit.reports.class_junit import class_report_to_junit
from labkit.reports.class_terminal import class_table, trainee_table

FORMATS = ("terminal", "json", "csv", "junit", "html")
#: Width of terminal tables written to a file (no terminal to measure).
FILE_WIDTH = 120

_RENDERERS: dict[str, Callable[[ClassReport, str, str | None], str]] = {
    "json": class_report_to_json,
    "csv": class_report_to_csv,
    "junit": class_report_to_junit,
    "html": class_report_to_html,
}


@click.command("report")
@click.argument("class_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True,
              help="terminal: tables; json: 'format': 1; csv: a row per trainee; junit: XML for learning "
              "platforms and CI; html: one self-contained page with charts.")  # fmt: skip
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of labels, prompts and competency titles.")  # fmt: skip
@click.option("--trainee", default=None, metavar="ID", help="Report on this trainee only.")
@click.option("--run", type=click.IntRange(min=1), default=None, metavar="N",
              help="The gradebook run to report (default: the latest).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Write to FILE (replaced atomically if it exists), not standard output.")  # fmt: skip
def report(
    class_dir: Path, fmt: str, lang: str, trainee: str | None, run: int | None, out: Path | None
) -> None:
    """Report on the class in CLASS_DIR from its gradebook (run `labkit class grade` first).

    Exit status: 0 when the report was written, 2 when the class, the run or the trainee is unknown.
    """
    from labkit.classroom import grading

    loaded = grading.load_report(class_dir, run=run)
    if trainee is not None:
        _check_trainee(loaded, trainee, class_dir)
    if fmt == "terminal":
        if out is None:
            Console(highlight=False, emoji=False).print(_terminal(loaded, lang, trainee))
            return
        buffer = io.StringIO()
        Console(file=buffer, width=FILE_WIDTH, highlight=False, emoji=False, color_system=None).print(
            _terminal(loaded, lang, trainee)
        )
        text = buffer.getvalue()
    else:
        text = _RENDERERS[fmt](loaded, lang, trainee)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomically(out, text)


def _terminal(loaded: ClassReport, lang: str, trainee: str | None) -> Group:
    return class_table(loaded, lang) if trainee is None else trainee_table(loaded, trainee, lang)


def _check_trainee(loaded: ClassReport, trainee: str, class_dir: Path) -> None:
    ids = [item.trainee for item in loaded.outcomes]
    if trainee in ids:
        return
    from labkit.scenario.validation_errors import did_you_mean

    shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
    hint = did_you_mean(trainee, ids) or f"trainees of this class: {shown or 'none'}"
    raise UsageError(f"{class_dir}: --trainee {trainee!r} is not a trainee of this class; {hint}")


def write_atomically(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to a temporary sibling, then rename it over ``path``: never half a report."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist; create it or choose another --out")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write the report ({exc.strerror}); choose another --out") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


COMMANDS: list[click.Command] = [report]

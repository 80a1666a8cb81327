"""``labkit scenario validate|list|show``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from labkit.i18n import pick
from labkit.scenario.catalog import bundled_scenarios, resolve_scenario_path
from labkit.scenario.loader import load_scenario


@click.group()
def scenario() -> None:
    """Check, list and describe scenario definitions."""


@scenario.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Validate scenario files (everything is checked; nothing is written)."""
    for path in paths:
        loaded = load_scenario(resolve_scenario_path(path))
        click.echo(
            f"{path}: ok ({loaded.id}, {len(loaded.actions)} actions, {len(loaded.spec.questions)} questions)"
        )


@scenario.command(name="list")
@click.option("--lang", default="en", show_default=True, help="Language of titles (en, ru, kk).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(lang: str, as_json: bool) -> None:
    """List the bundled scenarios."""
    rows = []
    for path in bundled_scenarios():
        loaded = load_scenario(path)
        rows.append(
            {
                "id": loaded.id,
                "level": loaded.spec.level,
                "title": pick(loaded.spec.title, lang),
                "minutes": loaded.spec.estimated_minutes,
                "path": str(path),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "level", "title", "minutes", "file")
    for row in rows:
        table.add_row(row["id"], row["level"], row["title"], str(row["minutes"]), row["path"])
    Console().print(table)


@scenario.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--lang", default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def show(path: Path, lang: str, as_json: bool) -> None:
    """Describe one scenario: metadata, disks, timeline and questions (no answers)."""
    loaded = load_scenario(resolve_scenario_path(path))
    spec = loaded.spec
    info = {
        "id": spec.id,
        "title": pick(spec.title, lang),
        "level": spec.level,
        "minutes": spec.estimated_minutes,
        "languages": spec.languages,
        "competencies": spec.competencies,
        "disks": [
            {
                "host": h.id,
                "disk": d.id,
                "size": d.size,
                "filesystem": d.filesystem.type,
                "partitioning": d.partitioning,
                "format": d.format,
            }
            for h, d in loaded.disks()
        ],
        "timeline": [{"action": a.action, "id": a.id, "at": a.at} for a in loaded.actions],
        "questions": [
            {"id": q.id, "type": q.type, "points": q.points, "prompt": pick(q.prompt, lang)}
            for q in spec.questions
        ],
    }
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(f"[bold]{info['title']}[/bold] ({spec.id}, {spec.level}, ~{spec.estimated_minutes} min)")
    disks = Table("host", "disk", "size", "file system", "partitioning", "format", title="Evidence")
    for d in info["disks"]:
        disks.add_row(d["host"], d["disk"], str(d["size"]), d["filesystem"], d["partitioning"], d["format"])
    console.print(disks)
    questions = Table("id", "type", "points", "prompt", title="Questions")
    for q in info["questions"]:
        questions.add_row(q["id"], q["type"], f"{q['points']:g}", q["prompt"])
    console.print(questions)


@scenario.command()
def reference() -> None:
    """Print the scenario reference (variable types, actions, facts, documents, answer types) as Markdown."""
    from labkit.reference import scenario_reference

    click.echo(scenario_reference(), nl=False)


COMMANDS = [scenario]

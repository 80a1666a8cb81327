"""``labkit generate`` and ``labkit verify``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from labkit.i18n import SUPPORTED_LANGUAGES


def _seed(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@click.command()
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(path_type=Path))
@click.option("--seed", required=True, help="Variant seed (same seed, same bytes).")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder (must not exist).")
@click.option(
    "--lang",
    default="en",
    type=click.Choice(SUPPORTED_LANGUAGES),
    show_default=True,
    help="Language of the briefing and answer sheet.",
)
@click.option("--no-verify", is_flag=True, help="Skip reading every answer back with independent tools.")
def generate(scenario_path: Path, seed: str, out: Path, lang: str, no_verify: bool) -> None:
    """Generate one variant: OUT/case/ for the trainee, OUT/key.json for the trainer."""
    from labkit.generation import generate as run
    from labkit.scenario.catalog import resolve_scenario_path
    from labkit.scenario.loader import load_scenario

    scenario = load_scenario(resolve_scenario_path(scenario_path))
    result = run(scenario, _seed(seed), out, lang=lang, verify=not no_verify)
    click.echo(f"case folder: {result.case_dir}")
    click.echo(f"answer key:  {result.key_path} (keep it apart from the case folder)")
    click.echo(
        "verified:    every answer read back with The Sleuth Kit"
        if result.verified
        else "verified:    no (--no-verify)"
    )


@click.command()
@click.argument("lab", type=click.Path(path_type=Path))
def verify(lab: Path) -> None:
    """Read every answer of LAB/key.json back out of LAB/case/evidence with independent tools."""
    from labkit.errors import VerificationError
    from labkit.verify import verify_report

    report = verify_report(lab)
    table = Table("question", "fact", "tool", "observed", "verdict")
    for check in report.checks:
        observed = str(check.observed)
        table.add_row(
            check.question,
            check.source,
            check.tool,
            observed[:48],
            "[green]agrees[/green]" if check.agrees else f"[red]DISAGREES[/red] ({check.reason})",
        )
    for disk_id, ok, detail in report.volume_checks:
        table.add_row(
            "-",
            f"{disk_id} (volume)",
            "fsck.fat -n",
            "clean" if ok else detail,
            "[green]agrees[/green]" if ok else "[red]DISAGREES[/red]",
        )
    Console().print(table)
    if not report.ok:
        raise VerificationError(f"{lab}: the evidence disagrees with the key (see the table above)")


COMMANDS = [generate, verify]

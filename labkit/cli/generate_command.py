"""``labkit generate`` and ``labkit verify``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from labkit.i18n import SUPPORTED_LANGUAGES


def _random_seed() -> str:
    """A seed nobody can guess: 130 bits from the operating system, in base32."""
    import base64
    import secrets

    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


@click.command()
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(path_type=Path))
@click.option(
    "--seed",
    default=None,
    help="Variant seed: same scenario + seed, same bytes. Default: a random, unguessable seed (kept in "
    "key.json). A short seed can be guessed by a trainee, who could then regenerate the key.",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder (must not exist).")
@click.option(
    "--lang",
    default="en",
    type=click.Choice(SUPPORTED_LANGUAGES),
    show_default=True,
    help="Language of the briefing and answer sheet.",
)
@click.option("--no-verify", is_flag=True, help="Skip reading every answer back with independent tools.")
def generate(scenario_path: Path, seed: str | None, out: Path, lang: str, no_verify: bool) -> None:
    """Generate one variant: OUT/case/ for the trainee, OUT/key.json for the trainer."""
    from labkit.generation import generate as run
    from labkit.scenario.catalog import resolve_scenario_path
    from labkit.scenario.loader import load_scenario

    scenario = load_scenario(resolve_scenario_path(scenario_path))
    if seed is None:
        seed = _random_seed()
    elif not seed.strip():
        raise click.BadParameter(
            "a seed must not be empty; omit --seed for a random one", param_hint="--seed"
        )
    elif len(seed) < 12:
        click.echo(
            f"labkit: warning: seed {seed!r} is short enough to guess; a trainee who guesses it can "
            "regenerate the key (fine for practice, not for exams: omit --seed or use a long random one)",
            err=True,
        )
    result = run(scenario, seed, out, lang=lang, verify=not no_verify)
    click.echo(f"case folder: {result.case_dir}")
    click.echo(f"answer key:  {result.key_path} (keep it apart from the case folder; it holds the seed)")
    click.echo(
        "verified:    every answer read back with independent tools (The Sleuth Kit, tshark, volatility3)"
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
    for what, ok, detail in report.integrity_checks:
        table.add_row(
            "-", what, _integrity_tool(what), detail[:48], "[green]ok[/green]" if ok else "[red]FAILS[/red]"
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


def _integrity_tool(what: str) -> str:
    """Which tool an integrity check ran (labels as verify_report names them)."""
    if what == "manifest":
        return "sha256 (MANIFEST.sha256)"
    if what == "case folder secrets":
        return "scan of every file"
    if what.endswith(" capture"):
        return "tshark -z expert (checksums on)"
    if what.endswith(" memory image"):
        return "vol (every plugin of the acceptance list)"
    return "ewfverify / sha256"

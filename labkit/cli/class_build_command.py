"""``labkit class build`` and ``labkit class secret``: a class's cases from a roster and a secret."""

from __future__ import annotations

import time
from pathlib import Path

import click

from labkit.i18n import SUPPORTED_LANGUAGES


@click.command("secret")
@click.argument("secret_path", metavar="FILE", type=click.Path(path_type=Path))
def secret(secret_path: Path) -> None:
    """Write a new class secret (32 random bytes, readable by you only) to FILE; never overwrites.

    Keep FILE apart from the class folder and from trainees: with it and the roster,
    anyone can rebuild every trainee's case and key.
    """
    from labkit.classroom.secret import write_secret

    path = write_secret(secret_path)
    click.echo(f"secret: {path} (32 random bytes, mode 0600)")
    click.echo("keep it safe and apart from the class: it and the roster rebuild every key of the class")


@click.command("build")
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(path_type=Path))
@click.option(
    "--roster",
    "roster_path",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV with a header: id,name[,email][,group] (separated by , ; or tab).",
)
@click.option(
    "--secret",
    "secret_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The class secret (make one with 'labkit class secret FILE'); seeds are derived from it.",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Class folder (must not exist).")
@click.option(
    "--mode",
    type=click.Choice(["exam", "practice"]),
    default="exam",
    show_default=True,
    help="practice: each case folder carries a sealed self-check ('labkit check'); exam: none.",
)
@click.option(
    "--lang",
    type=click.Choice(SUPPORTED_LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the briefings and answer sheets.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Variants built at once (default: one per core).",
)
@click.option("--no-verify", is_flag=True, help="Skip reading every answer back with independent tools.")
def build(
    scenario_path: Path,
    roster_path: Path,
    secret_path: Path,
    out: Path,
    mode: str,
    lang: str,
    jobs: int | None,
    no_verify: bool,
) -> None:
    """Build one unique case per trainee of --roster from SCENARIO into --out.

    OUT/cases/ID/ and OUT/handout/ID.zip go to trainees; OUT/trainer/ (keys and facts)
    and OUT/class.json stay with the trainer.
    """
    from labkit.classroom.build import build_class
    from labkit.classroom.secret import readable_by_others

    if readable_by_others(secret_path):
        click.echo(
            f"labkit: warning: {secret_path} is readable by other users; 'chmod 600 {secret_path}'",
            err=True,
        )
    started = time.monotonic()
    manifest = build_class(
        scenario_path,
        roster_path,
        secret_path,
        out,
        mode=mode,  # type: ignore[arg-type]
        lang=lang,
        jobs=jobs,
        verify=not no_verify,
    )
    seconds = time.monotonic() - started
    count = len(manifest.trainees)
    click.echo(f"class folder: {out} ({count} trainees, {manifest.mode} mode, built in {seconds:.0f} s)")
    click.echo(f"hand out:     {out / 'handout'}/ID.zip (or the folders {out / 'cases'}/ID)")
    click.echo(f"keep apart:   {out / 'trainer'} (every key) and the secret file")
    click.echo(
        "verified:     every answer of every case read back with independent tools"
        if not no_verify
        else "verified:     no (--no-verify)"
    )


COMMANDS: list[click.Command] = [build, secret]

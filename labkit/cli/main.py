"""The ``labkit`` command: parsing and rendering only; the work is in the library."""

from __future__ import annotations

import sys

import click

from labkit.errors import LabkitError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="labkit")
def cli() -> None:
    """labkit: hands-on digital-forensics training labs."""


def _register() -> None:
    # Each command family lives in its own module and is added here, in one place.
    from labkit.cli import disk_commands

    cli.add_command(disk_commands.disk)
    for name in ("scenario_commands", "generate_command", "grade_command"):
        try:
            module = __import__(f"labkit.cli.{name}", fromlist=["COMMANDS"])
        except ModuleNotFoundError as exc:  # pragma: no cover - during bring-up only
            if exc.name != f"labkit.cli.{name}":
                raise
            continue
        for command in module.COMMANDS:
            cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI and turns any LabkitError into one line and an exit code."""
    _register()
    try:
        cli.main(args=argv, prog_name="labkit", standalone_mode=False)
    except LabkitError as exc:
        click.echo(f"labkit: error: {exc.one_line()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("labkit: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``labkit`` command: parsing and rendering only; the work is in the library."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from types import FrameType

import click

from labkit.errors import LabkitError

#: Exit code for a bug in labkit itself (EX_SOFTWARE); user errors exit 2.
INTERNAL_ERROR = 70


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="labkit")
def cli() -> None:
    """labkit: hands-on digital-forensics training labs."""


def _register() -> None:
    # Each command family lives in its own module and is added here, in one place.
    from labkit.cli import (
        check_command,
        class_commands,
        disk_commands,
        generate_command,
        grade_command,
        mem_command,
        net_commands,
        scenario_commands,
        yara_commands,
    )

    for module in (scenario_commands, generate_command, grade_command, check_command):
        for command in module.COMMANDS:
            cli.add_command(command)
    cli.add_command(disk_commands.disk)
    cli.add_command(net_commands.net)
    cli.add_command(mem_command.mem)
    cli.add_command(yara_commands.yara_group)
    cli.add_command(class_commands.class_group)


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so temporary output is removed on the way out.
    raise KeyboardInterrupt


def _echo_error(message: str) -> None:
    try:
        click.echo(message, err=True)
    except UnicodeEncodeError:
        click.echo(message.encode("ascii", "backslashreplace").decode("ascii"), err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI and turns any error into one line and an exit code."""
    _register()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        result = cli.main(args=argv, prog_name="labkit", standalone_mode=False)
    except LabkitError as exc:
        _echo_error(f"labkit: error: {exc.one_line()}")
        return exc.exit_code
    except click.exceptions.Abort:
        _echo_error("labkit: aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except KeyboardInterrupt:
        _echo_error("labkit: interrupted; nothing half-written was kept")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        _echo_error(f"labkit: error: {exc.strerror or exc}{where}; check the path and its permissions")
        return 2
    except UnicodeEncodeError as exc:
        _echo_error(
            f"labkit: error: the terminal cannot show this output ({exc.reason}); use a UTF-8 locale "
            "or --json"
        )
        return 2
    except Exception as exc:  # a bug in labkit: one line, the traceback on request
        if os.environ.get("LABKIT_DEBUG"):
            traceback.print_exc()
        _echo_error(
            f"labkit: internal error: {type(exc).__name__}: {exc} (set LABKIT_DEBUG=1 for the "
            "traceback, and please report it)"
        )
        return INTERNAL_ERROR
    finally:
        signal.signal(signal.SIGTERM, previous)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

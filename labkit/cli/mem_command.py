"""``labkit mem``: volatility3, unmodified, on the case's memory image with its symbols set up."""

from __future__ import annotations

from pathlib import Path

import click

from labkit.cli.disk_render import OutputTable, show, use_plain
from labkit.errors import UsageError
from labkit.tools.mem import build_vol_command, find_memory_evidence, plugin_catalog, run_vol
from labkit.tools.mem.vol_command import find_plugin

_OWN_VALUE_OPTIONS = ("--case", "--image")


@click.command(
    "mem",
    context_settings={
        "ignore_unknown_options": True,
        "allow_extra_args": True,
        "allow_interspersed_args": False,  # everything after PLUGIN is vol's (-h too)
    },
)
@click.option(
    "--case",
    "case",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The case folder (default: this folder or the nearest one above it holding evidence/).",
)
@click.option(
    "--image",
    "image",
    default=None,
    metavar="NAME|FILE",
    help="Which memory image, when the case has several: its file name or host (web01), or a path to "
    "an image anywhere (its symbols/ folder must be next to it).",
)
@click.option(
    "--show-command", is_flag=True, help="Print the equivalent `vol` command line instead of running it."
)
@click.option("--list", "list_plugins", is_flag=True, help="List the short plugin names and what they run.")
@click.option("--plain", is_flag=True, help="With --list: tab-separated lines instead of a table.")
@click.argument("plugin", required=False)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def mem(
    case: Path | None,
    image: str | None,
    show_command: bool,
    list_plugins: bool,
    plain: bool,
    plugin: str | None,
    arguments: tuple[str, ...],
) -> int:
    """Run a volatility3 PLUGIN on the case's memory image (vol's own output and exit status).

    PLUGIN is a short name (pslist, pstree, psaux, psscan, bash, lsof, sockstat, malfind,
    maps, envars, elfs, lsmod, hidden_modules, check_modules, kmsg, boottime...) or any
    full vol plugin name (linux.pslist.PsList). ARGUMENTS go to vol: the plugin's options
    (--pid 1234, --dump) and vol's own (-r json, -r csv, -q, -vvv), before or after PLUGIN.
    Run inside a case folder (or give --case); the image's symbols are evidence/symbols/,
    and volatility's cache is kept per image outside the case, so evidence/ is never touched.

    \b
    Examples:
      labkit mem pslist                      processes (vol linux.pslist.PsList)
      labkit mem psscan                      processes found by scanning, hidden ones too
      labkit mem psaux --pid 1337            one process's command line
      labkit mem sockstat -r json            sockets, as JSON
      labkit mem malfind                     injected code (writable and executable memory)
      labkit mem bash                        bash history with times
      labkit mem --image web01 lsof          one host of a case with several images
      labkit mem --show-command pslist       the plain `vol` command line, to run it yourself
      labkit mem pslist -h                   the plugin's own options (vol's help)
      labkit mem --list                      every short name and the plugin it runs
    """
    if list_plugins:
        return _list(plain)
    tokens = list(arguments) if plugin is None else [plugin, *arguments]
    tokens, case, image, show_command = _own_options(tokens, case, image, show_command)
    name, rest = find_plugin(tokens)
    if name is None:
        raise UsageError("name a volatility PLUGIN, e.g. `labkit mem pslist` (see `labkit mem --help`)")
    evidence = find_memory_evidence(case, image)
    command = build_vol_command(name, rest, evidence)
    if show_command:
        click.echo(command.shown())
        return 0
    return run_vol(command)


def _own_options(
    tokens: list[str], case: Path | None, image: str | None, show_command: bool
) -> tuple[list[str], Path | None, str | None, bool]:
    """Take --case, --image and --show-command typed after PLUGIN too (vol has no such options)."""
    rest: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "--":
            rest += tokens[index - 1 :]
            break
        name, has_value, value = token.partition("=")
        if token == "--show-command":
            show_command = True
            continue
        if name in _OWN_VALUE_OPTIONS:
            if not has_value:
                if index >= len(tokens):
                    raise UsageError(f"{name} needs a value")
                value = tokens[index]
                index += 1
            if name == "--case":
                case = Path(value)
            else:
                image = value
            continue
        rest.append(token)
    return rest, case, image, show_command


def _list(plain: bool) -> int:
    catalog = plugin_catalog()
    table = OutputTable("Short name", "vol plugin", title="Short names (any full vol plugin name works too)")
    for short, full in sorted(catalog.short_names.items()):
        table.add_row(short, full)
    show(table, use_plain(plain))
    return 0

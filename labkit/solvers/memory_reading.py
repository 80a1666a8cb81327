"""Running volatility3 plugins on a case's memory image as ``labkit mem PLUGIN -r json`` does.

The solver asks one image many questions. Each plugin runs once, through the unmodified
``vol`` CLI and the very command line ``labkit mem`` builds (:mod:`labkit.tools.mem`:
the case's symbols, a volatility cache of the image's own outside the case), with
``-q -r json`` so that the rows are read, not scraped off a table. vol is one process per
plugin, so a few threads that wait on them run several plugins at once; the first run
goes alone, because it builds volatility's symbol cache for the image.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from labkit.errors import EvidenceError
from labkit.tools.mem import MemoryEvidence, VolCommand, build_vol_command, flatten_rows
from labkit.tools.mem.vol_command import vol_program

JSON_OUTPUT = ("-q", "-r", "json")
TIMEOUT_SECONDS = 900
MAX_WORKERS = 4


@dataclass(frozen=True)
class PluginRun:
    """One plugin's rows (a tree plugin's children follow their parent) and the command that gave them."""

    plugin: str  # the full name: linux.pslist.PsList
    command: VolCommand
    rows: tuple[dict[str, Any], ...]

    def shown(self) -> str:
        """The command as a trainee types it in the case folder (``vol -q -r json -f evidence/...``)."""
        case = self.command.evidence.case
        return self.command.shown(case) if case is not None else self.command.shown()


def plugin_command(evidence: MemoryEvidence, plugin: str, arguments: Sequence[str] = ()) -> VolCommand:
    """``labkit mem PLUGIN -q -r json ARGUMENTS`` as vol's argument list."""
    return build_vol_command(plugin, [*JSON_OUTPUT, *arguments], evidence)


def run_plugin(command: VolCommand) -> PluginRun:
    """Run one vol command and parse its JSON.

    Raises:
        EvidenceError: vol failed, timed out or printed something that is not JSON.
    """
    environment = {**os.environ, "XDG_CACHE_HOME": str(command.cache_home)}
    where = command.evidence.image
    try:
        done = subprocess.run(
            [*vol_program(), *command.argv],
            capture_output=True,
            text=True,
            env=environment,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise EvidenceError(f"{where}: vol {command.plugin} ran for over {TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise EvidenceError(f"{where}: vol {command.plugin} failed (exit {done.returncode}): {last}")
    try:
        rows = json.loads(done.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise EvidenceError(f"{where}: vol {command.plugin} printed no JSON ({exc.msg})") from exc
    return PluginRun(command.plugin, command, tuple(flatten_rows(rows)))


def run_plugins(evidence: MemoryEvidence, requests: Sequence[tuple[str, Sequence[str]]]) -> list[PluginRun]:
    """Run each (plugin, arguments) request, several at a time; results in the order asked."""
    commands = [plugin_command(evidence, plugin, arguments) for plugin, arguments in requests]
    if not commands:
        return []
    first = run_plugin(commands[0])  # builds the image's symbol cache that the others then share
    workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [first, *pool.map(run_plugin, commands[1:])]

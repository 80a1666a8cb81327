"""A first pass over a Linux RAM image: the plugins an examiner runs on every host, their rows typed.

Processes (linux.pslist, and linux.psscan for tasks unlinked from the list), command
lines (linux.psaux), shell history (linux.bash), sockets (linux.sockstat), injected
code (linux.malware.malfind), kernel modules as lsmod sees them and as a rootkit hunter
does (linux.lsmod, linux.malware.hidden_modules) and the kernel's banner
(banners.Banners). Mappings (linux.proc.Maps) are asked for later, for the few
processes that matter, because all of them take as long as the rest together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from labkit.solvers.memory_reading import PluginRun, run_plugins
from labkit.solvers.memory_records import (
    HistoryLine,
    InjectedRegion,
    Mapping,
    OpenSocket,
    Task,
    kernel_releases,
    module_names,
)
from labkit.tools.mem import MemoryEvidence

PSLIST, PSSCAN, PSAUX = "linux.pslist.PsList", "linux.psscan.PsScan", "linux.psaux.PsAux"
BASH, SOCKSTAT, MALFIND = "linux.bash.Bash", "linux.sockstat.Sockstat", "linux.malware.malfind.Malfind"
LSMOD, HIDDEN_MODULES = "linux.lsmod.Lsmod", "linux.malware.hidden_modules.Hidden_modules"
BANNERS, MAPS = "banners.Banners", "linux.proc.Maps"
# The slowest first, so that the pool never waits on one long run at the end.
SURVEY_PLUGINS = (PSLIST, PSSCAN, MALFIND, BANNERS, SOCKSTAT, BASH, PSAUX, HIDDEN_MODULES, LSMOD)


@dataclass(frozen=True)
class MemorySurvey:
    """What the survey's plugins showed about one image."""

    evidence: MemoryEvidence
    tasks: tuple[Task, ...]  # linux.pslist
    scanned: tuple[Task, ...]  # linux.psscan
    command_lines: dict[int, str]  # pid -> linux.psaux ARGS
    history: tuple[HistoryLine, ...]
    sockets: tuple[OpenSocket, ...]
    injected: tuple[InjectedRegion, ...]
    modules: tuple[str, ...]  # linux.lsmod
    hidden_modules: tuple[str, ...]  # linux.malware.hidden_modules
    kernel_releases: tuple[str, ...]  # from banners.Banners
    commands: dict[str, str]  # plugin -> the vol command line that ran it

    def task(self, pid: int) -> Task | None:
        """The pslist task with this pid, else the psscan one."""
        return next((t for t in (*self.tasks, *self.scanned) if t.pid == pid), None)

    def children(self, pid: int) -> list[Task]:
        return [task for task in self.tasks if task.ppid == pid]

    def ancestors(self, pid: int) -> list[Task]:
        """The parent, its parent... up to pid 1 (or a parent that is not there)."""
        chain: list[Task] = []
        current = self.task(pid)
        while current is not None and current.ppid > 0 and len(chain) < len(self.tasks):
            parent = self.task(current.ppid)
            if parent is None:
                break
            chain.append(parent)
            current = parent
        return chain

    def sockets_of(self, pid: int) -> list[OpenSocket]:
        return [socket for socket in self.sockets if socket.pid == pid]

    def history_of(self, pid: int) -> list[HistoryLine]:
        return sorted((line for line in self.history if line.pid == pid), key=lambda line: line.time)

    def unlisted_tasks(self) -> list[Task]:
        """Tasks psscan finds that pslist does not list, leaving out those that have exited."""
        listed = {task.pid for task in self.tasks}
        return [
            task
            for task in self.scanned
            if task.pid not in listed and task.exit_state in (None, "TASK_RUNNING")
        ]

    def mappings(self, pids: Iterable[int]) -> tuple[list[Mapping], str]:
        """linux.proc.Maps --pid PIDS (run now: one more vol command), and that command."""
        wanted = sorted(set(pids))
        if not wanted:
            return [], ""
        (run,) = run_plugins(self.evidence, [(MAPS, ["--pid", *map(str, wanted)])])
        return [Mapping.from_row(row) for row in run.rows], run.shown()


def survey_memory(evidence: MemoryEvidence) -> MemorySurvey:
    """Run the survey's plugins on ``evidence`` (several at a time) and type their rows."""
    runs: dict[str, PluginRun] = {
        run.plugin: run for run in run_plugins(evidence, [(plugin, ()) for plugin in SURVEY_PLUGINS])
    }

    def rows(plugin: str) -> tuple[dict[str, Any], ...]:
        return runs[plugin].rows

    sockets = (OpenSocket.from_row(row) for row in rows(SOCKSTAT))
    return MemorySurvey(
        evidence,
        tasks=tuple(Task.from_pslist(row) for row in rows(PSLIST)),
        scanned=tuple(Task.from_psscan(row) for row in rows(PSSCAN)),
        command_lines={int(row["PID"]): str(row.get("ARGS") or "") for row in rows(PSAUX)},
        history=tuple(HistoryLine.from_row(row) for row in rows(BASH)),
        sockets=tuple(socket for socket in sockets if socket is not None),
        injected=tuple(InjectedRegion.from_row(row) for row in rows(MALFIND)),
        modules=tuple(module_names(rows(LSMOD))),
        hidden_modules=tuple(module_names(rows(HIDDEN_MODULES))),
        kernel_releases=tuple(kernel_releases(rows(BANNERS))),
        commands={plugin: run.shown() for plugin, run in runs.items()},
    )

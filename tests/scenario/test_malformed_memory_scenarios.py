"""Mistakes in a scenario's memory part: one located line, exit 2, nothing written.

Each case edits a copy of the bundled scenarios/compromised-server.yaml as text and runs the real CLI
(``labkit scenario validate`` and ``labkit generate``); the error must name the line of the edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from labkit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = (ROOT / "scenarios" / "compromised-server.yaml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Mistake:
    name: str
    data: str
    line: int
    expect: tuple[str, ...]


def edit(name: str, old: str, new: str, *expect: str, at: str | None = None) -> Mistake:
    start = ORIGINAL.index(old)
    text = ORIGINAL[:start] + new + ORIGINAL[start + len(old) :]
    needle = at if at is not None else new.strip().splitlines()[0]
    line = text.count("\n", 0, text.index(needle, start)) + 1
    return Mistake(name, text, line, expect)


MISTAKES = [
    edit(
        "memory_of_a_windows_host",
        "os: Ubuntu 22.04\n    timezone: Asia/Almaty",
        "os: Windows 10\n    timezone: Asia/Almaty",
        "memory images are of Linux hosts",
    ),
    edit("size_not_a_multiple_of_2_mib", "size: 256 MiB", "size: 255 MiB", "multiple of 2 MiB"),
    edit("size_too_small", "size: 256 MiB", "size: 32 MiB", "between 64 MiB and 64 GiB"),
    edit("unknown_image_format", "format: lime", "format: vmem", "one of raw, lime"),
    edit("unknown_role", "role: web-server", "role: mail-server", "web-server"),
    edit("image_id_taken", "id: web_ram", "id: dmz_span", "already the id"),
    edit("login_uid_too_low", "{name: sysadmin, uid: 1000}", "{name: sysadmin, uid: 999}", "1000"),
    edit(
        "action_on_a_host_without_memory",
        "host: web\n    process: nginx_worker",
        "host: attacker\n    process: nginx_worker",
        "not a host with a 'memory:' image",
        at="host: attacker\n    process: nginx_worker",
    ),
    edit("port_out_of_range", 'port: "{{ backdoor_port }}"', "port: 70000", "between 1 and 65535"),
    edit(
        "booted_after_the_story",
        "format: lime\n",
        'format: lime\n      booted: "incident + 1d"\n',
        "boots after the story starts",
        at='booted: "incident + 1d"',
    ),
    edit(
        "acquired_before_the_story_ends",
        "format: lime\n",
        'format: lime\n      acquired: "incident - 1h"\n',
        "acquired before the story ends",
        at='acquired: "incident - 1h"',
    ),
    edit("unknown_process_handle", "process: nginx_worker", "process: apache_worker", "apache_worker"),
    edit(
        "command_into_a_non_shell",
        'shell: revshell\n    command: "id"',
        'shell: nginx\n    command: "id"',
        "not an interactive shell",
        at="shell: nginx",
    ),
    edit("program_from_an_unknown_action", "exe_from: fetch", "exe_from: fetchh", "fetchh"),
    edit(
        "port_template_is_not_a_number", 'port: "{{ stager_port }}"', 'port: "{{ implant }}"', "not a number"
    ),
    edit(
        "module_name_renders_badly", 'name: "{{ rootkit }}"', 'name: "{{ rootkit }}-x"', "not a module name"
    ),
]

#: Found while the story runs (processes exist only then), so validate cannot see them.
GENERATE_ONLY = {
    "booted_after_the_story",
    "acquired_before_the_story_ends",
    "unknown_process_handle",
    "command_into_a_non_shell",
    "program_from_an_unknown_action",
    "port_template_is_not_a_number",
    "module_name_renders_badly",
}
CASES = [
    (mistake, command)
    for mistake in MISTAKES
    for command in ("validate", "generate")
    if command == "generate" or mistake.name not in GENERATE_ONLY
]


def test_the_kinds_are_distinct() -> None:
    assert len({m.name for m in MISTAKES}) == len(MISTAKES) >= 15


@pytest.mark.parametrize(("mistake", "command"), CASES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_one_located_line_and_nothing_written(
    mistake: Mistake, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "broken.yaml"
    scenario.write_text(mistake.data, encoding="utf-8")
    argv = (
        ["scenario", "validate", str(scenario)]
        if command == "validate"
        else ["generate", str(scenario), "--seed", "7", "--out", str(tmp_path / "lab"), "--no-verify"]
    )
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if not line.startswith("labkit: warning:")]
    assert len(lines) == 1, err
    assert f"{scenario}:{mistake.line}:" in lines[0], f"expected line {mistake.line}: {lines[0]}"
    for words in mistake.expect:
        assert words in lines[0], f"{words!r} not in {lines[0]!r}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


def test_validate_accepts_the_bundled_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "validate", str(ROOT / "scenarios" / "compromised-server.yaml")]) == 0, (
        capsys.readouterr().err
    )

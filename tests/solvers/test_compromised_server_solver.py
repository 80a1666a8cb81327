"""The reference solver for compromised-server: full marks on generated variants, from the case folder alone.

Seeds 2 and 3 are solved on a copy of the case folder alone, with every file the solver
(and the vol processes it starts) opens recorded: never the key or the facts. Seed 1 is
solved through ``python -m labkit.demo``. Answers that the capture holds are read back
with tshark. Each solve runs volatility3 about ten times (some 15-25 s on 2 cores), so the
variants are generated without the 40-s verification, which has tests of its own.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import labkit
import labkit.generation
from labkit import demo
from labkit.errors import UsageError
from labkit.grading import grade_files
from labkit.scenario.catalog import resolve_scenario_path
from labkit.solvers.compromised_server import investigate, solve

from .helpers import solve_and_grade

SCENARIO = labkit.load_scenario(resolve_scenario_path("compromised-server"))
ALL_QUESTIONS = (
    "kernel shell_pid shell_origin shell_peer shell_local_port shell_stream webshell_name download_time "
    "implant_sha256 implant_pid implant_uid implant_inode backdoor_port persistence rootkit_name stager_pid "
    "stager_address stager_target stager_port"
).split()
_recorded: list[str] | None = None  # paths opened and commands started while recording
_hooked = False


def _audit(event: str, arguments: tuple[Any, ...]) -> None:
    if _recorded is None:
        return
    if event == "open" and isinstance(arguments[0], str | bytes | os.PathLike):
        _recorded.append(os.fsdecode(arguments[0]))
    elif event == "subprocess.Popen":
        _recorded.extend(os.fsdecode(argument) for argument in arguments[1] or ())


@contextmanager
def _recording() -> Iterator[list[str]]:
    """Every path this process opens and every argument of the commands it starts, meanwhile."""
    global _recorded, _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # a hook cannot be removed: it stays, idle when not recording
        _hooked = True
    _recorded = []
    try:
        yield _recorded
    finally:
        _recorded = None


@pytest.fixture(autouse=True)
def _private_volatility_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """labkit mem keeps a volatility cache per image under XDG_CACHE_HOME: keep the tests' in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _tshark(capture: Path, display_filter: str, *fields: str) -> list[list[str]]:
    arguments = ["tshark", "-r", str(capture), "-Y", display_filter, "-T", "fields"]
    for name in fields:
        arguments += ["-e", name]
    done = subprocess.run(arguments, check=True, capture_output=True, text=True)
    return [line.split("\t") for line in done.stdout.splitlines()]


@pytest.mark.parametrize(("seed", "lang"), [(2, "ru"), (3, "kk")])
def test_full_marks_from_the_case_folder_alone_never_reading_key_or_facts(
    seed: int, lang: str, tmp_path: Path
) -> None:
    lab = tmp_path / "lab"
    labkit.generate(SCENARIO, seed, lab, lang=lang, verify=False)
    assert (lab / "key.json").is_file() and (lab / "facts.json").is_file()

    seen: list[str] = []

    def recorded_solve(case: Path) -> dict[str, str]:
        with _recording() as opened:
            try:
                return solve(case)
            finally:
                seen.extend(opened)

    case, answers = solve_and_grade(recorded_solve, lab, tmp_path / "trainee", ALL_QUESTIONS)

    assert any(path.endswith("web-memory.lime") for path in seen)  # the recording did record
    touched = [path for path in seen if Path(path).name in ("key.json", "facts.json")]
    in_lab = [path for path in seen if path == str(lab) or path.startswith(f"{lab}{os.sep}")]
    assert not touched and not in_lab, (touched, in_lab)
    # What the capture holds, read back with tshark: the shell's four-tuple, the upload, the implant.
    capture = case / "evidence" / "dmz_span.pcapng"
    syn = f"tcp.flags == 0x002 && tcp.srcport == {answers['shell_local_port']}"
    assert _tshark(capture, syn, "tcp.stream", "ip.dst") == [[answers["shell_stream"], answers["shell_peer"]]]
    (disposition,) = _tshark(capture, "mime_multipart", "mime_multipart.header.content-disposition")
    assert f'filename="{answers["webshell_name"]}"' in disposition[0]
    exported = tmp_path / "http"
    subprocess.run(["tshark", "-r", str(capture), "-q", "--export-objects", f"http,{exported}"],
                   check=True, capture_output=True)  # fmt: skip
    digests = {hashlib.sha256(path.read_bytes()).hexdigest() for path in exported.iterdir()}
    assert answers["implant_sha256"] in digests


def test_the_demo_solves_seed_1_to_full_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    generate = labkit.generation.generate

    def unverified(*arguments: Any, **options: Any) -> Any:
        return generate(*arguments, **{**options, "verify": False})  # verification: see the docstring

    monkeypatch.setattr(labkit.generation, "generate", unverified)
    monkeypatch.setenv("COLUMNS", "400")  # rich wraps at the terminal's width: no line breaks to undo
    out = tmp_path / "lab"

    code = demo.main(["--scenario", "compromised-server", "--seed", "1", "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0
    assert "check it with volatility3 and tshark" in printed and "Total: 19/19 (100.0%)" in printed
    assert f"Try: labkit mem --case {out / 'case'} pstree" in printed
    assert grade_files(out / "key.json", out / "case" / "answers.yaml").percentage == 100.0


def test_a_case_without_a_memory_image_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "notes.txt").write_text("no image\n", encoding="utf-8")
    (tmp_path / "briefing.md").write_text("No zone.\n", encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("kernel:\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no memory image"):
        investigate(tmp_path)

"""The vol command line: options before the plugin as vol wants them, a cache of its own per image."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from labkit.errors import UsageError
from labkit.tools.mem import (
    build_vol_command,
    find_memory_evidence,
    image_cache_home,
    split_vol_arguments,
    vol_command,
)


def vol_top_level_options() -> dict[str, str]:
    """Each of ``vol --help``'s top-level options -> "flag", "value", "optional" or "list"."""
    text = subprocess.run(
        [str(Path(sys.executable).with_name("vol")), "--help"], capture_output=True, text=True, check=True
    ).stdout
    section = text.split("\noptions:\n", 1)[1].split("\nPlugins:", 1)[0]
    kinds = {}
    for line in section.splitlines():
        if not re.match(r"^  -", line):
            continue
        spec = re.split(r"\s{2,}", line.strip())[0]
        for variant in spec.split(", "):
            name, _, argument = variant.partition(" ")
            if argument == "":
                kinds[name] = "flag"
            elif argument.startswith("[{"):
                kinds[name] = "optional"
            elif "..." in argument:
                kinds[name] = "list"
            else:
                kinds[name] = "value"
    del kinds["-h"], kinds["--help"]
    return kinds


def test_option_table_is_vols_own() -> None:
    ours = (
        dict.fromkeys(vol_command.FLAG_OPTIONS, "flag")
        | dict.fromkeys(vol_command.VALUE_OPTIONS, "value")
        | dict.fromkeys(vol_command.OPTIONAL_VALUE_OPTIONS, "optional")
        | dict.fromkeys(vol_command.LIST_OPTIONS, "list")
    )
    assert ours == vol_top_level_options()


def test_vol_options_move_before_the_plugin() -> None:
    arguments = [
        "--pid",
        "1",
        "-r",
        "json",
        "-vvv",
        "--dump",
        "--hide-columns",
        "Offset",
        "PPID",
        "-q",
        "-rcsv",
    ]
    assert split_vol_arguments(arguments) == (
        ["-r", "json", "-vvv", "--hide-columns", "Offset", "PPID", "-q", "-rcsv"],
        ["--pid", "1", "--dump"],
    )
    assert split_vol_arguments(["--renderer=json", "--", "-r"]) == (["--renderer=json"], ["-r"])


def test_command_line_and_show_command(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case / "notes")
    evidence = find_memory_evidence(image="web01")
    command = build_vol_command("pslist", ["--pid", "42", "-r", "json"], evidence)
    image, symbols = str(evidence.image), str(evidence.symbols)
    assert command.argv == ("-r", "json", "-f", image, "-s", symbols, "linux.pslist.PsList", "--pid", "42")
    assert command.shown() == (
        "vol -r json -f ../evidence/web01-memory.raw -s ../evidence/symbols linux.pslist.PsList --pid 42"
    )
    own = build_vol_command("linux.proc.Maps", ["-f", "other.raw"], evidence)
    assert own.argv == ("-f", "other.raw", "-s", str(evidence.symbols), "linux.proc.Maps")


def test_cache_is_per_image_and_never_in_the_case(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = case / "evidence" / "web01-memory.raw"
    first = image_cache_home(image, case)
    assert first == image_cache_home(image, case) and first.is_dir()
    assert first.parent == tmp_path / "user-cache" / "labkit" / "volatility3"
    assert image_cache_home(case / "evidence" / "db01.lime", case) != first
    stat = image.stat()
    os.utime(image, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a regenerated image
    assert image_cache_home(image, case) != first
    monkeypatch.setenv("XDG_CACHE_HOME", str(case / "notes" / "cache"))
    with pytest.raises(UsageError, match=r"inside .*case"):
        image_cache_home(image, case)

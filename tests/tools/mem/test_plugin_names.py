"""Short plugin names come from volatility's registry; unknown names get close matches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labkit.errors import UsageError
from labkit.tools.mem import plugin_catalog

SHORT = {
    "pslist": "linux.pslist.PsList",
    "pstree": "linux.pstree.PsTree",
    "psaux": "linux.psaux.PsAux",
    "psscan": "linux.psscan.PsScan",
    "bash": "linux.bash.Bash",
    "lsof": "linux.lsof.Lsof",
    "sockstat": "linux.sockstat.Sockstat",
    "malfind": "linux.malware.malfind.Malfind",
    "maps": "linux.proc.Maps",
    "envars": "linux.envars.Envars",
    "lsmod": "linux.lsmod.Lsmod",
    "kmsg": "linux.kmsg.Kmsg",
    "hidden_modules": "linux.malware.hidden_modules.Hidden_modules",
    "check_modules": "linux.malware.check_modules.Check_modules",
    "elfs": "linux.elfs.Elfs",
    "boottime": "linux.boottime.Boottime",
    "banners": "banners.Banners",
}


@pytest.mark.parametrize(("short", "full"), sorted(SHORT.items()))
def test_short_names(short: str, full: str) -> None:
    assert plugin_catalog().resolve(short) == full
    assert plugin_catalog().resolve(short.upper()) == full


def test_every_name_is_one_vol_lists() -> None:
    listed = subprocess.run(
        [str(Path(sys.executable).with_name("vol")), "-h"], capture_output=True, text=True, check=True
    ).stdout
    catalog = plugin_catalog()
    assert set(SHORT.values()) <= set(catalog.full_names)
    for full in catalog.short_names.values():
        assert f"    {full} " in listed or f"    {full}\n" in listed
    assert (
        "windows.pslist.PsList" in catalog.full_names
        and "windows.pslist.PsList" not in catalog.short_names.values()
    )


def test_full_and_deprecated_names_pass_through() -> None:
    catalog = plugin_catalog()
    assert catalog.resolve("windows.pslist.PsList") == "windows.pslist.PsList"
    assert catalog.resolve("linux.malfind.Malfind") == "linux.malfind.Malfind"  # deprecated alias, still runs
    assert "linux.malfind.Malfind" in catalog.deprecated


@pytest.mark.parametrize(
    ("typed", "suggested"), [("pslsit", "pslist"), ("malfnd", "malfind"), ("sockstats", "sockstat")]
)
def test_unknown_names_get_close_matches_in_one_line(typed: str, suggested: str) -> None:
    with pytest.raises(UsageError) as raised:
        plugin_catalog().resolve(typed)
    message = raised.value.one_line()
    assert message.startswith(f"unknown volatility plugin {typed!r}: did you mean {suggested}")
    assert "\n" not in str(raised.value)

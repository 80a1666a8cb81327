"""Writing a spec and reading the image back with the real vol CLI (shared by this folder's tests).

A module of its own, not conftest.py: other test folders have conftests too, and `from conftest import`
would pick whichever was imported first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from labkit.evidence.memory.spec import MemoryImageResult, MemoryImageSpec
from labkit.evidence.memory.writer import write_memory_image

VOL = Path(sys.executable).parent / "vol"
PLUGINS = (
    "linux.pslist.PsList",
    "linux.pstree.PsTree",
    "linux.psaux.PsAux",
    "linux.psscan.PsScan",
    "linux.bash.Bash",
    "linux.lsof.Lsof",
    "linux.sockstat.Sockstat",
    "linux.malware.malfind.Malfind",
    "linux.proc.Maps",
    "linux.envars.Envars",
    "linux.lsmod.Lsmod",
    "linux.kmsg.Kmsg",
    "linux.malware.hidden_modules.Hidden_modules",
    "linux.malware.check_modules.Check_modules",
    "linux.boottime.Boottime",
    "banners.Banners",
    "linux.ip.Addr",
    "linux.mountinfo.MountInfo",
    "linux.pidhashtable.PIDHashTable",
    "linux.kthreads.Kthreads",
    "linux.iomem.IOMem",
    "linux.pagecache.Files",
)


@dataclass
class WrittenImage:
    spec: MemoryImageSpec
    result: MemoryImageResult
    image: Path
    symbols: Path
    cache: Path


def run_vol(image: WrittenImage, plugin: str, *arguments: str, output: Path | None = None) -> list[dict]:
    """``vol -q -f IMAGE -s SYMBOLS -r json PLUGIN``, with a cache private to this test session."""
    environment = dict(os.environ, XDG_CACHE_HOME=str(image.cache))
    where = ["-o", str(output)] if output else []
    completed = subprocess.run(
        [
            str(VOL),
            "-q",
            *where,
            "-f",
            str(image.image),
            "-s",
            str(image.symbols),
            "-r",
            "json",
            plugin,
            *arguments,
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, f"{plugin}: {completed.stderr[-2000:]}"
    start = completed.stdout.index("[")
    return json.loads(completed.stdout[start:])


def flatten(rows: list[dict]) -> list[dict]:
    """Tree renderers nest children under __children; tests want every row."""
    out = []
    for row in rows:
        out.append(row)
        out.extend(flatten(row.get("__children", [])))
    return out


def write(tmp: Path, spec: MemoryImageSpec, name: str) -> WrittenImage:
    image = tmp / name
    symbols = tmp / f"{name}-symbols"
    result = write_memory_image(spec, image, symbols)
    return WrittenImage(spec, result, image, symbols, tmp / f"{name}-cache")

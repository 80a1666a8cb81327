"""One rich image per session, read back by the real volatility3 CLI; every plugin runs once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixture_spec import rich_spec

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


@pytest.fixture(scope="session")
def raw_image(tmp_path_factory: pytest.TempPathFactory) -> WrittenImage:
    return write(tmp_path_factory.mktemp("memory"), rich_spec("raw"), "web01.raw")


@pytest.fixture(scope="session")
def vol_output(raw_image: WrittenImage) -> dict[str, list[dict]]:
    """Every plugin's JSON rows (flattened), run three at a time after one run has built the cache."""
    outputs = {PLUGINS[0]: flatten(run_vol(raw_image, PLUGINS[0]))}
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {plugin: pool.submit(run_vol, raw_image, plugin) for plugin in PLUGINS[1:]}
        outputs.update({plugin: flatten(future.result()) for plugin, future in futures.items()})
    return outputs

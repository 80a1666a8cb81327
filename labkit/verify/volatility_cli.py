"""The unmodified volatility3 command line, run as the independent reader of a memory image.

Each plugin runs once per image (`vol -q -r json -f IMAGE -s SYMBOLS PLUGIN`), several at a time, with a
throw-away cache directory: volatility3 caches symbol-table identifiers by file name and would otherwise
mix up two labs' tables. Rows come back flattened (a tree plugin's children follow their parent).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from labkit.errors import VerificationError
from labkit.tools.mem import flatten_rows, vol_program

#: The plugins the acceptance names (issue 4), plus those the facts need.
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
    "linux.boottime.Boottime",
    "banners.Banners",
)
TIMEOUT = 900


class VolatilityImage:
    """One memory image read by vol; outputs cached per plugin; close() removes the cache."""

    def __init__(self, image: Path, symbols: Path) -> None:
        self.image = image
        self.symbols = symbols
        self.cache = Path(tempfile.mkdtemp(prefix="labkit-vol-cache-"))
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._errors: dict[str, str] = {}

    def close(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def command(self, plugin: str) -> list[str]:
        return [*vol_program(), "-q", "-r", "json", "-f", str(self.image), "-s", str(self.symbols), plugin]

    def prefetch(self, plugins: tuple[str, ...] = PLUGINS) -> None:
        """Run ``plugins`` concurrently (the first run builds the symbol cache, so it goes alone)."""
        missing = [p for p in plugins if p not in self._rows and p not in self._errors]
        if not missing:
            return
        self._run(missing[0])
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            list(pool.map(self._run, missing[1:]))

    def _run(self, plugin: str) -> None:
        env = {**os.environ, "XDG_CACHE_HOME": str(self.cache)}
        try:
            done = subprocess.run(
                self.command(plugin), capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            self._errors[plugin] = f"timed out after {TIMEOUT} s"
            return
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            self._errors[plugin] = f"exit {done.returncode}: {last}"
            return
        try:
            self._rows[plugin] = flatten_rows(json.loads(done.stdout or "[]"))
        except json.JSONDecodeError as exc:
            self._errors[plugin] = f"output is not JSON ({exc.msg})"

    def rows(self, plugin: str) -> list[dict[str, Any]]:
        if plugin not in self._rows and plugin not in self._errors:
            self._run(plugin)
        if plugin in self._errors:
            raise VerificationError(f"vol {plugin}: {self._errors[plugin]}")
        return self._rows[plugin]

    def failures(self) -> dict[str, str]:
        """Plugins that did not run cleanly (after :meth:`prefetch`)."""
        return dict(self._errors)

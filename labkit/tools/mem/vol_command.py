"""The unmodified volatility3 command line, pointed at the case's image, symbols and a private cache.

``labkit mem pslist -r json --pid 1`` becomes ``vol -r json -f IMAGE -s SYMBOLS
linux.pslist.PsList --pid 1``: volatility's own options (``-r``, ``-q``, ``-v``,
``-o``...) may be typed after the plugin, as trainees do, and are moved before it,
where vol's parser wants them; the plugin's options stay after it. vol's output is not
touched: it goes straight to the terminal, and vol's exit status is returned.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.tools.mem.cache_folder import image_cache_home
from labkit.tools.mem.case_folder import MemoryEvidence
from labkit.tools.mem.plugin_names import plugin_catalog

# vol 2.28.2's top-level options (`vol --help`; tests/tools/mem checks this table against it).
VALUE_OPTIONS = frozenset({
    "-c", "--config", "-e", "--extend", "-p", "--plugin-dirs", "-s", "--symbol-dirs", "-l", "--log",
    "-o", "--output-dir", "-f", "--file", "--save-config", "--cache-path", "-u", "--remote-isf-url",
    "--filters", "-r", "--renderer", "--single-location",
})  # fmt: skip
FLAG_OPTIONS = frozenset(
    {"-v", "--verbosity", "-q", "--quiet", "--write-config", "--clear-cache", "--offline"}
)
OPTIONAL_VALUE_OPTIONS = {"--parallelism": ("processes", "threads", "off")}
LIST_OPTIONS = frozenset({"--hide-columns", "--stackers", "--single-swap-locations"})
_SHORT_FLAGS = re.compile(r"-[vq]+")
_IMAGE_OPTIONS = frozenset({"-f", "--file", "--single-location"})
_SYMBOL_OPTIONS = frozenset({"-s", "--symbol-dirs"})


@dataclass(frozen=True)
class VolCommand:
    """What to run, and the same command as a trainee would type it."""

    argv: tuple[str, ...]  # vol's arguments (without the program)
    plugin: str  # the full plugin name
    cache_home: Path  # given to vol as XDG_CACHE_HOME
    evidence: MemoryEvidence

    def shown(self, working_folder: Path | None = None) -> str:
        """``vol -f evidence/pc-memory.raw -s evidence/symbols linux.pslist.PsList``, shell-quoted.

        Inside the case folder, the image and symbols are given relative to ``working_folder``
        (default: the current folder), as a trainee would type them there.
        """
        here = (working_folder or Path.cwd()).resolve()
        case = self.evidence.case.resolve() if self.evidence.case else None
        inside = case is not None and (here == case or case in here.parents)
        shown = [os.path.relpath(a, here) if inside and self._is_evidence_path(a) else a for a in self.argv]
        return shlex.join(["vol", *shown])

    def _is_evidence_path(self, argument: str) -> bool:
        return argument in (str(self.evidence.image), str(self.evidence.symbols))


def build_vol_command(plugin: str, arguments: Sequence[str], evidence: MemoryEvidence) -> VolCommand:
    """vol's argument list for ``plugin`` (short or full name) and the trainee's ``arguments``."""
    full_name = plugin_catalog().resolve(plugin)
    global_options, plugin_options = split_vol_arguments(arguments)
    given = {_option_name(argument) for argument in global_options}
    ours: list[str] = []
    if not given & _IMAGE_OPTIONS:
        ours += ["-f", str(evidence.image)]
    if not given & _SYMBOL_OPTIONS:
        ours += ["-s", str(evidence.symbols)]
    argv = (*global_options, *ours, full_name, *plugin_options)
    return VolCommand(argv, full_name, image_cache_home(evidence.image, evidence.case), evidence)


def split_vol_arguments(arguments: Sequence[str]) -> tuple[list[str], list[str]]:
    """(vol's top-level options, the plugin's arguments), each in the order given."""
    global_options: list[str] = []
    plugin_options: list[str] = []
    index = 0
    while index < len(arguments):
        if arguments[index] == "--":
            plugin_options += arguments[index + 1 :]
            break
        taken = global_option_length(arguments, index)
        if taken:
            global_options += arguments[index : index + taken]
            index += taken
        else:
            plugin_options.append(arguments[index])
            index += 1
    return global_options, plugin_options


def find_plugin(tokens: Sequence[str]) -> tuple[str | None, list[str]]:
    """The plugin name (the first word that is not a vol option or its value) and every other token."""
    index = 0
    while index < len(tokens):
        taken = global_option_length(tokens, index)
        if taken:
            index += taken
        elif tokens[index].startswith("-") and tokens[index] != "-":
            index += 1
        else:
            return tokens[index], [*tokens[:index], *tokens[index + 1 :]]
    return None, list(tokens)


def global_option_length(arguments: Sequence[str], index: int) -> int:
    """How many tokens from ``index`` are one of vol's top-level options with its values (0: none)."""
    argument = arguments[index]
    name = _option_name(argument)
    following = arguments[index + 1 :]
    if argument in FLAG_OPTIONS or _SHORT_FLAGS.fullmatch(argument):
        return 1
    if name in VALUE_OPTIONS:
        attached = "=" in argument or (not argument.startswith("--") and len(argument) > 2)
        return 1 if attached or not following else 2
    if name in OPTIONAL_VALUE_OPTIONS:
        takes_value = "=" not in argument and following and following[0] in OPTIONAL_VALUE_OPTIONS[name]
        return 2 if takes_value else 1
    if name in LIST_OPTIONS:
        count = 1
        while "=" not in argument and count <= len(following) and not following[count - 1].startswith("-"):
            count += 1
        return count
    return 0


def flatten_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """vol's JSON rows depth first (a tree plugin's children after their parent), without ``__children``."""
    flat: list[dict[str, Any]] = []
    for row in rows:
        children = row.get("__children") or []
        flat.append({key: value for key, value in row.items() if key != "__children"})
        flat.extend(flatten_rows(children))
    return flat


def vol_program() -> list[str]:
    """The ``vol`` next to this Python (the venv's), else the one on PATH, else vol's main() via Python."""
    beside = Path(sys.executable).with_name("vol")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("vol")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from volatility3.cli import main; sys.argv[0] = 'vol'; main()"]


def run_vol(command: VolCommand) -> int:
    """Run vol on the terminal's stdin/stdout/stderr; returns its exit status (130 after Ctrl-C)."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(command.cache_home)}
    process = subprocess.Popen([*vol_program(), *command.argv], env=environment)
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl-C reached vol too; after SIGTERM (ours only) pass it on
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 130


def _option_name(argument: str) -> str:
    if argument.startswith("--"):
        return argument.split("=", 1)[0]
    if argument.startswith("-") and len(argument) > 2:
        return argument[:2]  # -rjson
    return argument

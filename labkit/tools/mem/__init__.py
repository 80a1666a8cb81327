"""``labkit mem``: the unmodified volatility3 CLI on a case's memory image, ready to use.

A trainee in a case folder types ``labkit mem pslist``; this package finds the image and
its symbol table (:mod:`case_folder`), turns short plugin names into volatility's own
(:mod:`plugin_names`, from volatility's registry), gives volatility a cache of its own
per image outside the case (:mod:`cache_folder`) and builds and runs the ``vol`` command
line (:mod:`vol_command`), which ``--show-command`` prints so trainees learn it.
"""

from __future__ import annotations

from labkit.tools.mem.cache_folder import image_cache_home, volatility_cache_path
from labkit.tools.mem.case_folder import MemoryEvidence, find_case_folder, find_memory_evidence, memory_images
from labkit.tools.mem.plugin_names import PluginCatalog, plugin_catalog
from labkit.tools.mem.vol_command import (
    VolCommand,
    build_vol_command,
    flatten_rows,
    run_vol,
    split_vol_arguments,
    vol_program,
)

__all__ = [
    "MemoryEvidence",
    "PluginCatalog",
    "VolCommand",
    "build_vol_command",
    "find_case_folder",
    "find_memory_evidence",
    "flatten_rows",
    "image_cache_home",
    "memory_images",
    "plugin_catalog",
    "run_vol",
    "split_vol_arguments",
    "vol_program",
    "volatility_cache_path",
]

"""Where the trainee's tools may write recovered or extracted files: checked once, for every tool.

A recovery or extraction writes into a new (or empty) folder, never through a symbolic link, never into
a system directory, and through hidden partial names that are renamed into place, so a crash leaves no
half-written file under a real name.
"""

from __future__ import annotations

import os
from pathlib import Path

from labkit.errors import OutputExistsError, UsageError

#: Prefix of files (and folders) being written; renamed to their real names when complete.
PARTIAL_PREFIX = ".labkit-partial-"
SYSTEM_DIRECTORIES = tuple(
    Path(p)
    for p in (
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/lib",
        "/lib32",
        "/lib64",
        "/proc",
        "/run",
        "/sbin",
        "/sys",
        "/usr",
    )
)


def check_output_folder(
    target: str | Path, *, label: str, may_hold_files: bool = False, purpose: str
) -> Path:
    """The absolute folder ``target``, refused if writing there could clobber or reach what exists.

    ``label`` names the folder in messages (``--out /x``); ``may_hold_files``: a non-empty folder is
    accepted (files are added, never replaced); ``purpose`` ends the system-directory message
    ("recover into a case folder").
    """
    folder = Path(os.path.abspath(target))
    if folder.is_symlink():
        raise UsageError(f"{label} is a symbolic link; give a new directory")
    if folder.exists():
        if not folder.is_dir():
            raise OutputExistsError(f"{label} exists and is not a directory; give a new or empty directory")
        if not may_hold_files and any(folder.iterdir()):
            raise OutputExistsError(f"{label} is not empty; give a new or empty directory")
    resolved = folder.resolve()
    if resolved == Path(resolved.anchor) or any(
        resolved == system or system in resolved.parents for system in SYSTEM_DIRECTORIES
    ):
        raise UsageError(f"{label} is inside a system directory; {purpose}")
    if not folder.parent.is_dir():
        raise UsageError(f"{label}: parent directory {folder.parent} does not exist")
    return folder

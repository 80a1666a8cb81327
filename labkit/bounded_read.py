"""Read a user-given file whole, but only if it is a regular file of bounded size.

``/dev/zero``, a FIFO or a 10 GB file given where a scenario, key or answer
sheet belongs must give a clear error, not hang or exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class ReadProblem(Exception):
    """Why a file could not be read: a short phrase, plus a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ReadProblem("file not found", "check the path") from None
    except IsADirectoryError:
        raise ReadProblem("is a folder, not a file", "give the file itself") from None
    except OSError as exc:
        raise ReadProblem(f"cannot read the file: {exc.strerror}", "check its permissions") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadProblem("is a folder, not a file", "give the file itself")
        if not stat.S_ISREG(info.st_mode):
            raise ReadProblem("is not a regular file (a device, pipe or socket)", "give a file saved on disk")
        if info.st_size > limit:
            raise ReadProblem(
                f"the file is larger than {limit // 1024} KiB", "check that this is the right file"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise ReadProblem(
                f"the file is larger than {limit // 1024} KiB", "check that this is the right file"
            )
        return data
    finally:
        os.close(fd)

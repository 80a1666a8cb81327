"""Write extracted objects into a folder: safe names, whole files or none, nothing clobbered.

Names come from the evidence (a URI, an FTP argument, a mail attachment's filename)
and are hostile: each is cut to its last path component and sanitised (no
separators, no ``..``, no control characters, bounded length); collisions get
`` (2)``, `` (3)``. Every file is written under a temporary name with
``O_EXCL|O_NOFOLLOW`` and linked to its final name only when complete. Without
``force`` the folder must be new or empty and is built as a hidden staging folder
renamed into place at the end; with ``force`` files are added to the existing folder
and never replace a file already there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import OutputExistsError
from labkit.tools.disk.safe_names import NameRegistry, sanitise_component
from labkit.tools.output_folders import PARTIAL_PREFIX, check_output_folder

_PARTIAL_PREFIX = PARTIAL_PREFIX


@dataclass(frozen=True)
class WrittenFile:
    name: str
    size: int
    md5: str
    sha256: str


def safe_object_name(original: str, fallback: str) -> str:
    """The last component of ``original`` (``/`` or ``\\`` separated), sanitised; ``fallback`` if empty."""
    last = original.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].strip()
    if last in ("", ".", ".."):
        last = fallback
    return sanitise_component(last)


class ObjectFolder:
    """An output folder being filled; call :meth:`commit` when everything is written."""

    def __init__(self, target: str | Path, force: bool) -> None:
        self.target = _check_target(target, force)
        self._registry = NameRegistry()
        self._counter = 0
        if force and self.target.exists():
            self.folder = self.target
            self._staging = None
            for entry in sorted(os.listdir(self.target)):
                self._registry.claim(entry)
        else:
            self._staging = Path(
                tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".partial", dir=self.target.parent)
            )
            self._staging.chmod(0o755)
            self.folder = self._staging

    def write(self, name: str, pieces: Iterable[bytes]) -> WrittenFile:
        """Write ``pieces`` as a new file called ``name`` (or ``name (n)``); returns its name and digests."""
        self._counter += 1
        partial = self.folder / f"{_PARTIAL_PREFIX}{self._counter}"
        md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
        size = 0
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                for piece in pieces:
                    stream.write(piece)
                    md5.update(piece)
                    sha256.update(piece)
                    size += len(piece)
            final = self._place(partial, name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return WrittenFile(final, size, md5.hexdigest(), sha256.hexdigest())

    def commit(self) -> None:
        if self._staging is not None:
            if self.target.exists():
                self.target.rmdir()  # checked empty at the start
            self._staging.rename(self.target)
            self._staging = None

    def abandon(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def _place(self, partial: Path, name: str) -> str:
        while True:
            final = self._registry.claim(name)
            target = self.folder / final
            try:
                os.link(partial, target, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (FAT, exFAT): check, then rename
                if os.path.lexists(target):
                    continue
                os.rename(partial, target)
                return final
            partial.unlink()
            return final


def _check_target(target: str | Path, force: bool) -> Path:
    try:
        return check_output_folder(
            target,
            label=str(Path(os.path.abspath(target))),
            may_hold_files=force,
            purpose="extract into a case folder",
        )
    except OutputExistsError as exc:
        if "is not empty" in str(exc):
            raise OutputExistsError(
                f"{exc}, or add --force to add files to it (existing files are never replaced)"
            ) from None
        raise

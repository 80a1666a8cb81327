"""Deterministic zips: the same folder gives the same zip bytes, whenever and wherever it is zipped.

``zipfile`` by default stamps each entry with the file's modification time, the
host system (Unix or Windows) and the file's permission bits, and lists entries
in directory order, all of which differ between two builds of the same class.
Here entries are sorted by path, dated 1980-01-01 00:00 (the earliest time a zip
can hold), marked as made on Unix with mode 0644, and deflated at zlib's default level.
What still depends on the machine is zlib itself: the same zlib version gives
the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_UNIX = 3
_FILE_MODE = 0o100644


def zip_folder(folder: Path, target: Path, *, top: str) -> Path:
    """Zip every file under ``folder`` into ``target`` (written atomically), each under ``top/``.

    ``top`` is the folder a trainee gets when unpacking (their trainee id). Empty
    folders are not kept; symbolic links are refused (a case folder has none).
    """
    files = sorted(
        (path.relative_to(folder).as_posix(), path) for path in folder.rglob("*") if not path.is_dir()
    )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            for relative, path in files:
                if path.is_symlink() or not path.is_file():
                    raise ValueError(f"{path}: not a regular file; a case folder holds regular files only")
                info = zipfile.ZipInfo(f"{top}/{relative}", date_time=FIXED_TIME)
                info.create_system = _UNIX
                info.external_attr = _FILE_MODE << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = path.stat().st_size  # lets zipfile choose ZIP64 for files over 2 GiB
                with path.open("rb") as source, archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

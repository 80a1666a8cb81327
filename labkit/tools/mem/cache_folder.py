"""A volatility3 cache of its own for each memory image, outside the case folder.

volatility3 caches what it learnt about symbol tables (by banner) in its cache folder and
trusts that cache for days; two cases whose kernels share a banner but not a symbol table
would then mislead each other (docs/MEMORY.md, "Pitfalls"). So each image gets its own
folder, named by a hash of the image's absolute path, size and modification time: a
regenerated image gets a fresh cache. It lies under the user's cache folder, never in the
case folder, whose evidence/ is covered by the case manifest and must stay untouched.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from labkit.errors import UsageError

CACHE_SUBFOLDER = ("labkit", "volatility3")


def user_cache_root() -> Path:
    """``$XDG_CACHE_HOME`` or ``~/.cache``, as volatility3 itself decides."""
    configured = os.environ.get("XDG_CACHE_HOME")
    return Path(configured) if configured else Path.home() / ".cache"


def image_cache_home(image: Path, case: Path | None = None) -> Path:
    """The folder to give volatility3 as ``XDG_CACHE_HOME`` for ``image`` (it adds ``volatility3/``)."""
    resolved = image.resolve()
    facts = resolved.stat()
    key = f"{resolved}\0{facts.st_size}\0{facts.st_mtime_ns}".encode("utf-8", "surrogateescape")
    folder = user_cache_root().joinpath(*CACHE_SUBFOLDER, hashlib.sha256(key).hexdigest()[:16])
    for protected in (case, resolved.parent):
        if protected is not None and folder.resolve().is_relative_to(protected.resolve()):
            raise UsageError(
                f"the volatility cache would be {folder}, inside {protected} (XDG_CACHE_HOME points into "
                "the case): set XDG_CACHE_HOME to a folder outside the case"
            )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def volatility_cache_path(image: Path, case: Path | None = None) -> Path:
    """volatility3's own cache folder for ``image`` (what its ``--cache-path`` would be)."""
    path = image_cache_home(image, case) / "volatility3"
    path.mkdir(parents=True, exist_ok=True)
    return path

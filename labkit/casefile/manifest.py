"""SHA-256 manifests in the format ``sha256sum -c`` accepts."""

from __future__ import annotations

import hashlib
from pathlib import Path

MANIFEST_NAME = "MANIFEST.sha256"
_CHUNK = 4 * 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path, *, exclude: tuple[str, ...] = ()) -> Path:
    """Hash every file under ``folder`` (sorted, relative paths) into MANIFEST.sha256.

    ``exclude`` names top-level files left out on purpose: the answer sheet is
    meant to be edited, so hashing it would make ``sha256sum -c`` fail.
    """
    lines = []
    skip = {MANIFEST_NAME, *exclude}
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in skip
    ):
        relative = path.relative_to(folder).as_posix()
        if "\n" in relative or "\\" in relative:
            raise ValueError(f"file name not representable in a manifest: {relative!r}")
        lines.append(f"{sha256_file(path)}  {relative}\n")
    target = folder / MANIFEST_NAME
    target.write_text("".join(lines), encoding="utf-8")
    return target

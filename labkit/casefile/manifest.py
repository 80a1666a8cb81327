"""SHA-256 manifests in the format ``sha256sum -c`` accepts."""

from __future__ import annotations

from pathlib import Path

from labkit.hashing import hash_file

MANIFEST_NAME = "MANIFEST.sha256"


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
        digest = hash_file(path, ("sha256",))["sha256"]
        lines.append(f"{digest}  {relative}\n")
    target = folder / MANIFEST_NAME
    target.write_text("".join(lines), encoding="utf-8")
    return target

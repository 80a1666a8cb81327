"""Find the memory image and its symbols for a trainee: in a case folder, or next to a given image.

A case folder holds ``evidence/<host>-memory.raw`` (or ``.lime``) and the kernel's symbol
table under ``evidence/symbols/linux/`` (see docs/MEMORY.md). The case folder is the
one given with ``--case``, else the current folder or the nearest parent that has an
``evidence/`` folder, so ``labkit mem pslist`` works from anywhere inside the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.errors import UsageError

EVIDENCE_FOLDER = "evidence"
SYMBOLS_FOLDER = "symbols"
IMAGE_PATTERNS = ("*-memory.raw", "*.lime")


@dataclass(frozen=True)
class MemoryEvidence:
    """One memory image and the symbols folder volatility needs for it (``vol -s``)."""

    image: Path
    symbols: Path
    case: Path | None  # the case folder it was found in (None: an image given by path)


def find_case_folder(start: Path) -> Path:
    """``start`` or its nearest parent holding an ``evidence/`` folder."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / EVIDENCE_FOLDER).is_dir():
            return folder
    raise UsageError(
        f"no case folder here: neither {start} nor a folder above it holds an {EVIDENCE_FOLDER}/ folder; "
        "run this inside a case folder, or give --case DIR or --image FILE"
    )


def memory_images(case: Path) -> list[Path]:
    """The memory images of a case, by name (``*-memory.raw``, ``*.lime``)."""
    evidence = case / EVIDENCE_FOLDER
    found = {path for pattern in IMAGE_PATTERNS for path in evidence.glob(pattern) if path.is_file()}
    return sorted(found, key=lambda path: path.name)


def find_memory_evidence(case: str | Path | None = None, image: str | Path | None = None) -> MemoryEvidence:
    """The image to analyse and its symbols.

    ``image`` may be a path to an image file (its symbols are the ``symbols/`` folder next
    to it), or, in a case with several images, a file name or the host it starts with.
    """
    if image is not None and case is None and Path(image).is_file():
        return _with_symbols(Path(image), None)
    if case is not None and not (Path(case) / EVIDENCE_FOLDER).is_dir():
        raise UsageError(f"--case {case}: not a case folder (it has no {EVIDENCE_FOLDER}/ folder)")
    folder = Path(case).resolve() if case is not None else find_case_folder(Path.cwd())
    images = memory_images(folder)
    if not images:
        raise UsageError(
            f"{folder / EVIDENCE_FOLDER}: no memory image (*-memory.raw or *.lime); this case may have "
            "no memory evidence"
        )
    names = ", ".join(path.name for path in images)
    if image is None:
        if len(images) > 1:
            raise UsageError(
                f"this case has {len(images)} memory images ({names}): choose one with --image NAME"
            )
        return _with_symbols(images[0], folder)
    chosen = _choose(images, str(image))
    if chosen is None:
        raise UsageError(
            f"--image {image}: no such memory image in {folder / EVIDENCE_FOLDER} (there: {names})"
        )
    return _with_symbols(chosen, folder)


def _choose(images: list[Path], wanted: str) -> Path | None:
    wanted_path = Path(wanted)
    for path in images:
        if wanted_path.is_file() and wanted_path.resolve() == path.resolve():
            return path
    by_name = [path for path in images if path.name == wanted_path.name]
    if len(by_name) == 1:
        return by_name[0]
    by_host = [path for path in images if path.name.startswith(f"{wanted}-") or path.stem == wanted]
    return by_host[0] if len(by_host) == 1 else None


def _with_symbols(image: Path, case: Path | None) -> MemoryEvidence:
    symbols = image.parent / SYMBOLS_FOLDER
    if not symbols.is_dir():
        raise UsageError(
            f"{image}: no {SYMBOLS_FOLDER}/ folder next to it; volatility needs the kernel's symbol table "
            "(ISF) that came with the image"
        )
    return MemoryEvidence(image, symbols, case)

"""A seeded source tree to copy into a FAT volume: folders, varied sizes, Cyrillic names.

The tree is written to disk one file at a time (nothing holds it all in memory)
and is the same, byte for byte, for the same seed and counts, so runs on two
machines copy the same data.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

KIB = 1024
MIN_FILE_SIZE = 1 * KIB
MAX_FILE_SIZE = 2 * KIB * KIB
MEDIAN_FILE_SIZE = 64 * KIB
SIZE_SIGMA = 1.5
MAX_FOLDERS = 20
NESTED_SHARE = 0.3  # about a third of the folders sit inside another one
FILL_SHARE = 0.6  # the tree takes at most this share of the volume, so both copies fit with room
FIRST_MTIME = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)  # even seconds: FAT keeps 2 s steps

FOLDER_WORDS = (
    "Documents", "Reports", "Photos", "Invoices", "Contracts", "Scans", "Mail", "Backups",
    "Отчёты", "Договоры", "Фото", "Бухгалтерия", "Переписка", "Қаржы", "Есептер", "Архив",
)  # fmt: skip
FILE_WORDS = (
    "report", "invoice", "scan", "letter", "notes", "budget", "photo", "minutes",
    "отчёт", "счёт-фактура", "договор", "письмо", "протокол", "смета", "есеп", "хат",
)  # fmt: skip
EXTENSIONS = (".pdf", ".docx", ".xlsx", ".jpg", ".txt", ".log", ".zip", ".eml")


@dataclass(frozen=True)
class SourceTree:
    """What was generated: the root and its relative folder and file paths, in creation order."""

    root: Path
    folders: tuple[str, ...]
    files: tuple[str, ...]
    total_bytes: int


def folder_count(file_count: int) -> int:
    """About 20 folders for 2,000 files, fewer (never under 3) for a small smoke run."""
    return min(MAX_FOLDERS, max(3, file_count // 100))


def plan_sizes(rng: random.Random, count: int, budget: int) -> list[int]:
    """Log-normal sizes between 1 KiB and 2 MiB, scaled down together if they exceed ``budget``."""
    sizes = [
        min(
            MAX_FILE_SIZE,
            max(MIN_FILE_SIZE, round(rng.lognormvariate(math.log(MEDIAN_FILE_SIZE), SIZE_SIGMA))),
        )
        for _ in range(count)
    ]
    total = sum(sizes)
    if total > budget:
        sizes = [max(MIN_FILE_SIZE, size * budget // total) for size in sizes]
    return sizes


def generate_source_tree(root: Path, *, files: int, volume_size: int, seed: int) -> SourceTree:
    """Write ``files`` seeded files into ~20 folders under ``root`` (which must not exist yet)."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    folders: list[str] = []
    for index in range(folder_count(files)):
        name = f"{rng.choice(FOLDER_WORDS)} {index:02d}"
        if folders and rng.random() < NESTED_SHARE:
            name = f"{rng.choice(folders)}/{name}"
        folders.append(name)
        (root / name).mkdir()
    sizes = plan_sizes(rng, files, int(volume_size * FILL_SHARE))
    paths: list[str] = []
    for index, size in enumerate(sizes):
        parent = rng.choice(folders) if rng.random() < 0.95 else ""
        name = f"{rng.choice(FILE_WORDS)}_{index:04d}{rng.choice(EXTENSIONS)}"
        relative = f"{parent}/{name}" if parent else name
        target = root / relative
        target.write_bytes(rng.randbytes(size))
        mtime = FIRST_MTIME.timestamp() + 2 * rng.randrange(365 * 24 * 1800)
        os.utime(target, (mtime, mtime))
        paths.append(relative)
    return SourceTree(root, tuple(folders), tuple(paths), sum(sizes))

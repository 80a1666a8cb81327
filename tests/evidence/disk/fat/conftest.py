"""Fixture: a FAT volume written into a sparse file under tmp_path."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# --import-mode=importlib does not put test folders on sys.path: the shared readers live here.
sys.path.insert(0, str(Path(__file__).parent))

from fat_readers import FORMAT_TIME, SIZES

from labkit.evidence.disk.fat import FatVolume


@pytest.fixture
def new_volume(tmp_path: Path) -> Iterator[Callable[..., tuple[FatVolume, Path]]]:
    """Factory: ``new_volume(fat_type, **options)`` -> (volume, image path); sinks closed afterwards."""
    sinks = []

    def make(
        fat_type: str = "fat32",
        *,
        size: int | None = None,
        offset: int = 0,
        name: str = "volume.img",
        **options: object,
    ) -> tuple[FatVolume, Path]:
        size = size or SIZES[fat_type]
        image = tmp_path / name
        with open(image, "wb") as created:
            created.truncate(offset + size)
        sink = open(image, "r+b")
        sinks.append(sink)
        options.setdefault("serial", 0x1234ABCD)
        options.setdefault("format_time", FORMAT_TIME)
        volume = FatVolume(sink, offset=offset, size=size, fat_type=fat_type, **options)  # type: ignore[arg-type]
        return volume, image

    yield make
    for sink in sinks:
        sink.close()


@pytest.fixture
def utc_process() -> Iterator[None]:
    """pytsk3 turns FAT local times into epochs with the process time zone: make it UTC for the test."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()

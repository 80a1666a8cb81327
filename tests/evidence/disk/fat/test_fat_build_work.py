"""The writer's common path does no avoidable work: one entry build per file, one write per run."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from fat_readers import FORMAT_TIME, fsck_clean, run

from labkit.evidence.disk.fat import FatVolume, directory_slots


def test_each_new_entry_is_built_once(
    new_volume: Callable[..., tuple[FatVolume, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[bytes] = []
    original = directory_slots.short_entry

    def counting(raw_name: bytes, **fields: object) -> bytes:
        built.append(raw_name)
        return original(raw_name, **fields)  # type: ignore[arg-type]

    monkeypatch.setattr(directory_slots, "short_entry", counting)
    volume, image = new_volume("fat16")
    volume.mkdir("/Docs")
    for number in range(60):  # enough slots that /Docs grows while files are being added
        volume.create_file(f"/Docs/Отчёт номер {number}.txt", b"x" * number * 100)
    assert len(built) == 61
    volume.finalize()
    fsck_clean(image)
    assert "Docs/Отчёт номер 59.txt" in run("fls", "-r", "-p", image)


class CountingSink(io.BytesIO):
    """An in-memory sink that records the size of every write."""

    def __init__(self, size: int) -> None:
        super().__init__(bytes(size))
        self.sizes: list[int] = []

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sizes.append(len(data))
        return super().write(data)


def test_contiguous_file_data_is_one_write() -> None:
    sink = CountingSink(64 * 1024 * 1024)
    volume = FatVolume(sink, offset=0, size=64 * 1024 * 1024, serial=1, format_time=FORMAT_TIME)
    volume.create_file("/big.bin", bytes(3 * 1024 * 1024 + 7))
    assert sink.sizes == [3 * 1024 * 1024 + 7]

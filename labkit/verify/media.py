"""Read the media bytes of an evidence image (raw, or E01 through pyewf)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from labkit.errors import ImageFormatError

EWF_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"


class _EwfReader:
    def __init__(self, image: Path) -> None:
        import pyewf

        self._handle = pyewf.handle()
        self._handle.open(pyewf.glob(str(image)))

    def read(self, size: int) -> bytes:
        return self._handle.read(size)

    def close(self) -> None:
        self._handle.close()


@contextlib.contextmanager
def open_media(image: Path) -> Iterator[BinaryIO | _EwfReader]:
    with image.open("rb") as probe:
        signature = probe.read(8)
    if signature == EWF_SIGNATURE:
        try:
            reader = _EwfReader(image)
        except OSError as exc:
            raise ImageFormatError(f"{image}: cannot open EWF image: {exc}") from None
        try:
            yield reader
        finally:
            reader.close()
    else:
        with image.open("rb") as handle:
            yield handle

"""Where each physical address of a memory image lies in the file: raw is 1:1, LiME is a list of ranges.

A LiME file is a sequence of ranges, each a 32-byte header (magic ``0x4C694D45``, version 1,
first and last physical address, 8 reserved bytes) followed by the range's bytes; the
ranges are System RAM, with holes (the legacy VGA area, PCI space) between them. The
headers are walked once at open; one that runs past the end of the file is a truncated
image, refused before anything is scanned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from construct import Bytes, Int32ul, Int64ul, Struct

from labkit.errors import ImageFormatError

LIME_MAGIC = 0x4C694D45
LIME_MAGIC_BYTES = LIME_MAGIC.to_bytes(4, "little")
LIME_HEADER = Struct(
    "magic" / Int32ul,
    "version" / Int32ul,
    "first" / Int64ul,
    "last" / Int64ul,  # inclusive
    "reserved" / Bytes(8),
)
LIME_HEADER_SIZE = LIME_HEADER.sizeof()
READ_SIZE = 4 * 1024 * 1024


@dataclass(frozen=True)
class PhysicalRange:
    first: int  # physical address of the range's first byte
    last: int  # inclusive, as LiME and /proc/iomem write it
    file_offset: int  # where its first byte is in the image file

    @property
    def size(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class MemoryLayout:
    path: str
    image_format: str  # "raw" or "lime"
    ranges: tuple[PhysicalRange, ...]

    @property
    def size(self) -> int:
        return sum(item.size for item in self.ranges)

    def runs(self) -> list[tuple[PhysicalRange, ...]]:
        """Ranges grouped where one ends just before the next begins (scanned as one stretch)."""
        grouped: list[list[PhysicalRange]] = []
        for item in sorted(self.ranges, key=lambda r: r.first):
            if grouped and grouped[-1][-1].last + 1 == item.first:
                grouped[-1].append(item)
            else:
                grouped.append([item])
        return [tuple(group) for group in grouped]

    def iter_run(self, run: tuple[PhysicalRange, ...]) -> Iterator[bytes]:
        """The bytes of a run, in order, :data:`READ_SIZE` at a time."""
        with Path(self.path).open("rb") as stream:
            for item in run:
                stream.seek(item.file_offset)
                left = item.size
                while left > 0:
                    data = stream.read(min(READ_SIZE, left))
                    if not data:
                        raise ImageFormatError(
                            f"{self.path}: the image ends inside the range at physical "
                            f"{item.first:#x}-{item.last:#x}; it is truncated (acquire or copy it again)"
                        )
                    left -= len(data)
                    yield data


def read_layout(path: str | Path) -> MemoryLayout:
    """The physical ranges of a raw or LiME image (told apart by the LiME magic)."""
    image = Path(path)
    size = image.stat().st_size
    with image.open("rb") as stream:
        if stream.read(4) != LIME_MAGIC_BYTES:
            return MemoryLayout(str(image), "raw", (PhysicalRange(0, size - 1, 0),) if size else ())
        return MemoryLayout(str(image), "lime", tuple(_lime_ranges(stream, str(image), size)))


def _lime_ranges(stream: BinaryIO, name: str, size: int) -> Iterator[PhysicalRange]:
    position = 0
    previous_last = -1
    while position < size:
        stream.seek(position)
        raw = stream.read(LIME_HEADER_SIZE)
        if len(raw) < LIME_HEADER_SIZE:
            raise ImageFormatError(
                f"{name}: LiME range header at offset {position} is cut short ({len(raw)} of "
                f"{LIME_HEADER_SIZE} bytes): the image is truncated"
            )
        header = LIME_HEADER.parse(raw)
        if header.magic != LIME_MAGIC:
            raise ImageFormatError(
                f"{name}: no LiME range header at offset {position} (magic {header.magic:#010x}, expected "
                f"{LIME_MAGIC:#010x}): the file is damaged"
            )
        if header.version != 1:
            raise ImageFormatError(
                f"{name}: LiME version {header.version} at offset {position}; only 1 is known"
            )
        if header.last < header.first or header.first <= previous_last:
            raise ImageFormatError(
                f"{name}: LiME range {header.first:#x}-{header.last:#x} at offset {position} is empty, "
                "reversed or overlaps the one before: the file is damaged"
            )
        data_offset = position + LIME_HEADER_SIZE
        length = header.last - header.first + 1
        if data_offset + length > size:
            raise ImageFormatError(
                f"{name}: LiME range {header.first:#x}-{header.last:#x} needs {length} bytes from offset "
                f"{data_offset}, but the file ends at {size}: the image is truncated; copy it again"
            )
        yield PhysicalRange(header.first, header.last, data_offset)
        previous_last = header.last
        position = data_offset + length

"""Stream the finished RAM to disk page by page, raw or LiME, sparse (zero runs are seeks), hashed
on the way by helper threads (hashlib releases the GIL), never holding the image in memory."""

from __future__ import annotations

import hashlib
import os
import queue
import random
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from labkit.errors import EvidenceError
from labkit.evidence.memory.noise import NoisePools
from labkit.evidence.memory.physical import PAGE_SHIFT, PAGE_SIZE, PhysicalMemory

LIME_MAGIC, LIME_VERSION = 0x4C694D45, 1
SYSTEM_RAM_LOW = (0x1000, 0xA0000)  # what /proc/iomem calls System RAM below 1 MiB
FLUSH_BYTES = 4 << 20
_ZERO = bytes(1 << 20)
DATA_RUN_MEAN = 12  # free pages with stale data come in runs of about this many pages


@dataclass(frozen=True)
class FillerRegion:
    """Pages of the kernel image that hold code or constant strings rather than zeros."""

    start_pfn: int
    end_pfn: int
    kind: str


@dataclass(frozen=True)
class StreamPlan:
    physical: PhysicalMemory
    used: bytearray  # page frames allocated to something (never filled with stale data)
    regions: tuple[FillerRegion, ...]
    overlays: dict[int, list[tuple[int, bytes]]]  # free page -> planted fragments
    noise: NoisePools
    fill: float


class _Hashers:
    """md5 in one thread, sha1 and sha256 in another; items are bytes or a count of zero bytes."""

    def __init__(self) -> None:
        groups = (("md5",), ("sha1", "sha256"))
        self.hashers = {name: hashlib.new(name) for group in groups for name in group}
        self._queues: list[queue.Queue[bytes | int | None]] = [queue.Queue(maxsize=4) for _ in groups]
        self._threads = [
            threading.Thread(target=self._run, args=(q, [self.hashers[name] for name in group]), daemon=True)
            for q, group in zip(self._queues, groups, strict=True)
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _run(items: queue.Queue[bytes | int | None], hashers: list[hashlib._Hash]) -> None:
        while (item := items.get()) is not None:
            if isinstance(item, int):
                while item:
                    chunk = min(item, len(_ZERO))
                    for hasher in hashers:
                        hasher.update(_ZERO[:chunk])
                    item -= chunk
            else:
                for hasher in hashers:
                    hasher.update(item)

    def feed(self, item: bytes | int) -> None:
        for items in self._queues:
            items.put(item)

    def close(self) -> dict[str, str]:
        for items in self._queues:
            items.put(None)
        for thread in self._threads:
            thread.join()
        return {name: hasher.hexdigest() for name, hasher in self.hashers.items()}


class _Output:
    """Coalesces consecutive data into large writes and zero runs into seeks."""

    def __init__(self, stream: BinaryIO, hashers: _Hashers) -> None:
        self.stream, self.hashers = stream, hashers
        self.pending = bytearray()
        self.zeros = 0
        self.written = 0

    def data(self, chunk: bytes | memoryview) -> None:
        if self.zeros:
            self._flush_zeros()
        self.pending += chunk
        if len(self.pending) >= FLUSH_BYTES:
            self._flush_data()

    def zero(self, length: int) -> None:
        if self.pending:
            self._flush_data()
        self.zeros += length

    def raw(self, data: bytes) -> None:
        self.data(data)

    def _flush_data(self) -> None:
        block = bytes(self.pending)
        self.stream.write(block)
        self.hashers.feed(block)
        self.written += len(block)
        self.pending.clear()

    def _flush_zeros(self) -> None:
        self.stream.seek(self.zeros, os.SEEK_CUR)
        self.hashers.feed(self.zeros)
        self.written += self.zeros
        self.zeros = 0

    def finish(self) -> int:
        if self.pending:
            self._flush_data()
        if self.zeros:
            self._flush_zeros()
        self.stream.truncate(self.written)
        return self.written


def write_image(
    path: Path, image_format: str, plan: StreamPlan, rng: random.Random
) -> tuple[int, dict[str, str]]:
    """Write ``path`` (via a temporary name); returns its size and md5/sha1/sha256."""
    size = plan.physical.size
    if image_format == "lime":
        ranges = [SYSTEM_RAM_LOW, (0x100000, size)]
    else:
        ranges = [(0, size)]
    partial = path.with_name(f".{path.name}.partial")
    hashers = _Hashers()
    try:
        with open(partial, "wb") as stream:
            output = _Output(stream, hashers)
            pages = _Pages(plan, rng)
            for start, end in ranges:
                if image_format == "lime":
                    output.raw(struct.pack("<IIQQQ", LIME_MAGIC, LIME_VERSION, start, end - 1, 0))
                for _pfn, content in pages.between(start >> PAGE_SHIFT, end >> PAGE_SHIFT):
                    if content is None:
                        output.zero(PAGE_SIZE)
                    else:
                        output.data(content)
            written = output.finish()
        digests = hashers.close()
        os.replace(partial, path)
    except OSError as error:
        hashers.close()
        partial.unlink(missing_ok=True)
        raise EvidenceError(f"cannot write the memory image {path}: {error.strerror}") from error
    except BaseException:
        hashers.close()
        partial.unlink(missing_ok=True)
        raise
    return written, digests


class _Pages:
    """Decides every page's content in physical order (deterministic given the seeded ``rng``)."""

    def __init__(self, plan: StreamPlan, rng: random.Random) -> None:
        self.plan, self.rng = plan, rng
        total = plan.physical.size >> PAGE_SHIFT
        region_pages = sum(region.end_pfn - region.start_pfn for region in plan.regions)
        structural = len(plan.physical.pages) + region_pages
        free = plan.used.count(0)
        budget = max(0.0, plan.fill * total - structural)
        probability = min(0.98, budget / free) if free else 0.0
        self.zero_mean = DATA_RUN_MEAN * (1 - probability) / probability if probability else None
        self.run: memoryview | None = None
        self.zeros_left = 0
        self.region_of = {}
        for region in plan.regions:
            for pfn in range(region.start_pfn, region.end_pfn):
                self.region_of[pfn] = region.kind

    def between(self, first: int, last: int) -> Iterator[tuple[int, bytes | memoryview | None]]:
        pages, used, overlays = self.plan.physical.pages, self.plan.used, self.plan.overlays
        for pfn in range(first, last):
            page = pages.get(pfn)
            if page is not None:
                yield pfn, bytes(page) if any(page) else None
            elif pfn in self.region_of:
                yield pfn, self.plan.noise.slice(self.region_of[pfn], PAGE_SIZE, self.rng)
            elif used[pfn]:
                yield pfn, None
            elif pfn in overlays:
                content = bytearray(self.plan.noise.slice("text", PAGE_SIZE, self.rng))
                for offset, fragment in overlays[pfn]:
                    content[offset : offset + len(fragment)] = fragment
                yield pfn, bytes(content)
            else:
                yield pfn, self._free_page()

    def _free_page(self) -> memoryview | None:
        """Stale data comes in runs separated by runs of zeroed pages, mixed to reach the fill."""
        if self.zero_mean is None:
            return None
        while True:
            if self.zeros_left:
                self.zeros_left -= 1
                return None
            if self.run is not None and len(self.run):
                page, self.run = self.run[:PAGE_SIZE], self.run[PAGE_SIZE:]
                return page
            self.zeros_left = int(self.rng.expovariate(1 / self.zero_mean)) if self.zero_mean else 0
            count = 1 + int(self.rng.expovariate(1 / DATA_RUN_MEAN))
            self.run = memoryview(self.plan.noise.pages(count, self.rng))

"""The file allocation table, kept in memory until the volume is finalized.

Entries live in an ``array('I')`` whatever the FAT width; a parallel
``bytearray`` marks used clusters so that free runs are found with
``bytearray.find`` instead of Python loops, and a second ``array('I')`` records
which item last wrote data into each cluster (to tell whether a deleted file
was overwritten).
"""

from __future__ import annotations

import sys
from array import array

from labkit.errors import DiskFullError

from .models import AllocationPolicy

END_OF_CHAIN = {12: 0xFFF, 16: 0xFFFF, 32: 0x0FFFFFFF}
FIRST_CLUSTER = 2
NO_OWNER = 0


class FatTable:
    """Cluster chains, free space and the allocation cursor of one volume."""

    def __init__(self, bits: int, cluster_count: int, media: int) -> None:
        self.bits = bits
        self.limit = cluster_count + FIRST_CLUSTER  # one past the highest cluster number
        self.end_of_chain = END_OF_CHAIN[bits]
        self.entries = array("I", bytes(4 * self.limit))
        self.entries[0] = (self.end_of_chain & ~0xFF) | media
        self.entries[1] = self.end_of_chain  # also the "clean, no I/O errors" bits of FAT16/32
        self.used = bytearray(self.limit)
        self.used[0:2] = b"\x01\x01"
        self.owner = array("I", bytes(4 * self.limit))
        self.free_count = cluster_count
        self.last_allocated = FIRST_CLUSTER - 1

    def is_free(self, cluster: int) -> bool:
        return FIRST_CLUSTER <= cluster < self.limit and not self.used[cluster]

    def allocate(self, count: int, policy: AllocationPolicy) -> list[int]:
        """Take ``count`` free clusters, in the order a driver with this policy would.

        next-fit continues after the last allocated cluster and wraps; first-fit
        always starts from the lowest cluster. The clusters are chained and the
        last one marked end-of-chain.
        """
        if count > self.free_count:
            raise DiskFullError(f"volume full: {count} clusters needed, {self.free_count} free")
        clusters: list[int] = []
        position = FIRST_CLUSTER if policy == "first-fit" else self.last_allocated + 1
        while len(clusters) < count:
            start = self.used.find(0, min(position, self.limit))
            if start < 0:
                position = FIRST_CLUSTER
                continue
            stop = self.used.find(1, start)
            stop = self.limit if stop < 0 else stop
            stop = min(stop, start + count - len(clusters))
            self.used[start:stop] = b"\x01" * (stop - start)
            clusters.extend(range(start, stop))
            position = stop
        self.free_count -= count
        self.last_allocated = clusters[-1] if clusters else self.last_allocated
        self.chain(clusters)
        return clusters

    def chain(self, clusters: list[int]) -> None:
        """Link ``clusters`` in order and end the chain."""
        if not clusters:
            return
        if is_one_run(clusters):  # the common case, linked with one slice instead of a loop
            first, last = clusters[0], clusters[-1]
            self.entries[first:last] = array("I", range(first + 1, last + 1))
            self.entries[last] = self.end_of_chain
            return
        run_start = 0
        for index in range(1, len(clusters) + 1):
            if index == len(clusters) or clusters[index] != clusters[index - 1] + 1:
                first, last = clusters[run_start], clusters[index - 1]
                self.entries[first:last] = array("I", range(first + 1, last + 1))
                self.entries[last] = clusters[index] if index < len(clusters) else self.end_of_chain
                run_start = index

    def release(self, clusters: list[int]) -> None:
        """Mark clusters free; their data stays where it is."""
        for cluster in clusters:
            self.entries[cluster] = 0
            self.used[cluster] = 0
        self.free_count += len(clusters)

    def claim(self, clusters: list[int], owner: int) -> None:
        """Record that ``owner`` wrote data into these clusters."""
        if clusters and is_one_run(clusters):
            self.owner[clusters[0] : clusters[-1] + 1] = array("I", [owner]) * len(clusters)
            return
        for cluster in clusters:
            self.owner[cluster] = owner

    def free_runs(self) -> list[tuple[int, int]]:
        """All runs of free clusters as (first, count), lowest first."""
        runs: list[tuple[int, int]] = []
        position = FIRST_CLUSTER
        while True:
            start = self.used.find(0, position)
            if start < 0:
                return runs
            stop = self.used.find(1, start)
            stop = self.limit if stop < 0 else stop
            runs.append((start, stop - start))
            position = stop

    def to_bytes(self) -> bytes:
        """The table as stored on disk (little-endian, 12/16/32-bit entries)."""
        if self.bits == 32:
            table = array("I", self.entries)
        elif self.bits == 16:
            table = array("H", self.entries)
        else:
            return _pack_fat12(self.entries)
        if sys.byteorder == "big":
            table.byteswap()
        return table.tobytes()


def is_one_run(clusters: list[int]) -> bool:
    """Whether a non-empty cluster list is one ascending contiguous run (compared in C, not looped)."""
    first = clusters[0]
    return clusters[-1] - first == len(clusters) - 1 and clusters == list(range(first, first + len(clusters)))


def _pack_fat12(entries: array) -> bytes:
    values = list(entries) + ([0] if len(entries) % 2 else [])
    out = bytearray()
    for index in range(0, len(values), 2):
        pair = values[index] | (values[index + 1] << 12)
        out += pair.to_bytes(3, "little")
    return bytes(out)

"""IPv4 and IPv6 fragment reassembly, as Wireshark does it by default (``ip.defragment``).

A fragmented datagram is decoded in the frame of the fragment that completes it: that
is where Wireshark shows the UDP or TCP header, counts the conversation and, when the
datagram opens one, assigns its stream number. Fragments wait in memory under a fixed
budget; the oldest incomplete datagrams are dropped first when it is exceeded.
"""

from __future__ import annotations

from collections.abc import Hashable

MEMORY_BUDGET = 32 * 1024 * 1024


class _Datagram:
    __slots__ = ("held", "pieces", "total")

    def __init__(self) -> None:
        self.pieces: dict[int, bytes] = {}
        self.total: int | None = None
        self.held = 0


class FragmentReassembler:
    """Collects fragments by (version, source, destination, identification, protocol)."""

    def __init__(self, budget: int = MEMORY_BUDGET) -> None:
        self._datagrams: dict[Hashable, _Datagram] = {}
        self._held = 0
        self._budget = budget
        self.fragments_seen = 0
        self.incomplete_dropped = 0

    def add(self, key: Hashable, offset: int, more: bool, data: bytes) -> bytes | None:
        """The whole datagram payload when this fragment completes it, else None."""
        self.fragments_seen += 1
        datagram = self._datagrams.get(key)
        if datagram is None:
            datagram = self._datagrams[key] = _Datagram()
        if not more:
            datagram.total = offset + len(data)
        previous = datagram.pieces.get(offset)
        if previous is None or len(previous) < len(data):
            growth = len(data) - (len(previous) if previous else 0)
            datagram.pieces[offset] = data
            datagram.held += growth
            self._held += growth
        whole = self._complete(datagram)
        if whole is not None:
            del self._datagrams[key]
            self._held -= datagram.held
        else:
            self._enforce_budget()
        return whole

    @property
    def incomplete(self) -> int:
        """Datagrams still missing a fragment (at the end: never completed in the capture)."""
        return len(self._datagrams) + self.incomplete_dropped

    @staticmethod
    def _complete(datagram: _Datagram) -> bytes | None:
        if datagram.total is None:
            return None
        parts = []
        reached = 0
        for offset in sorted(datagram.pieces):
            if offset > reached:
                return None
            piece = datagram.pieces[offset]
            if offset + len(piece) > reached:
                parts.append(piece[reached - offset :])
                reached = offset + len(piece)
        if reached < datagram.total:
            return None
        return b"".join(parts)[: datagram.total]

    def _enforce_budget(self) -> None:
        while self._held > self._budget and self._datagrams:
            oldest = next(iter(self._datagrams))
            self._held -= self._datagrams.pop(oldest).held
            self.incomplete_dropped += 1

"""Keep the TCP streams an analysis needs (stored, spilled to disk), and hand each over when it ends.

A chooser looks at the first bytes of each direction and names the stream's
protocol ("http", "smtp"...) or drops it (""); until it can tell, the stream is
stored. A consumer receives each kept stream when the connection ends and releases
it when done; streams it keeps longer (an FTP data connection waiting for its
control connection) are released after :meth:`StreamCollector.finish`.
"""

from __future__ import annotations

from collections.abc import Callable

from labkit.tools.net.capture_pass import PassListener, TcpStream
from labkit.tools.net.stream_store import SpillArea, StoredDirection
from labkit.tools.net.tcp_reassembly import Piece

HEAD_SIZE = 64
#: chooser(stream, client head, server head, final) -> protocol name, "" to drop, None while unsure
Chooser = Callable[[TcpStream, bytes, bytes, bool], str | None]


class CollectedStream:
    """A TCP stream's two stored directions, with the protocol its chooser named."""

    def __init__(self, stream: TcpStream, area: SpillArea) -> None:
        self.stream = stream
        self.to_server = area.direction()
        self.to_client = area.direction()
        self.label: str | None = None
        self._area = area
        self.released = False

    def direction(self, from_client: bool) -> StoredDirection:
        return self.to_server if from_client else self.to_client

    def head(self, from_client: bool) -> bytes:
        return self.direction(from_client).read(0, HEAD_SIZE)

    def release(self) -> None:
        if not self.released:
            self._area.release(self.to_server)
            self._area.release(self.to_client)
            self.to_server = self.to_client = StoredDirection(self._area)
            self.released = True


class StreamCollector(PassListener):
    """Stores chosen streams; calls ``on_stream`` as each ends, ``on_finish`` after the last frame."""

    wants_tcp_data = True

    def __init__(
        self,
        choose: Chooser,
        on_stream: Callable[[CollectedStream], None],
        on_finish: Callable[[], None] | None = None,
    ) -> None:
        self._choose = choose
        self._on_stream = on_stream
        self._on_finish = on_finish
        self._area = SpillArea()
        self._open: dict[int, CollectedStream] = {}
        self._dropped: set[int] = set()
        self._kept: list[CollectedStream] = []

    def tcp_piece(self, stream: TcpStream, from_client: bool, piece: Piece) -> None:
        index = stream.index
        if index in self._dropped:
            return
        collected = self._open.get(index)
        if collected is None:
            collected = self._open[index] = CollectedStream(stream, self._area)
        _, data, length, frame, time_ns = piece
        stored = collected.direction(from_client)
        if data is None:
            stored.gap(length, frame, time_ns)
        else:
            stored.append(data, frame, time_ns)
        if collected.label is None:
            self._decide(collected, final=False)

    def tcp_end(self, stream: TcpStream) -> None:
        index = stream.index
        if index in self._dropped:
            self._dropped.discard(index)
            return
        collected = self._open.pop(index, None)
        if collected is None:
            return
        if collected.label is None:
            self._decide(collected, final=True)
        if collected.label:
            self._kept.append(collected)
            self._on_stream(collected)
            self._kept = [kept for kept in self._kept if not kept.released]
        else:
            collected.release()

    def finish(self) -> None:
        try:
            if self._on_finish is not None:
                self._on_finish()
        finally:
            for collected in self._kept:
                collected.release()
            self._area.close()

    def _decide(self, collected: CollectedStream, final: bool) -> None:
        client_head, server_head = collected.head(True), collected.head(False)
        sure = (
            final
            or len(client_head) + len(server_head) >= HEAD_SIZE * 2
            or (len(client_head) >= 16 and len(server_head) >= 16)
        )
        label = self._choose(collected.stream, client_head, server_head, sure)
        if label is None and sure:
            label = ""
        if label == "":
            collected.release()
            if not final:
                del self._open[collected.stream.index]
                self._dropped.add(collected.stream.index)
        elif label is not None:
            collected.label = label

"""One capture point: frames from many conversations, numbered and written as Wireshark will show them.

Conversations are rendered one after another (each session engine adds its
frames with their own timestamps), so frames arrive here out of time order.
:meth:`Capture.finish` sorts them stably by timestamp (insertion order breaks
ties), then numbers frames and streams exactly as Wireshark does: frame numbers
from 1 in file order, and ``tcp.stream`` / ``udp.stream`` indexes from 0 in the
order in which each conversation's first frame appears.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from labkit.errors import EvidenceError

from .capture_file import DEFAULT_SNAPLEN, CaptureFileWriter, FileFormat

Protocol = Literal["tcp", "udp"]
_WRITE_BUFFER = 1 << 20


class StreamRef:
    """One TCP or UDP conversation in a capture; ``index`` is its tcp.stream / udp.stream after finish()."""

    __slots__ = ("first_number", "index", "key", "last_number", "protocol")

    def __init__(self, protocol: Protocol, key: Hashable) -> None:
        self.protocol = protocol
        self.key = key
        self.index: int | None = None
        #: Frame numbers of the stream's first and last frame, after Capture.finish().
        self.first_number: int | None = None
        self.last_number: int | None = None

    def __repr__(self) -> str:
        return f"StreamRef({self.protocol}, {self.key!r}, index={self.index})"


class FrameRef:
    """A frame added to a capture; ``number`` is its 1-based Wireshark frame number after finish()."""

    __slots__ = ("number", "stream", "ts_us")

    def __init__(self, ts_us: int, stream: StreamRef | None) -> None:
        self.ts_us = ts_us
        self.stream = stream
        self.number: int | None = None

    def __repr__(self) -> str:
        return f"FrameRef(ts_us={self.ts_us}, number={self.number})"


@dataclass(frozen=True)
class CaptureSummary:
    """What finish() wrote: the facts a capinfos run would report."""

    path: Path
    file_format: FileFormat
    packets: int
    first_ts_us: int | None
    last_ts_us: int | None
    bytes_on_wire: int
    tcp_streams: int = 0
    udp_streams: int = 0


class Capture:
    """Collects frames for one capture point and writes them, sorted and numbered, with finish()."""

    def __init__(
        self,
        *,
        file_format: FileFormat = "pcapng",
        snaplen: int = DEFAULT_SNAPLEN,
        interface_name: str = "eth0",
        interface_description: str = "",
        os_name: str = "",
        hardware: str = "",
        application: str = "labkit",
        comment: str = "",
    ) -> None:
        if file_format not in ("pcapng", "pcap"):
            raise EvidenceError(f"unknown capture file format {file_format!r} (expected pcapng or pcap)")
        self.file_format: FileFormat = file_format
        self._writer_options: dict[str, object] = {
            "snaplen": snaplen,
            "interface_name": interface_name,
            "interface_description": interface_description,
            "os_name": os_name,
            "hardware": hardware,
            "application": application,
            "comment": comment,
        }
        self._times: list[int] = []
        self._frames: list[bytes] = []
        self._refs: list[FrameRef] = []
        self._udp_streams: dict[Hashable, StreamRef] = {}
        self._streams: list[StreamRef] = []
        self._before_finish: list[Callable[[], None]] = []
        self._order: list[int] | None = None

    def add(self, ts_us: int, frame: bytes, stream: StreamRef | None = None) -> FrameRef:
        """Add one Ethernet frame captured at ``ts_us``; returns its handle (numbered by finish())."""
        if self._order is not None:
            raise EvidenceError("frames cannot be added to a capture after finish()")
        if ts_us < 0:
            raise EvidenceError(f"a capture timestamp cannot be before 1970 (got {ts_us} us)")
        ref = FrameRef(ts_us, stream)
        self._times.append(ts_us)
        self._frames.append(frame)
        self._refs.append(ref)
        return ref

    def new_stream(self, protocol: Protocol, key: Hashable) -> StreamRef:
        """A conversation handle: a new one per TCP connection; one per UDP ``key`` (address/port pair)."""
        if protocol == "udp":
            existing = self._udp_streams.get(key)
            if existing is not None:
                return existing
        elif protocol != "tcp":
            raise EvidenceError(f"streams are tcp or udp, not {protocol!r}")
        stream = StreamRef(protocol, key)
        self._streams.append(stream)
        if protocol == "udp":
            self._udp_streams[key] = stream
        return stream

    def before_finish(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` at the start of finish(): a session renders the ACKs it still owes."""
        self._before_finish.append(callback)

    def __len__(self) -> int:
        return len(self._frames)

    def ordered(self) -> list[tuple[FrameRef, bytes]]:
        """The frames in file order (after finish())."""
        if self._order is None:
            raise EvidenceError("the capture is not finished yet")
        return [(self._refs[position], self._frames[position]) for position in self._order]

    def finish(self, path: Path) -> CaptureSummary:
        """Sort, number frames and streams, and write the file at ``path``."""
        if self._order is None:
            for callback in self._before_finish:
                callback()
            order = sorted(range(len(self._times)), key=self._times.__getitem__)
            self._number(order)
            self._order = order
        try:
            with open(path, "wb", buffering=_WRITE_BUFFER) as stream:
                writer = CaptureFileWriter.for_format(self.file_format, stream, **self._writer_options)
                with writer:
                    write = writer.write
                    for position in self._order:
                        write(self._times[position], self._frames[position])
        except OSError as error:
            raise EvidenceError(f"cannot write the capture {path}: {error.strerror or error}") from None
        times = [self._times[position] for position in (self._order[:1] + self._order[-1:])]
        return CaptureSummary(
            path=Path(path),
            file_format=self.file_format,
            packets=writer.packets,
            first_ts_us=times[0] if times else None,
            last_ts_us=times[-1] if times else None,
            bytes_on_wire=writer.bytes_on_wire,
            tcp_streams=sum(1 for s in self._streams if s.protocol == "tcp" and s.index is not None),
            udp_streams=sum(1 for s in self._streams if s.protocol == "udp" and s.index is not None),
        )

    def _number(self, order: list[int]) -> None:
        for stream in self._streams:
            stream.index = None
        counters = {"tcp": 0, "udp": 0}
        spans: dict[StreamRef, list[int]] = {}
        for number, position in enumerate(order, start=1):
            ref = self._refs[position]
            ref.number = number
            stream = ref.stream
            if stream is None:
                continue
            if stream.index is None:
                stream.index = counters[stream.protocol]
                counters[stream.protocol] += 1
                spans[stream] = [number, number]
            else:
                spans[stream][1] = number
        for stream, (first, last) in spans.items():
            stream.first_number, stream.last_number = first, last
        _refuse_overlapping_reuse(spans)


def _refuse_overlapping_reuse(spans: dict[StreamRef, list[int]]) -> None:
    """Two TCP connections on the same address/port pair must not overlap in time.

    Wireshark starts a new tcp.stream when a SYN reuses the ports of an earlier
    connection, but frames of the two interleaved would all go to the newer one:
    the stream indexes and the reassembled data would no longer be what we say.
    """
    last_end: dict[frozenset, tuple[int, StreamRef]] = {}
    for stream, (first, last) in spans.items():  # in order of first frame
        key = stream.key
        if stream.protocol != "tcp" or not (isinstance(key, tuple) and len(key) == 4):
            continue
        pair = frozenset(((key[0], key[1]), (key[2], key[3])))
        previous = last_end.get(pair)
        if previous is not None and previous[0] > first:
            raise EvidenceError(
                f"two TCP connections on {key[0]}:{key[1]} <-> {key[2]}:{key[3]} overlap in time "
                f"(frames {first} and {previous[0]}): choose another client port for one of them"
            )
        last_end[pair] = (last, stream)

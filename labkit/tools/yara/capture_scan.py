"""Scan a capture the way an examiner reads it: streams, datagrams, and the files they carried.

Three kinds of object are matched, each on its own, with labkit's network reader
(:mod:`labkit.tools.net`, Wireshark's numbering):

- each direction of each TCP connection, reassembled in sequence order (what Follow TCP
  Stream shows); a gap (bytes never captured) splits it, so no match spans missing data,
  and offsets stay positions in the direction;
- each UDP payload and each ICMP message's data after its 8-byte header (IPv4 fragments
  reassembled first);
- each object ``labkit net extract`` recovers (HTTP bodies de-chunked and decompressed,
  FTP-DATA files, mail messages and decoded attachments), so a rule finds content that
  is gzip- or base64-encoded on the wire. They are written to a private temporary folder
  that is removed afterwards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import yara

from labkit.tools.net.capture_pass import PassListener, run_pass
from labkit.tools.net.decoded_packet import Packet
from labkit.tools.net.object_extraction import extract_objects
from labkit.tools.net.stream_collection import CollectedStream, StreamCollector
from labkit.tools.net.stream_store import StoredDirection
from labkit.tools.yara.matching import HitBudget, ObjectMatches
from labkit.tools.yara.results import CaptureData, ScanMatch
from labkit.tools.yara.scan_tally import ScanTally

DATAGRAM_PROTOCOLS = ("udp", "icmp", "icmpv6")
ICMP_REST_OF_HEADER = 4  # the decoder's ICMP payload starts after type, code and checksum
_READ_SIZE = 1024 * 1024


def scan_capture(path: str | Path, rules: yara.Rules, budget: HitBudget, tally: ScanTally) -> None:
    """Match ``rules`` against every stream direction, datagram and carried object of a capture."""
    datagrams = _DatagramScanner(rules, budget, tally)
    streams = StreamCollector(
        lambda *_: "tcp", lambda collected: _scan_stream(collected, rules, budget, tally)
    )
    report = run_pass(path, [datagrams, streams])
    if report.truncation is not None:
        tally.warn(report.truncation.message())
    if not budget.reached:
        _scan_objects(path, rules, budget, tally)


class _DatagramScanner(PassListener):
    def __init__(self, rules: yara.Rules, budget: HitBudget, tally: ScanTally) -> None:
        self._rules, self._budget, self._tally = rules, budget, tally

    def packet(self, packet: Packet) -> None:
        if packet.protocol not in DATAGRAM_PROTOCOLS or not packet.payload or self._budget.reached:
            return
        ports = packet.protocol == "udp"
        source = packet.src_ip or ""
        target = packet.dst_ip or ""
        described = CaptureData(
            packet.protocol,
            packet.stream if ports else None,
            "",
            endpoint_text(source, packet.src_port) if ports else source,
            endpoint_text(target, packet.dst_port) if ports else target,
            packet.number,
        )
        # ICMP: what follows the 8-byte header (echo data, an error's quoted packet), as tshark shows it
        payload = packet.payload if ports else packet.payload[ICMP_REST_OF_HEADER:]
        if not payload:
            return
        matches = ObjectMatches(self._rules, self._budget)
        matches.match(payload)
        self._tally.count(len(payload))
        self._tally.warn_all(matches.warnings)
        number = packet.number
        for match in matches.results(frame_of=lambda _offset: number):
            self._tally.matches.append(ScanMatch(described, match))


def _scan_stream(collected: CollectedStream, rules: yara.Rules, budget: HitBudget, tally: ScanTally) -> None:
    stream = collected.stream
    try:
        for from_client in (True, False):
            side = collected.direction(from_client)
            if side.length == 0 or budget.reached:
                continue
            sender, receiver = (
                (stream.client, stream.server) if from_client else (stream.server, stream.client)
            )
            described = CaptureData(
                "tcp",
                stream.index,
                "client->server" if from_client else "server->client",
                endpoint_text(*sender),
                endpoint_text(*receiver),
                None,
            )
            matches = ObjectMatches(rules, budget)
            for start, end in _captured_spans(side):
                matches.match_object(_pieces(side, start, end), end - start, start)
            tally.count(side.length)
            tally.warn_all(matches.warnings)
            for match in matches.results(frame_of=lambda offset, side=side: side.frame_at(offset)[0]):
                tally.matches.append(ScanMatch(described, match))
    finally:
        collected.release()


def _captured_spans(side: StoredDirection) -> Iterator[tuple[int, int]]:
    """(start, end) of the stretches between gaps (bytes never captured)."""
    position = 0
    for gap_start, gap_length in side.gaps:
        if gap_start > position:
            yield position, gap_start
        position = gap_start + gap_length
    if side.length > position:
        yield position, side.length


def _pieces(side: StoredDirection, start: int, end: int) -> Iterator[bytes]:
    for position in range(start, end, _READ_SIZE):
        yield side.read(position, min(_READ_SIZE, end - position))


def _scan_objects(path: str | Path, rules: yara.Rules, budget: HitBudget, tally: ScanTally) -> None:
    with tempfile.TemporaryDirectory(prefix="labkit-yara-") as folder:
        report = extract_objects(path, Path(folder) / "objects")
        for item in report.objects:
            if budget.reached:
                return
            described = CaptureData(
                "object",
                item.stream,
                "",
                "",
                "",
                item.frame,
                name=item.name,
                protocol=item.protocol,
                original_name=item.original_name,
            )
            matches = ObjectMatches(rules, budget)
            matches.match_object(_file_pieces(Path(report.output_dir) / item.name), item.size)
            tally.count(item.size)
            tally.warn_all(matches.warnings)
            for match in matches.results():
                tally.matches.append(ScanMatch(described, match))


def endpoint_text(ip: str, port: int) -> str:
    """``10.0.0.1:80``, ``[fd00::1]:80``: as `labkit net search` shows endpoints."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _file_pieces(file: Path) -> Iterator[bytes]:
    with file.open("rb") as stream:
        while piece := stream.read(_READ_SIZE):
            yield piece

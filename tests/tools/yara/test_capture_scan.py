"""Captures: stream directions, datagrams and carried objects, checked against tshark and yara-python."""

from __future__ import annotations

from pathlib import Path

import pytest
import yara
from lab_capture import ATTACHMENT, CLIENT, FTP, Lab
from scapy_sessions import Recorder, TcpSession
from tshark_reference import export_object_hashes, fields, follow_tcp

from labkit.tools.yara import CaptureData, ScanReport, TargetKind, scan_target

TUNNEL = "mzxw6ytboi2gk3tfnzsxg5dfnvqxi2lpnzsxe33t"
RULES = f"""
rule plans {{ strings: $p = "secret plans" condition: $p }}
rule figures {{ strings: $q = "Quarterly figures" condition: $q }}
rule pdf_attachment {{ strings: $pdf = "%PDF-1.4" condition: $pdf at 0 }}
rule tunnel {{ strings: $t = "{TUNNEL}" condition: $t }}
rule form {{ strings: $f = "password=hunter2" condition: $f }}
rule echo {{ strings: $e = "abcdefgh" condition: $e and filesize == 8 }}
"""
COMPILED = yara.compile(source=RULES)


@pytest.fixture(scope="module")
def report(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> ScanReport:
    rules = tmp_path_factory.mktemp("capture-rules") / "net.yar"
    rules.write_text(RULES)
    return scan_target(rules, lab.path, max_hits=5000)


def hits_of(report: ScanReport, source: str) -> list[tuple[CaptureData, str, str, int, int | None]]:
    return [
        (found.target, found.match.rule, hit.identifier, hit.offset, hit.frame)
        for found in report.matches
        if isinstance(found.target, CaptureData) and found.target.source == source
        for hit in found.match.strings
    ]


def reference(data: bytes) -> set[tuple[str, str, int]]:
    return {
        (m.rule, s.identifier, i.offset)
        for m in COMPILED.match(data=data)
        for s in m.strings
        for i in s.instances
    }


def test_tcp_hits_are_offsets_in_follow_tcp_stream(lab: Lab, report: ScanReport) -> None:
    assert report.kind is TargetKind.CAPTURE and not report.warnings
    tcp = hits_of(report, "tcp")
    assert {rule for _, rule, *_ in tcp} == {"plans", "form"}  # gzip/base64 content is not on the wire
    for stream in {target.stream for target, *_ in tcp}:
        assert stream is not None
        client_to_server, server_to_client = follow_tcp(lab.path, stream)
        for direction, data in (("client->server", client_to_server), ("server->client", server_to_client)):
            ours = {
                (rule, ident, offset)
                for t, rule, ident, offset, _ in tcp
                if (t.stream, t.direction) == (stream, direction)
            }
            assert ours == reference(data)
    plans = next(target for target, rule, *_ in tcp if rule == "plans")
    assert (plans.sender, plans.receiver, plans.direction) == (
        f"{CLIENT.ip}:49801",
        f"{FTP.ip}:50001",
        "client->server",
    )


def test_tcp_hit_frames_carry_the_first_matched_byte(lab: Lab, report: ScanReport) -> None:
    clients = {
        int(stream): port
        for stream, port in fields(
            lab.path, "tcp.stream", "tcp.srcport", display_filter="tcp.flags.syn==1 && tcp.flags.ack==0"
        )
    }
    segments = fields(
        lab.path,
        "tcp.stream",
        "frame.number",
        "tcp.srcport",
        "tcp.seq",
        "tcp.len",
        display_filter="tcp.len>0",
    )
    for target, _, _, offset, frame in hits_of(report, "tcp"):
        from_client = target.direction == "client->server"
        carriers = [
            int(number)
            for stream, number, port, seq, length in segments
            if int(stream) == target.stream
            and (port == clients[target.stream]) == from_client
            and int(seq) - 1 <= offset < int(seq) - 1 + int(length)
        ]
        assert [frame] == carriers


def test_datagram_hits_name_the_frame_and_udp_stream(lab: Lab, report: ScanReport) -> None:
    expected = fields(
        lab.path, "frame.number", "udp.stream", "udp.payload", display_filter=f'frame contains "{TUNNEL}"'
    )
    assert len(expected) == 2  # the query and its answer
    wanted = sorted(
        (int(frame), int(stream), rule, ident, offset)
        for frame, stream, payload in expected
        for rule, ident, offset in reference(bytes.fromhex(payload))
    )
    udp = hits_of(report, "udp")
    assert sorted((frame, t.stream, rule, ident, offset) for t, rule, ident, offset, frame in udp) == wanted
    assert all(target.frame == frame for target, *_, frame in udp)
    echo = hits_of(report, "icmp")
    assert len(echo) == 2 and all(target.stream is None and target.sender for target, *_ in echo)


def test_objects_are_what_tshark_exports(lab: Lab, report: ScanReport, tmp_path: Path) -> None:
    objects = {
        (target.name, target.protocol, rule, offset)
        for target, rule, _, offset, _ in hits_of(report, "object")
    }
    assert objects == {
        ("report.txt", "http", "figures", 0),
        ("plans.txt", "ftp-data", "plans", 0),
        ("plans.txt", "ftp-data", "plans", 14),
        ("plans.pdf", "smtp-attachment", "pdf_attachment", 0),
        ("login.php", "http", "form", 14),
    } | {("plans.txt", "ftp-data", "plans", 14 * n) for n in range(2, 500)}
    assert not report.limit_reached
    for kind in ("http", "ftp-data"):
        folder = tmp_path / kind
        export_object_hashes(lab.path, kind, folder)
        exported = {(m.rule, o) for item in folder.iterdir() for m, o in _offsets(item.read_bytes())}
        ours = {(rule, offset) for name, protocol, rule, offset in objects if protocol == kind}
        assert ours == exported
    assert reference(ATTACHMENT) == {("pdf_attachment", "$pdf", 0)}  # Wireshark exports the whole .eml only
    ftp_stream = next(t.stream for t, rule, *_ in hits_of(report, "tcp") if rule == "plans")
    assert {t.stream for t, rule, *_ in hits_of(report, "object") if rule == "plans"} == {ftp_stream}


def _offsets(data: bytes) -> list[tuple[yara.Match, int]]:
    return [(m, i.offset) for m in COMPILED.match(data=data) for s in m.strings for i in s.instances]


def test_no_match_spans_bytes_never_captured(tmp_path: Path) -> None:
    recorder = Recorder()
    session = TcpSession(recorder, CLIENT, FTP, 40000, 9999, client_isn=10, server_isn=20)
    session.connect()
    session.send("client", b"head MARK-ONE SPLIT-")
    session.advance("client", 100)  # a segment the capture missed
    session.send("client", b"MARKER tail MARK-TWO")
    session.close()
    capture = recorder.write_pcap(tmp_path / "gap.pcap")
    rules = tmp_path / "gap.yar"
    rules.write_text(
        "rule mark { strings: $m = /MARK-(ONE|TWO)/ condition: $m }\n"
        "rule split { strings: $s = /SPLIT-\\x00{0,200}MARKER/ condition: $s }"
    )
    report = scan_target(rules, capture)
    hits = [(found.match.rule, hit.offset) for found in report.matches for hit in found.match.strings]
    assert hits == [("mark", 5), ("mark", 20 + 100 + 12)]  # positions as Wireshark's relative seq - 1

"""Extracted objects: the same bytes as tshark's Export Objects, safe names, whole output or none."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest
from lab_capture import ATTACHMENT, CLIENT, FTP_ACTIVE, FTP_DOWNLOAD, FTP_FILE, WEB, Lab, mail_message, sha256
from scapy_sessions import Recorder, TcpSession
from tshark_reference import export_object_hashes

from labkit.errors import CaptureFormatError, OutputExistsError
from labkit.tools.net import extract_objects


def test_objects_equal_tshark_export_objects(any_lab: Lab, tmp_path: Path) -> None:
    report = extract_objects(any_lab.path, tmp_path / "out")
    by_protocol: dict[str, list] = {}
    for item in report.objects:
        by_protocol.setdefault(item.protocol, []).append(item)
        written = (tmp_path / "out" / item.name).read_bytes()
        assert hashlib.sha256(written).hexdigest() == item.sha256 and len(written) == item.size
        assert hashlib.md5(written).hexdigest() == item.md5
    http = export_object_hashes(any_lab.path, "http", tmp_path / "tshark-http")
    assert sorted(item.sha256 for item in by_protocol["http"]) == sorted(http.values())
    ftp = export_object_hashes(any_lab.path, "ftp-data", tmp_path / "tshark-ftp")
    expected_ftp = sorted(sha256(data) for data in (FTP_FILE, FTP_DOWNLOAD, FTP_ACTIVE))  # PASV, EPSV, PORT
    assert sorted(item.sha256 for item in by_protocol["ftp-data"]) == sorted(ftp.values()) == expected_ftp
    assert [item.name for item in by_protocol["ftp-data"]] == ["plans.txt", "report.docx", "notes.txt"]
    imf = export_object_hashes(any_lab.path, "imf", tmp_path / "tshark-imf")
    (mail,) = by_protocol["smtp"]
    assert mail.sha256 == sha256(mail_message())  # as delivered: dot-stuffing removed
    assert [mail.wireshark_sha256] == list(imf.values())  # Wireshark keeps the stuffed dots
    assert mail.name == "Quarterly plans.eml"
    (attachment,) = by_protocol["smtp-attachment"]
    assert (attachment.name, attachment.sha256) == ("plans.pdf", sha256(ATTACHMENT))
    report_txt = next(item for item in by_protocol["http"] if item.name == "report.txt")
    assert report_txt.sha256 == sha256(any_lab.objects["report.txt"])  # de-chunked and gunzipped


def build_hostile(path: Path) -> tuple[Path, bytes]:
    """HTTP objects whose names try to escape, hide or collide; one body raw-deflated."""
    recorder = Recorder()
    session = TcpSession(recorder, CLIENT, WEB, 49000, 80, client_isn=1, server_isn=2)
    session.connect()
    deflated_body = b"deflate me " * 300
    for uri, body, extra in (
        ("/a/..%2F..%2F..%2Fetc%2Fpasswd", b"one", b""),
        ("/x/%1b%5b31mred%0a.txt", b"two", b""),
        ("/", b"<html>index</html>", b""),
        ("/dup/same.bin", b"first", b""),
        ("/other/same.bin", b"second", b""),
        ("/" + "L" * 300 + ".txt", b"long", b""),
        ("/zipped", zlib.compress(deflated_body)[2:-4], b"Content-Encoding: deflate\r\n"),
    ):
        session.send("client", f"GET {uri} HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode())
        session.send(
            "server", b"HTTP/1.1 200 OK\r\n" + extra + b"Content-Length: %d\r\n\r\n" % len(body) + body
        )
    session.close()
    return recorder.write_pcap(path), deflated_body


def test_hostile_names_stay_inside_and_collisions_are_numbered(tmp_path: Path) -> None:
    path, deflated_body = build_hostile(tmp_path / "hostile.pcap")
    out = tmp_path / "out"
    report = extract_objects(path, out)
    names = [item.name for item in report.objects]
    assert sorted(entry.name for entry in out.iterdir()) == sorted(names)
    assert len(set(names)) == len(names) == 7
    for name in names:
        assert "/" not in name and "\\" not in name and name not in (".", "..")
        assert all(ord(character) >= 0x20 for character in name) and len(name.encode()) <= 200
    assert "passwd" in names and "index" in names and {"same.bin", "same (2).bin"} <= set(names)
    zipped = next(item for item in report.objects if item.original_name == "/zipped")
    assert zipped.sha256 == sha256(deflated_body)
    tshark_hashes = export_object_hashes(path, "http", tmp_path / "tshark")
    assert sorted(tshark_hashes.values()) == sorted(item.sha256 for item in report.objects)


def test_output_folder_rules(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.txt").write_bytes(b"the examiner's own notes")
    with pytest.raises(OutputExistsError, match=r"not empty.*--force"):
        extract_objects(lab.path, out)
    report = extract_objects(lab.path, out, force=True, protocols=("http",))
    assert (out / "report.txt").read_bytes() == b"the examiner's own notes"  # never replaced
    renamed = next(item for item in report.objects if item.original_name == "/files/report.txt")
    assert renamed.name == "report (2).txt" and (out / renamed.name).stat().st_size == renamed.size
    assert {item.protocol for item in report.objects} == {"http"}
    assert not [entry for entry in out.iterdir() if entry.name.startswith(".labkit-partial")]


def test_damaged_capture_leaves_nothing_behind(lab: Lab, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pcap"
    data = bytearray(lab.path.read_bytes())
    middle = len(data) // 2
    offset = 24
    while offset < middle:  # find the record header nearest the middle
        offset += 16 + int.from_bytes(data[offset + 8 : offset + 12], "little")
    data[offset + 8 : offset + 12] = (0x7FFFFFFF).to_bytes(4, "little")
    damaged.write_bytes(bytes(data))
    with pytest.raises(CaptureFormatError, match=f"byte offset {offset}"):
        extract_objects(damaged, tmp_path / "out")
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["damaged.pcap"]

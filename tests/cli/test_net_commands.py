"""``labkit net`` end to end through labkit.cli.main.main: tables, plain lines, JSON, errors, warnings."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from labkit.cli.main import main

sys.path.insert(0, str(Path(__file__).parents[1] / "tools" / "net"))

import lab_capture
from tshark_reference import fields


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> lab_capture.Lab:
    return lab_capture.build_lab(tmp_path_factory.mktemp("cli-net") / "lab.pcapng", pcapng=True)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_json(lab: lab_capture.Lab, capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(capsys, "net", "summary", str(lab.path), "--tz", "Asia/Almaty")
    summary = document["summary"]
    assert document["time_zone"] == "Asia/Almaty" and document["truncated"] is None
    assert summary["sha256"] == hashlib.sha256(lab.path.read_bytes()).hexdigest()
    assert summary["file_format"] == "pcapng" and summary["packets"] == len(fields(lab.path, "frame.number"))
    first = fields(lab.path, "frame.time_epoch")[0][0]
    assert summary["first_time"] == "2023-11-15T04:13:20.001000+06:00" and first.startswith("1700000000.001")
    protocols = {item["protocol"]: item["packets"] for item in summary["protocols"]}
    assert {"HTTP", "DNS", "FTP", "SMTP", "POP3", "IMAP", "NTP", "TCP", "UDP", "ICMP", "IPv6"} <= set(
        protocols
    )
    web = next(host for host in summary["hosts"] if host["ip"] == lab_capture.WEB.ip)
    assert web["hostnames"] == ["files.example.com"]


def test_conversations_plain_lines_when_piped(
    lab: lab_capture.Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["net", "conversations", str(lab.path), "--protocol", "tcp", "--sort", "stream"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# Proto\tStream\tAddress A\tAddress B")
    rows = [line.split("\t") for line in lines[1:]]
    streams = sorted({int(row[0]) for row in fields(lab.path, "tcp.stream", display_filter="tcp")})
    assert [int(row[1]) for row in rows] == streams
    assert rows[0][2:4] == [f"{lab_capture.CLIENT.ip}:50042", f"{lab_capture.RESOLVER.ip}:53"]  # DNS over TCP
    assert all(row[10].endswith("+00:00") for row in rows)


def test_http_table_for_people(
    lab: lab_capture.Lab, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "400")
    assert main(["net", "http", str(lab.path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("┏") and "\t" not in out and "/files/report.txt" in out and "curl/8.5.0" in out


def test_dns_creds_and_search(lab: lab_capture.Lab, capsys: pytest.CaptureFixture[str]) -> None:
    domains = run_json(capsys, "net", "dns", str(lab.path), "--domains")["domains"]
    assert domains[0]["domain"] == "evil.co.uk" and domains[0]["unique_names"] == 3
    credentials = run_json(capsys, "net", "creds", str(lab.path))["credentials"]
    assert {(item["protocol"], item["user"], item["password"]) for item in credentials} >= {
        ("ftp", "mallory", "Tr0ub4dor&3"),
        ("http", "analyst", "S3cr3t!"),
        ("imap", "boss", "pass word"),
    }
    hits = run_json(capsys, "net", "search", str(lab.path), "-E", "-i", r"user [a-z]+")["hits"]
    assert [(hit["match"], hit["frame"]) for hit in hits][:1] == [
        ("USER mallory", lab.frames["ftp_pass"] - 4)
    ]
    assert hits[0]["match_hex"] == b"USER mallory".hex() and hits[0]["time"].endswith("+00:00")


def test_extract_then_refuse_a_full_folder(
    lab: lab_capture.Lab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "objects"
    document = run_json(capsys, "net", "extract", str(lab.path), str(out))
    names = sorted(item["name"] for item in document["objects"])
    assert names == sorted(entry.name for entry in out.iterdir())
    assert main(["net", "extract", str(lab.path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty" in err and "--force" in err and "Traceback" not in err
    assert main(["net", "extract", str(lab.path)]) == 2
    assert "give the output folder once" in capsys.readouterr().err


def test_not_a_capture_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "evidence.pcap"
    bogus.write_bytes(b"MZ\x90\x00" + bytes(100))
    assert main(["net", "summary", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"labkit: error: {bogus}: is not a pcap or pcapng capture") and err.count("\n") == 1
    assert main(["net", "dns", str(bogus), "--tz", "Mars/Olympus"]) == 2
    assert "unknown time zone" in capsys.readouterr().err


def test_damage_in_the_middle_is_an_error(
    lab: lab_capture.Lab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(lab.path.read_bytes())
    offset = 0
    blocks = []
    while offset < len(data):
        blocks.append(offset)
        offset += int.from_bytes(data[offset + 4 : offset + 8], "little")
    middle = blocks[len(blocks) // 2]
    data[middle + 4 : middle + 8] = (13).to_bytes(4, "little")  # not a multiple of 4: impossible
    damaged = tmp_path / "damaged.pcapng"
    damaged.write_bytes(bytes(data))
    assert main(["net", "conversations", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert f"byte offset {middle} (frame " in err and "impossible length" in err and err.count("\n") == 1


def test_cut_short_capture_warns_and_reports_what_was_read(
    lab: lab_capture.Lab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(lab.path.read_bytes()[:-7])
    total = len(fields(lab.path, "frame.number"))
    assert main(["net", "summary", str(cut), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["packets"] == total - 1
    assert f"labkit: warning: {cut}: the capture ends inside frame {total}" in captured.err
    assert "editcap" in captured.err and json.loads(captured.out)["truncated"].startswith(str(cut))

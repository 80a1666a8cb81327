"""The reference solver for insider-theft: full marks on generated variants, from the case folder alone.

Generated variants are graded with the key; on seed 1 the answers are also read back
with tshark (display filters, fields, --export-objects) and The Sleuth Kit (fls, icat,
istat). A capture built by hand with scapy, and a stick made with mkfs.fat and mtools,
check that the heuristics do not depend on labkit's generator.
"""

from __future__ import annotations

import base64
import email
import hashlib
import io
import os
import re
import subprocess
import zipfile
from datetime import datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from scapy.layers.dns import DNS, DNSQR, DNSRR
from scapy.layers.inet import UDP
from scapy.utils import wrpcap

import labkit
from labkit import demo
from labkit.errors import UsageError
from labkit.grading import grade_files
from labkit.scenario.catalog import resolve_scenario_path
from labkit.solvers.insider_theft import investigate, solve

from .helpers import Connection, Wire, solve_and_grade, trainee_copy, verified_lab_fixture

SCENARIO = labkit.load_scenario(resolve_scenario_path("insider-theft"))
ALL_QUESTIONS = {f"q{n}" for n in range(1, 21)}


def _run(*args: str) -> str:
    done = subprocess.run(args, check=True, capture_output=True, env={**os.environ, "TZ": "UTC"})
    return done.stdout.decode("utf-8")


def _tshark_fields(
    capture: Path, display_filter: str, *fields: str, options: tuple[str, ...] = ()
) -> list[list[str]]:
    arguments = ["tshark", *options, "-r", str(capture), "-Y", display_filter, "-T", "fields"]
    for name in fields:
        arguments += ["-e", name]
    return [line.split("\t") for line in _run(*arguments).splitlines()]


#: Seed 1, generated with verification on (every key answer read back with tshark and TSK).
seed_one = verified_lab_fixture("insider-theft")


def _solve_and_grade(lab: Path, trainee_dir: Path) -> None:
    solve_and_grade(solve, lab, trainee_dir, ALL_QUESTIONS)


def test_full_marks_on_a_verified_variant(seed_one: Path, tmp_path: Path) -> None:
    _solve_and_grade(seed_one, tmp_path)


@pytest.mark.parametrize(("seed", "lang"), [(2, "ru"), (3, "kk"), (4, "en")])
def test_full_marks_on_other_seeds_and_languages(seed: int, lang: str, tmp_path: Path) -> None:
    labkit.generate(SCENARIO, seed, tmp_path / "lab", lang=lang, verify=False)
    _solve_and_grade(tmp_path / "lab", tmp_path / "trainee")


def _decode_tunnel(names: list[str], zone_labels: int) -> str:
    """The walkthrough's snippet: labels left of the zone, sorted by sequence, base32 decoded."""
    labels = sorted((name.split(".")[:-zone_labels] for name in names), key=lambda ls: int(ls[0][4:], 16))
    data = "".join("".join(ls[1:]) for ls in labels).upper()
    return base64.b32decode(data + "=" * (-len(data) % 8)).decode()


def test_answers_agree_with_tshark_and_the_sleuth_kit(seed_one: Path, tmp_path: Path) -> None:
    case = trainee_copy(seed_one, tmp_path / "case")
    capture = case / "evidence" / "office_span.pcapng"
    answers = investigate(case).answers

    # FTP: the PASS answered by 230 (after a 530), its frame, stream and endpoints.
    rows = _tshark_fields(capture, "ftp.request.command == \"PASS\" || ftp.response.code in {230, 530}",
                          "frame.number", "tcp.stream", "ip.src", "ip.dst", "ftp.request.arg",
                          "ftp.response.code")  # fmt: skip
    codes = [row[5] for row in rows if row[5]]
    assert codes[0] == "530" and codes[-1] == "230"
    accepted = [row for row in rows if not row[5]][-1]
    assert (answers["q5"], answers["q9"], answers["q1"], answers["q2"], answers["q4"]) == tuple(accepted[:5])
    user = _tshark_fields(capture, 'ftp.request.command == "USER"', "ftp.request.arg")
    assert {row[0] for row in user} == {answers["q3"]}

    exported = tmp_path / "objects"
    exports = [("--export-objects", f"{kind},{exported / folder}")
               for kind, folder in (("ftp-data", "ftp"), ("imf", "imf"), ("http", "http"))]  # fmt: skip
    _run("tshark", "-r", str(capture), "-q", *(part for pair in exports for part in pair))
    uploads = {path.name: path.read_bytes() for path in (exported / "ftp").iterdir()}
    assert hashlib.sha256(uploads[answers["q6"]]).hexdigest() == answers["q7"]
    assert sum(len(data) for data in uploads.values()) == int(answers["q8"])
    setup = _tshark_fields(capture, "ftp-data", "tcp.stream", "ftp-data.command")
    first_stream = min(int(stream) for stream, command in setup if command == f"STOR {answers['q6']}")
    assert first_stream == min(int(stream) for stream, _ in setup)  # the first data connection opened

    # SMTP: the message as Wireshark exports it, its attachment, the decoded AUTH password, its SYN.
    (message_file,) = (exported / "imf").iterdir()
    message = email.message_from_bytes(message_file.read_bytes(), policy=policy.default)
    assert message["To"] == answers["q10"]
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == answers["q12"]
    assert hashlib.sha256(attachment.get_content()).hexdigest() == answers["q13"]
    passwords = _tshark_fields(capture, "smtp.auth.password", "smtp.auth.password",
                               options=("-o", "smtp.decryption:TRUE"))  # fmt: skip
    assert passwords == [[answers["q11"]]]
    ((stream,),) = _tshark_fields(capture, 'smtp.req.command == "AUTH"', "tcp.stream")
    (syn,) = _tshark_fields(capture, f"tcp.stream == {stream} && tcp.flags == 0x002", "frame.time_epoch")
    started = datetime.fromisoformat(answers["q14"])
    assert (
        abs(started.timestamp() - float(syn[0])) < 0.001 and started.utcoffset().total_seconds() == 5 * 3600
    )

    # DNS: the TXT queries under the tunnel domain decode to the answer.
    names = [row[0] for row in _tshark_fields(capture, "dns.flags.response == 0 && dns.qry.type == 16",
                                              "dns.qry.name")]  # fmt: skip
    assert names and all(name.endswith("." + answers["q15"]) for name in names)
    assert len(set(names)) == int(answers["q16"])
    assert _decode_tunnel(names, answers["q15"].count(".") + 1) == answers["q17"]

    # HTTP and the stick: the same SHA-256 on both sides; the created time TSK shows.
    (download,) = (exported / "http").iterdir()
    assert hashlib.sha256(download.read_bytes()).hexdigest() == answers["q18"]
    image = str(case / "evidence" / "usb.dd")
    offset = re.search(r"(\d+)\s+\d+\s+\d+\s+Win95 FAT32", _run("mmls", image))
    assert offset is not None
    start = offset.group(1).lstrip("0")
    listing = dict(
        (line.split("\t")[1], line.split()[1].rstrip(":"))
        for line in _run("fls", "-o", start, "-r", "-p", image).splitlines()
    )
    inode = listing[answers["q19"].lstrip("/")]
    icat = subprocess.run(["icat", "-o", start, image, inode], check=True, capture_output=True).stdout
    assert hashlib.sha256(icat).hexdigest() == answers["q18"]
    created = re.search(r"Created:\t(\S+ \S+)", _run("istat", "-o", start, "-z", "Asia/Almaty", image, inode))
    assert created is not None and answers["q20"].startswith(created[1].replace(" ", "T"))


def test_not_a_case_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a case folder"):
        investigate(tmp_path)


def test_a_case_without_a_capture_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "notes.txt").write_text("not a capture\n", encoding="utf-8")
    (tmp_path / "briefing.md").write_text("No zone.\n", encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("q1:\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"no network capture \(pcap or pcapng\)"):
        investigate(tmp_path)


# --- a capture built by hand with scapy, and a stick made with mkfs.fat and mtools -----------------

WORKSTATION = ("10.20.30.40", "02:00:00:00:00:40")
COLLEAGUE = ("10.20.30.41", "02:00:00:00:00:41")
ROUTER_MAC = "02:00:00:00:00:01"
RESOLVER = ("10.20.30.1", ROUTER_MAC)
FTP_SERVER = ("203.0.113.21", ROUTER_MAC)
MAIL_SERVER = ("198.51.100.25", ROUTER_MAC)
WEB_SERVER = ("192.0.2.80", ROUTER_MAC)
START = datetime.fromisoformat("2025-11-03T16:00:00+00:00").timestamp()  # 17:00 in Berlin (CET)


def _dns(wire: Wire, client: tuple[str, str], txid: int, name: str, qtype: str, answer: str) -> None:
    query = DNS(id=txid, rd=1, qd=DNSQR(qname=name, qtype=qtype))
    wire.add(client, RESOLVER, UDP(sport=40000 + txid, dport=53) / query)
    record = DNSRR(rrname=name, type=qtype, ttl=60, rdata=answer)
    wire.add(
        RESOLVER,
        client,
        UDP(sport=53, dport=40000 + txid) / DNS(id=txid, qr=1, rd=1, ra=1, qd=query.qd, an=record),
    )


def _archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


UPLOADS = {"plans.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 30, "budget.ods": b"PK\x03\x04" + b"x" * 3000}
TOOL = _archive({"tool/readme.txt": b"run me", "tool/tool.exe": bytes(range(256)) * 20})
DOCUMENT = _archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 900})
ATTACHMENT = bytes(range(200, 256)) * 50
NOTE = "user=mallory;file=plans.pdf;via=ftp"


def _build_capture(path: Path) -> dict[str, str]:
    """FTP (530 then 230, two passive STORs), SMTP AUTH PLAIN with a Bcc, a hex DNS tunnel, HTTP."""
    wire, expected = Wire(START), {}
    _dns(wire, WORKSTATION, 1, "www.example.org", "A", "93.184.215.14")
    for index in range(30):  # a colleague's CDN lookups: many names, but not from the workstation
        _dns(wire, COLLEAGUE, 100 + index, f"img{index}.static.example-cdn.net", "A", "192.0.2.9")
    ftp = Connection(wire, WORKSTATION, FTP_SERVER, (50100, 21))
    ftp.open()
    ftp.say("server", b"220 (vsFTPd 3.0.3)\r\n")
    for password, reply in (
        ("guess1", b"530 Login incorrect.\r\n"),
        ("s3cret!", b"230 Login successful.\r\n"),
    ):
        ftp.say("client", b"USER mallory\r\n")
        ftp.say("server", b"331 Please specify the password.\r\n")
        expected["q5"] = str(ftp.say("client", f"PASS {password}\r\n".encode()))
        ftp.say("server", reply)
    for number, (name, content) in enumerate(UPLOADS.items()):
        port = 40000 + number
        ftp.say("client", b"PASV\r\n")
        ftp.say("server", f"227 Entering Passive Mode (203,0,113,21,{port >> 8},{port & 255}).\r\n".encode())
        data = Connection(wire, WORKSTATION, FTP_SERVER, (50101 + number, port))
        data.open()
        ftp.say("client", f"STOR {name}\r\n".encode())
        ftp.say("server", b"150 Ok to send data.\r\n")
        data.say("client", content)
        data.close()
        ftp.say("server", b"226 Transfer complete.\r\n")
    ftp.close()

    message = EmailMessage(policy=policy.SMTP)
    message["From"], message["To"], message["Subject"] = (
        "mallory@example.net",
        "fence@example.org",
        "as agreed",
    )
    message.set_content("See attached.\n")
    message.add_attachment(ATTACHMENT, maintype="application", subtype="octet-stream", filename="prices.bin")
    smtp = Connection(wire, WORKSTATION, MAIL_SERVER, (50200, 587))
    syn = smtp.open()
    expected["q14"] = str(wire.packets[syn - 1].time)  # the SYN's epoch seconds
    plain = base64.b64encode(b"\0mallory@example.net\0Winter2025").decode()
    for command, reply in (("", "220 mail.example.net ESMTP"),
                           ("EHLO pc", "250-mail\r\n250 AUTH PLAIN LOGIN"),
                           (f"AUTH PLAIN {plain}", "235 2.7.0 Authentication successful"),
                           ("MAIL FROM:<mallory@example.net>", "250 2.1.0 Ok"),
                           ("RCPT TO:<fence@example.org>", "250 2.1.5 Ok"),
                           ("RCPT TO:<hidden@example.org>", "250 2.1.5 Ok"),
                           ("DATA", "354 End data with <CR><LF>.<CR><LF>")):  # fmt: skip
        if command:
            smtp.say("client", f"{command}\r\n".encode())
        smtp.say("server", f"{reply}\r\n".encode())
    smtp.say("client", message.as_bytes() + b".\r\n")
    smtp.say("server", b"250 2.0.0 Ok: queued\r\n")
    smtp.close()

    for index in range(4):  # check-ins, then the note in hex, 8 bytes per query, out of order
        _dns(
            wire, WORKSTATION, 200 + index, f"{0x1234ABCD + index:08x}.t.exfil-example.com", "A", "127.0.0.2"
        )
    chunks = [NOTE.encode()[start : start + 8].hex() for start in range(0, len(NOTE), 8)]
    for sequence in (1, 0, *range(2, len(chunks))):
        _dns(wire, WORKSTATION, 300 + sequence, f"beef{sequence:04x}.{chunks[sequence]}.t.exfil-example.com",
             "TXT", "ok")  # fmt: skip
    expected["q16"] = str(len(chunks))

    for port, (uri, body) in enumerate((("/dl/tool.bin", TOOL), ("/docs/report.docx", DOCUMENT))):
        web = Connection(wire, WORKSTATION, WEB_SERVER, (50300 + port, 80))
        web.open()
        web.say("client", f"GET {uri} HTTP/1.1\r\nHost: files.example.com\r\n\r\n".encode())
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n"
        web.say("server", head.encode() + b"\r\n" + body)
        web.close()
    wrpcap(str(path), wire.packets)
    return expected


def _mtools(*args: str) -> None:
    subprocess.run(
        args, check=True, capture_output=True, env={**os.environ, "TZ": "UTC", "MTOOLS_SKIP_CHECK": "1"}
    )


def test_heuristics_work_on_evidence_labkit_did_not_make(tmp_path: Path) -> None:
    case = tmp_path / "case"
    (case / "evidence").mkdir(parents=True)
    expected = _build_capture(case / "evidence" / "span.pcap")
    stick = case / "evidence" / "stick.img"
    subprocess.run(["mkfs.fat", "-C", str(stick), "4096"], check=True, capture_output=True)
    for name, data in (("tool.bin", TOOL), ("report.docx", DOCUMENT)):
        (tmp_path / name).write_bytes(data)
    _mtools("mmd", "-i", str(stick), "::/stuff")
    _mtools("mcopy", "-i", str(stick), str(tmp_path / "tool.bin"), "::/stuff/renamed.bin")
    _mtools("mcopy", "-i", str(stick), str(tmp_path / "report.docx"), "::/report.docx")
    (case / "briefing.md").write_text("The office keeps time in Europe/Berlin.\n", encoding="utf-8")
    (case / "answers.yaml").write_text("".join(f"q{n}:\n" for n in range(1, 21)), encoding="utf-8")

    solution = investigate(case)
    answers = solution.answers

    assert (answers["q1"], answers["q2"], answers["q3"], answers["q4"]) == (
        WORKSTATION[0], FTP_SERVER[0], "mallory", "s3cret!")  # fmt: skip
    assert (answers["q5"], answers["q6"], answers["q9"]) == (expected["q5"], "plans.pdf", "0")
    assert answers["q7"] == hashlib.sha256(UPLOADS["plans.pdf"]).hexdigest()
    assert answers["q8"] == str(sum(len(data) for data in UPLOADS.values()))
    assert answers["q10"] == "fence@example.org, hidden@example.org"  # the envelope, Bcc included
    assert (answers["q11"], answers["q12"]) == ("Winter2025", "prices.bin")
    assert answers["q13"] == hashlib.sha256(ATTACHMENT).hexdigest()
    assert answers["q14"].endswith("+01:00")
    assert datetime.fromisoformat(answers["q14"]).timestamp() == pytest.approx(
        float(expected["q14"]), abs=1e-6
    )
    assert (answers["q15"], answers["q16"], answers["q17"]) == ("exfil-example.com", expected["q16"], NOTE)
    assert answers["q18"] == hashlib.sha256(TOOL).hexdigest()  # the plain ZIP, not the larger .docx
    assert answers["q19"].lower() == "/stuff/renamed.bin"  # found by content, whatever its name
    listing = _run("fls", "-r", "-p", str(stick))
    inode = next(line.split()[1].rstrip(":") for line in listing.splitlines() if line.endswith("renamed.bin"))
    created = re.search(r"Created:\t(\S+ \S+)", _run("istat", str(stick), inode))
    assert created is not None and answers["q20"].startswith(created[1].replace(" ", "T"))
    assert solution.zone == "Europe/Berlin" and solution.image == stick


def test_the_demo_runs_the_loop_for_this_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lab"

    code = demo.main(["--scenario", "insider-theft", "--seed", "2", "--out", str(out)])

    printed = capsys.readouterr().out.replace("\n", "")  # rich wraps long lines at the test's width
    assert code == 0
    assert "check it with tshark and The Sleuth Kit" in printed and "Total: 20/20 (100.0%)" in printed
    capture = out / "case" / "evidence" / "office_span.pcapng"
    assert f"Try: labkit net creds --tz Asia/Almaty {capture}" in printed
    assert grade_files(out / "key.json", out / "case" / "answers.yaml").percentage == 100.0

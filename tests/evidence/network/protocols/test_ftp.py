"""FTP control conversations: tshark's view of commands, passive ports and the data connections."""

from __future__ import annotations

import hashlib
from pathlib import Path
from random import Random

import pytest
from protocol_captures import SERVER, column, expert_problems, fields, tcp_capture

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.ftp import COMMAND_LINE, FILEZILLA, FTPLIB, FtpTransfer, ftp_session
from labkit.evidence.network.protocols.ftp_servers import FILEZILLA_SERVER, PROFTPD, VSFTPD
from labkit.evidence.network.protocols.script import DataConnection, Say, marked, transcript

LISTING = b"-rw-r--r--    1 1000     1000         1234 Jan 08 10:00 notes.txt\r\n"
UPLOAD = Random(8).randbytes(7000)
DOWNLOAD = b"meeting at 10:00\n" * 300
TRANSFERS = [
    FtpTransfer("LIST", LISTING, 50123),
    FtpTransfer("STOR", UPLOAD, 50124, "отчёт.zip", mark="exfiltration"),
    FtpTransfer("RETR", DOWNLOAD, 50125, "notes.txt"),
]


def _session(**options: object) -> list:
    arguments: dict[str, object] = {"server_ip": SERVER[1], "username": "alice", "password": "S3cret!"}
    return ftp_session(Random(1), transfers=TRANSFERS, **(arguments | options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def vsftpd_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    steps = _session(server=VSFTPD, client=FTPLIB, wrong_passwords=["alice123", "password"])
    return tcp_capture(tmp_path_factory.mktemp("ftp") / "ftp.pcap", steps, server_port=21)


def test_ftplib_against_vsftpd_as_tshark_sees_it(vsftpd_capture: Path) -> None:
    assert expert_problems(vsftpd_capture) == []
    assert column(vsftpd_capture, "ftp.request.command") == [
        "USER",
        "PASS",
        "USER",
        "PASS",
        "USER",
        "PASS",
        "TYPE",
        "PASV",
        "LIST",
        "TYPE",
        "PASV",
        "STOR",
        "PASV",
        "RETR",
        "QUIT",
    ]
    assert column(vsftpd_capture, "ftp.passive.port") == ["50123", "50124", "50125"]
    assert column(vsftpd_capture, "ftp.passive.ip") == [SERVER[1]] * 3
    codes = column(vsftpd_capture, "ftp.response.code")
    assert codes[:8] == ["220", "331", "530", "331", "530", "331", "230", "200"]
    assert codes[-1] == "221"


def test_credentials_cross_in_clear(vsftpd_capture: Path) -> None:
    rows = fields(vsftpd_capture, "ftp.request.arg", display_filter='ftp.request.command == "PASS"')
    assert [row[0] for row in rows] == ["alice123", "password", "S3cret!"]


def test_data_connections_carry_the_files(vsftpd_capture: Path) -> None:
    """Each DataConnection is its own tcp.stream that tshark ties to the command (ftp-data.command)."""
    payloads: dict[str, bytes] = {}
    for command, payload in fields(
        vsftpd_capture, "ftp-data.command", "tcp.payload", display_filter="ftp-data"
    ):
        payloads[command] = payloads.get(command, b"") + bytes.fromhex(payload)
    assert set(payloads) == {"LIST", "STOR отчёт.zip", "RETR notes.txt"}
    assert hashlib.sha256(payloads["STOR отчёт.zip"]).digest() == hashlib.sha256(UPLOAD).digest()
    assert payloads["RETR notes.txt"] == DOWNLOAD and payloads["LIST"] == LISTING


@pytest.mark.parametrize("server", [VSFTPD, PROFTPD, FILEZILLA_SERVER], ids=lambda server: server.name)
def test_filezilla_client_against_each_server(server: object, tmp_path: Path) -> None:
    steps = _session(server=server, client=FILEZILLA)
    capture = tcp_capture(tmp_path / "ftp.pcap", steps, server_port=21)
    assert expert_problems(capture) == []
    commands = column(capture, "ftp.request.command")
    assert commands[:8] == ["AUTH", "AUTH", "USER", "PASS", "SYST", "FEAT", "OPTS", "PWD"]
    assert column(capture, "ftp.passive.port") == ["50123", "50124", "50125"]
    replies = transcript(steps, "server").decode()
    assert "{" not in replies  # every template field filled
    banner = server.banner.format(ip=SERVER[1], mapped_ip=f"::ffff:{SERVER[1]}")  # type: ignore[attr-defined]
    assert replies.startswith(banner)


def test_command_line_client_waits_like_a_person() -> None:
    steps = _session(server=PROFTPD, client=COMMAND_LINE, wrong_passwords=["qwerty"])
    says = [step for step in steps if isinstance(step, Say)]
    user_lines = [say for say in says if say.data.startswith(b"USER")]
    assert all(say.think_us >= 2_000_000 for say in user_lines)
    failed = next(index for index, say in enumerate(says) if say.data.startswith(b"530"))
    assert says[failed].think_us >= 400_000  # ProFTPD's mod_delay
    assert b"230 User alice logged in\r\n" in transcript(steps, "server")


def test_marks_point_at_login_and_transfers() -> None:
    steps = _session(server=VSFTPD, client=FTPLIB, wrong_passwords=["x"])
    assert [step.data for step in marked(steps, "login")] == [b"PASS S3cret!\r\n"]
    assert [step.data for step in marked(steps, "login_failed")] == [b"PASS x\r\n"]
    exfiltration = marked(steps, "exfiltration")
    assert isinstance(exfiltration[1], DataConnection) and exfiltration[1].sender == "client"
    assert exfiltration[1].server_port == 50124 and exfiltration[1].data == UPLOAD
    retr = marked(steps, "retr")
    assert isinstance(retr[1], DataConnection) and retr[1].sender == "server"


def test_ipv6_uses_epsv() -> None:
    steps = ftp_session(
        Random(1),
        server_ip="2001:db8::20",
        username="u",
        password="p",
        transfers=[FtpTransfer("RETR", b"x", 40000, "f")],
        client=FTPLIB,
    )
    text = transcript(steps, "server").decode()
    assert "229 Entering Extended Passive Mode (|||40000|)\r\n" in text
    assert b"EPSV\r\n" in transcript(steps, "client")


def test_same_seed_same_script_and_clear_errors() -> None:
    assert _session(client=FTPLIB) == _session(client=FTPLIB)
    with pytest.raises(PayloadValueError, match="closes the connection"):
        _session(client=FILEZILLA, wrong_passwords=["x"])
    with pytest.raises(PayloadValueError, match="CR, LF"):
        _session(password="a\r\nDELE x")
    with pytest.raises(PayloadValueError, match="1024"):
        ftp_session(
            Random(1),
            server_ip=SERVER[1],
            username="u",
            password="p",
            transfers=[FtpTransfer("LIST", b"", 21)],
        )

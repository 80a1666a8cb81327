"""Mail: the MIME message read by Python's email parser, the SMTP session read by tshark."""

from __future__ import annotations

import email
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from random import Random

import pytest
from protocol_captures import column, expert_problems, fields, tcp_capture, tshark

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.smtp import (
    SMTPLIB,
    Attachment,
    Mailbox,
    dot_stuff,
    mime_message,
    smtp_session,
    thunderbird_boundary,
    thunderbird_message_id,
)

ALMATY = timezone(timedelta(hours=5))
SUBJECT = "Отчёт за квартал — Тоқсандық есеп (финальная версия, не пересылать)"
TEXT = "Добрый день!\n.Эта строка начинается с точки.\nСәлеметсіз бе, құжаттар қосымшада.\n"
PDF = Random(5).randbytes(6000)
LONG_NAME = "Отчёт за декабрь 2023 года — финальная версия.pdf"


def _message(text_encoding: str = "quoted-printable", attachments: bool = True) -> bytes:
    rng = Random(11)
    return mime_message(
        sender=Mailbox("aigerim@example.kz", "Айгерим Сапарова"),
        to=[Mailbox("boss@example.kz", "Иван Петров"), Mailbox("x@пример.рф")],
        cc=[Mailbox("audit@example.com", "Smith, John")],
        subject=SUBJECT,
        date=datetime(2024, 1, 8, 10, 15, 42, tzinfo=ALMATY),
        message_id=thunderbird_message_id(rng, "example.kz"),
        text=TEXT,
        attachments=[
            Attachment(LONG_NAME, PDF, "application/pdf"),
            Attachment("notes.txt", b"plain\n", "text/plain"),
        ]
        if attachments
        else [],
        boundary=thunderbird_boundary(rng),
        content_language="ru",
        text_encoding=text_encoding,  # type: ignore[arg-type]
    )


def _parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64", "8bit"])
def test_email_parser_reads_back_every_field(encoding: str) -> None:
    data = _message(encoding)
    assert b"\n" not in data.replace(b"\r\n", b"")
    message = _parse(data)
    assert message.defects == []
    assert str(message["Subject"]) == SUBJECT
    assert message["From"].addresses[0].display_name == "Айгерим Сапарова"
    assert [address.addr_spec for address in message["To"].addresses] == [
        "boss@example.kz",
        "x@xn--e1afmkfd.xn--p1ai",
    ]
    assert message["Cc"].addresses[0].display_name == "Smith, John"
    assert message["Date"].datetime == datetime(2024, 1, 8, 5, 15, 42, tzinfo=UTC)
    assert message["Message-ID"].endswith("@example.kz>")
    assert message.get_content_type() == "multipart/mixed"
    body, pdf, notes = message.iter_parts()
    assert body["Content-Transfer-Encoding"] == encoding
    assert body.get_content().replace("\r\n", "\n") == TEXT
    assert pdf.get_filename() == LONG_NAME and pdf.get_content() == PDF
    assert notes.get_filename() == "notes.txt" and notes.get_content() == "plain\n"


def test_thunderbird_layout_and_line_limits() -> None:
    data = _message()
    head = data.split(b"\r\n\r\n")[0].decode("ascii")
    names = [line.split(":")[0] for line in head.split("\r\n") if not line.startswith(" ")]
    assert names == [
        "Content-Type",
        "Message-ID",
        "Date",
        "MIME-Version",
        "User-Agent",
        "Content-Language",
        "To",
        "Cc",
        "From",
        "Subject",
    ]
    assert "Date: Mon, 8 Jan 2024 10:15:42 +0500" in head
    assert all(len(line) <= 76 for line in head.split("\r\n") if "=?UTF-8?B?" in line and "name=" not in line)
    pdf_part = data.split(b"Content-Transfer-Encoding: base64\r\n\r\n")[1].split(b"\r\n\r\n--")[0]
    lines = pdf_part.split(b"\r\n")
    assert {len(line) for line in lines[:-1]} == {76} and 0 < len(lines[-1]) <= 76
    assert b"filename*0*=UTF-8''%D0%9E" in data


def test_plain_message_without_attachments_is_single_part() -> None:
    message = _parse(_message(attachments=False))
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    assert message.get_content().replace("\r\n", "\n") == TEXT


def test_dot_stuffing() -> None:
    assert dot_stuff(b"a\r\n.b\r\n..c\r\nd") == b"a\r\n..b\r\n...c\r\nd\r\n"
    with pytest.raises(PayloadValueError, match="CRLF"):
        dot_stuff(b"a\nb")


@pytest.fixture(scope="module")
def smtp_capture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    message = _message("8bit")  # the 8bit text has a line starting with '.': stuffing is exercised
    steps = smtp_session(
        Random(2),
        server_name="mail.example.kz",
        helo_name="[192.168.56.10]",
        mail_from="aigerim@example.kz",
        recipients=["boss@example.kz", "audit@example.com"],
        message=message,
        username="aigerim@example.kz",
        password="Qwerty123!",
        wrong_passwords=["qwerty"],
    )
    return tcp_capture(tmp_path_factory.mktemp("smtp") / "smtp.pcap", steps, server_port=587), message


def test_tshark_sees_the_smtp_session(smtp_capture: tuple[Path, bytes]) -> None:
    capture, _ = smtp_capture
    assert expert_problems(capture) == []
    assert column(capture, "smtp.req.command") == [
        "EHLO",
        "AUTH",
        "AUTH",
        "MAIL",
        "RCPT",
        "RCPT",
        "DATA",
        "QUIT",
    ]
    codes = column(capture, "smtp.response.code")
    assert codes[:6] == ["220", "250", "334", "334", "535", "334"] and codes[-2:] == ["250", "221"]


def test_auth_login_credentials_decode_in_tshark(smtp_capture: tuple[Path, bytes]) -> None:
    capture, _ = smtp_capture
    decoded = ["-o", "smtp.decryption:TRUE"]
    assert column(capture, "smtp.auth.username", options=decoded) == ["aigerim@example.kz"] * 2
    assert column(capture, "smtp.auth.password", options=decoded) == ["qwerty", "Qwerty123!"]
    assert column(capture, "smtp.auth.password") == [
        "cXdlcnR5",
        "UXdlcnR5MTIzIQ==",
    ]  # default: base64 as sent


def test_exported_imf_object_is_the_dot_stuffed_message(
    smtp_capture: tuple[Path, bytes], tmp_path: Path
) -> None:
    """tshark 4.0 exports the DATA content as sent (still dot-stuffed, without the final '.'):
    an answer key hashes ``dot_stuff(message)``, which equals the message when no line starts with '.'."""
    capture, message = smtp_capture
    tshark(capture, "-q", "--export-objects", f"imf,{tmp_path}")
    (exported,) = list(tmp_path.iterdir())
    assert exported.suffix == ".eml"
    assert hashlib.sha256(exported.read_bytes()).hexdigest() == hashlib.sha256(dot_stuff(message)).hexdigest()
    assert fields(capture, "imf.user_agent")[0][0].endswith("Thunderbird/115.6.0")


def test_thunderbird_and_smtplib_word_commands_differently() -> None:
    common = {
        "server_name": "mx.example.kz",
        "helo_name": "ws-07.corp.example.kz",
        "mail_from": "a@example.kz",
        "recipients": ["b@example.kz"],
        "message": b"Subject: x\r\n\r\nhi\r\n",
        "username": "a",
        "password": "p",
    }
    thunderbird = b"".join(say.data for say in smtp_session(Random(1), **common) if say.sender == "client")  # type: ignore[arg-type]
    script = b"".join(
        say.data
        for say in smtp_session(Random(1), client=SMTPLIB, auth="plain", **common)
        if say.sender == "client"
    )  # type: ignore[arg-type]
    assert b"MAIL FROM:<a@example.kz> BODY=8BITMIME SIZE=18\r\n" in thunderbird
    assert script.startswith(
        b"ehlo ws-07.corp.example.kz\r\nAUTH PLAIN AGEAcA==\r\nmail FROM:<a@example.kz>\r\n"
    )
    assert script.endswith(b"quit\r\n")


def test_deterministic_and_validated() -> None:
    assert _message() == _message()
    with pytest.raises(PayloadValueError, match="Message-ID"):
        mime_message(
            sender=Mailbox("a@b.kz"),
            to=[Mailbox("c@d.kz")],
            subject="s",
            message_id="nope",
            date=datetime(2024, 1, 1, tzinfo=UTC),
            text="t",
        )
    with pytest.raises(PayloadValueError, match="boundary"):
        mime_message(
            sender=Mailbox("a@b.kz"),
            to=[Mailbox("c@d.kz")],
            subject="s",
            message_id="<1@b.kz>",
            date=datetime(2024, 1, 1, tzinfo=UTC),
            text="t",
            attachments=[Attachment("f", b"x")],
        )
    with pytest.raises(PayloadValueError, match="ASCII local part"):
        Mailbox("айгерим@example.kz")

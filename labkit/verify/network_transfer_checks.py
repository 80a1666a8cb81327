"""File transfers read back with tshark: FTP logins and files, SMTP logins and mails.

Credentials are the ones the server accepted (the PASS answered 230; the AUTH exchange tshark decodes
with ``smtp.decryption``); files are the objects tshark exports (``ftp-data``, ``imf``), and a mail's
parts are decoded by Python's ``email`` package, never by labkit's writers.
"""

from __future__ import annotations

import hashlib
import re
from email.utils import parsedate_to_datetime
from typing import ClassVar

from labkit.verify import exported_objects as objects
from labkit.verify.network_views import ConnectionView, NotShown, iso, need
from labkit.verify.tshark_cli import Frame


class FtpView(ConnectionView):
    """An FTP control connection (anchor: ``tcp_stream``); files from ``--export-objects ftp-data``."""

    kind = "ftp.transfer"
    signature = frozenset({"login_frame", "files_count"})
    tools: ClassVar[dict[str, str]] = {
        **{f"file_{name}": "tshark --export-objects ftp-data" for name in ("size", "md5", "sha256")},
        "bytes_uploaded": "tshark --export-objects ftp-data",
    }

    def login(self) -> tuple[Frame, Frame]:
        """(USER, PASS) frames of the login the server answered 230."""
        user = password = None
        for frame in self.stream():
            command = frame.get("ftp.request.command")
            if command in ("USER", "PASS"):
                user, password = (frame, None) if command == "USER" else (user, frame)
            elif "230" in frame.all("ftp.response.code") and user and password:
                return user, password
        raise NotShown("no PASS answered 230")

    def transfers(self) -> list[Frame]:
        return [f for f in self.stream() if f.get("ftp.request.command") in ("STOR", "RETR")]

    def file(self, command: Frame) -> bytes:
        return need(objects.ftp_data(self.capture, command), "tshark exported no data for the transfer")

    def first_file(self) -> bytes:
        return self.file(need(self.transfers(), "no STOR or RETR")[0])

    def fact_user(self) -> str | None:
        return self.login()[0].get("ftp.request.arg")

    def fact_password(self) -> str | None:
        return self.login()[1].get("ftp.request.arg")

    def fact_login_frame(self) -> int:
        return self.login()[1].first_segment

    def fact_login_time(self) -> str:
        return iso(self.login()[1].time_us)

    def fact_file_name(self) -> str | None:
        return need(self.transfers(), "no STOR or RETR")[0].get("ftp.request.arg")

    def fact_file_size(self) -> int:
        return len(self.first_file())

    def fact_file_md5(self) -> str:
        return hashlib.md5(self.first_file()).hexdigest()

    def fact_file_sha256(self) -> str:
        return hashlib.sha256(self.first_file()).hexdigest()

    def fact_files_count(self) -> int:
        return len(self.transfers())

    def fact_bytes_uploaded(self) -> int:
        return sum(len(self.file(f)) for f in self.transfers() if f.get("ftp.request.command") == "STOR")

    def fact_data_stream(self) -> int | None:
        """The connection whose data tshark ties (``ftp-data.command-frame``) to the first transfer."""
        command = str(need(self.transfers(), "no STOR or RETR")[0].number)
        data = next((f for f in self.capture.frames if command in f.all("ftp-data.command-frame")), None)
        return need(data, "no ftp-data for the transfer").integer("tcp.stream")

    def fact_server_software(self) -> str:
        banner = self.first_with("ftp.response.code", "220").get("ftp.response.arg") or ""
        known = [name for name in ("vsftpd", "proftpd", "filezilla") if name in banner.lower()]
        return need(known, f"banner {banner!r} names no known server")[0]


class SmtpView(ConnectionView):
    """A mail submission (anchor: ``tcp_stream``); the message from ``--export-objects imf``."""

    kind = "smtp.send"
    signature = frozenset({"message_sha256", "auth_frame"})
    tool = "tshark -T fields -o smtp.decryption:TRUE"
    tools: ClassVar[dict[str, str]] = {
        fact: "tshark --export-objects imf + email"
        for fact in (
            *("message_sha256", "message_size", "message_id", "subject", "date"),
            *(f"attachment_{name}" for name in ("name", "size", "md5", "sha256")),
        )
    }

    def auth(self) -> tuple[Frame, str, str]:
        """(frame, user, password) of the AUTH exchange tshark decodes."""
        for frame in self.stream():
            if frame.get("smtp.auth.username_password"):  # AUTH PLAIN, shown as "user password"
                user, _, password = (frame.get("smtp.auth.username_password") or "").partition(" ")
                return frame, user, password
            if frame.get("smtp.auth.password"):
                user = next(
                    (f.get("smtp.auth.username") for f in self.stream() if f.get("smtp.auth.username")), ""
                )
                return frame, user or "", frame.get("smtp.auth.password") or ""
        raise NotShown("no AUTH credentials")

    def raw(self) -> bytes:
        message_id = self.first_with("imf.message_id").get("imf.message_id") or ""
        return need(objects.imf_message(self.capture, message_id), "tshark exported no such message")

    def attachment(self) -> tuple[str, bytes]:
        return need(objects.attachments(objects.parse_mail(self.raw())), "the message has no attachment")[0]

    def envelope(self, command: str) -> list[str]:
        values = [
            f.get("smtp.req.parameter") or "" for f in self.stream() if f.get("smtp.req.command") == command
        ]
        return [match[1] for value in values if (match := re.search(r"<([^>]*)>", value))]

    def fact_user(self) -> str:
        return self.auth()[1]

    def fact_password(self) -> str:
        return self.auth()[2]

    def fact_auth_frame(self) -> int:
        return self.auth()[0].first_segment

    def fact_sender(self) -> str:
        return need(self.envelope("MAIL"), "no MAIL FROM")[0]

    def fact_recipients(self) -> str:
        return ", ".join(need(self.envelope("RCPT"), "no RCPT TO"))

    def fact_data_frame(self) -> int:
        """The client's first segment after the server's 354 (the start of the message)."""
        data = self.payload_after(self.first_with("smtp.response.code", "354"), self.syn().source)
        return need(data, "nothing sent after 354").number

    def fact_message_sha256(self) -> str:
        return hashlib.sha256(self.raw()).hexdigest()

    def fact_message_size(self) -> int:
        return len(objects.unstuff(self.raw()))

    def fact_message_id(self) -> str:
        return str(objects.parse_mail(self.raw())["Message-ID"])

    def fact_subject(self) -> str:
        return str(objects.parse_mail(self.raw())["Subject"])

    def fact_date(self) -> str:
        return parsedate_to_datetime(str(objects.parse_mail(self.raw())["Date"])).isoformat()

    def fact_attachment_name(self) -> str:
        return self.attachment()[0]

    def fact_attachment_size(self) -> int:
        return len(self.attachment()[1])

    def fact_attachment_md5(self) -> str:
        return hashlib.md5(self.attachment()[1]).hexdigest()

    def fact_attachment_sha256(self) -> str:
        return hashlib.sha256(self.attachment()[1]).hexdigest()

"""A mail message's subject and attachments, decoded by Python's ``email`` package.

Attachments are the parts with a filename or ``Content-Disposition: attachment``,
their transfer encoding (base64, quoted-printable) removed. A forwarded message
(``message/rfc822``) is kept whole. Messages above a size ceiling are not parsed
(the .eml is still written) so a hostile capture cannot exhaust memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import cast

MAX_PARSED_MESSAGE = 256 * 1024 * 1024


@dataclass(frozen=True)
class MailAttachment:
    filename: str  # as the message names it ("" when it gives none)
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MailContents:
    subject: str
    sender: str
    attachments: tuple[MailAttachment, ...]
    problem: str = ""


def read_mail(path: Path) -> MailContents:
    """Subject, From and attachments of the message stored at ``path``."""
    size = path.stat().st_size
    if size > MAX_PARSED_MESSAGE:
        return MailContents(
            "", "", (), f"message larger than {MAX_PARSED_MESSAGE} bytes: attachments not extracted"
        )
    with path.open("rb") as stream:
        message = cast(EmailMessage, BytesParser(policy=policy.default).parse(stream))
    attachments = []
    problem = ""
    for part in message.walk():
        if part.is_multipart() and part.get_content_type() != "message/rfc822":
            continue
        filename = part.get_filename() or ""
        if not filename and part.get_content_disposition() != "attachment":
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:
            problem = f"an attachment could not be decoded: {exc}"
            continue
        if data is None:  # message/rfc822 and other containers
            data = part.as_bytes(policy=policy.compat32) if part.is_multipart() else b""
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                data = inner[0].as_bytes(policy=policy.compat32)
        attachments.append(MailAttachment(str(filename), part.get_content_type(), data))
    return MailContents(_header(message, "Subject"), _header(message, "From"), tuple(attachments), problem)


def mail_subject(head: bytes) -> str:
    """The Subject of a message from its first bytes (the header section)."""
    end = head.find(b"\r\n\r\n")
    section = head[: end + 4] if end >= 0 else head
    headers = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(section, headersonly=True))
    return _header(headers, "Subject")


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:
        raw = message.get_all(name, failobj=[""])
        return str(raw[0]) if raw else ""

"""Mail sent over SMTP in a capture, with its envelope and its attachments.

``labkit net extract`` saves each message as an .eml and each attachment beside it,
naming the message it came from; the envelope (MAIL FROM, RCPT TO: who the server
was asked to deliver to, Bcc included) is in the message's source line. This module
puts those pieces back together per message.
"""

from __future__ import annotations

from dataclasses import dataclass

from labkit.solvers.capture_reading import CaptureReading
from labkit.tools.net import ConversationRow, ExtractedObject

_ENVELOPE_PREFIX = "mail from "
_ENVELOPE_SEPARATOR = " to "  # addresses hold no unquoted spaces, so this splits sender from recipients


@dataclass(frozen=True)
class SentMail:
    """One message as it crossed the wire, with the attachments decoded out of it."""

    message: ExtractedObject
    attachments: tuple[ExtractedObject, ...]
    sender: str
    recipients: tuple[str, ...]
    connection: ConversationRow | None  # the SMTP connection (client = address A)


def sent_mail(reading: CaptureReading) -> list[SentMail]:
    """Every SMTP message in the capture, in frame order."""
    mails = []
    for carried in reading.objects:
        if carried.protocol != "smtp":
            continue
        attachments = tuple(
            other
            for other in reading.objects
            if other.protocol == "smtp-attachment"
            and other.stream == carried.stream
            and other.source == f"attachment of {carried.name}"
        )
        sender, recipients = envelope(carried.source)
        mails.append(SentMail(carried, attachments, sender, recipients, reading.conversation(carried.stream)))
    return mails


def envelope(source: str) -> tuple[str, tuple[str, ...]]:
    """(MAIL FROM, RCPT TO addresses) from ``labkit net extract``'s "mail from A to B, C"."""
    text = source.removeprefix(_ENVELOPE_PREFIX)
    sender, _, recipients = text.partition(_ENVELOPE_SEPARATOR)  # "mail from  to B": no sender (<>)
    return sender.strip(), tuple(address.strip() for address in recipients.split(",") if address.strip())

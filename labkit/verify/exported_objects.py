"""Objects tshark rebuilt from a capture (``--export-objects``), matched to the message that carried them.

tshark writes each protocol's objects into one folder, named after the URI, the STOR/RETR argument or
the mail's subject, with ``(1)``, ``(2)``... inserted before the extension for repeats, in frame order.
The message a check is about is found in the field table, then its file by the same naming rule; mails
are matched by the Message-ID tshark shows in the conversation. MIME is decoded by Python's ``email``
package, never by labkit's own writers.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from labkit.verify.tshark_cli import Frame, TsharkCapture

#: Characters tshark's ``eo_massage_str`` writes as ``%xx`` (unsafe in a file name on some system).
_REJECTED = set('<>:"/\\|?*') | {chr(c) for c in range(1, 32)}


def export_name(name: str, duplicate: int = 0) -> str:
    """The file name tshark gives an object called ``name``, the ``duplicate``-th time it occurs."""
    safe = "".join(f"%{ord(c):02x}" if c in _REJECTED else c for c in name)
    if not duplicate:
        return safe
    stem, dot, extension = safe.rpartition(".")
    return f"{stem}({duplicate}).{extension}" if dot else f"{safe}({duplicate})"


def base_name(path: str) -> str:
    """GLib's ``g_path_get_basename``, which tshark uses for an HTTP object's name."""
    if not path:
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


def _has_body(frame: Frame) -> bool:
    length = frame.get("http.content_length_header")
    chunked = any("chunked" in value.lower() for value in frame.all("http.transfer_encoding"))
    return chunked or (length is not None and length.strip().isdigit() and int(length) > 0)


def _request_target(capture: TsharkCapture, frame: Frame) -> str | None:
    if frame.get("http.request.method"):
        return frame.get("http.request.uri")
    request = capture.frame(frame.integer("http.request_in"))
    return request.get("http.request.uri") if request else None


def http_body(capture: TsharkCapture, message: Frame) -> bytes | None:
    """The body tshark exported for the HTTP message completed in ``message``; b"" when it has none."""
    if not _has_body(message):
        return b""
    names: dict[str, int] = {}
    for frame in capture.frames:
        if not (frame.get("http.request.method") or frame.get("http.response.code")) or not _has_body(frame):
            continue
        name = base_name(_request_target(capture, frame) or "")
        duplicate = names.get(name, 0)
        names[name] = duplicate + 1
        if frame.number == message.number:
            return capture.exported("http").get(export_name(name, duplicate))
    return None


def ftp_data(capture: TsharkCapture, command: Frame) -> bytes | None:
    """The file tshark exported for the data connection a STOR/RETR ``command`` opened."""
    names: dict[str, int] = {}
    for frame in capture.frames:
        if frame.get("ftp.request.command") not in ("STOR", "RETR"):
            continue
        name = frame.get("ftp.request.arg") or ""
        duplicate = names.get(name, 0)
        names[name] = duplicate + 1
        if frame.number == command.number:
            exported = capture.exported("ftp-data")
            return exported.get(
                export_name(name, duplicate), exported.get(export_name(base_name(name), duplicate))
            )
    return None


def unstuff(data: bytes) -> bytes:
    """Undo SMTP dot-stuffing (RFC 5321 4.5.2): tshark exports the DATA content as it was sent."""
    return b"\r\n".join(line[1:] if line.startswith(b"..") else line for line in data.split(b"\r\n"))


def parse_mail(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(unstuff(raw), policy=email.policy.default)  # type: ignore[return-value]


def imf_message(capture: TsharkCapture, message_id: str) -> bytes | None:
    """The exported ``.eml`` whose Message-ID header is the one tshark showed in the conversation."""
    for raw in capture.exported("imf").values():
        if str(parse_mail(raw).get("Message-ID", "")).strip() == message_id.strip():
            return raw
    return None


def attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    """(file name, decoded content) of every part that names a file, in order."""
    found = []
    for part in message.walk():
        name = part.get_filename()
        if name:
            payload = part.get_payload(decode=True)
            found.append((name, payload if isinstance(payload, bytes) else b""))
    return found


def form_files(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """The files of a multipart/form-data body (an HTTP upload), decoded by Python's email parser."""
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.message_from_bytes(header + body, policy=email.policy.HTTP)
    return attachments(message)  # type: ignore[arg-type]

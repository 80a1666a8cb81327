"""``labkit net extract``: files carried over HTTP, FTP and SMTP, written out with their hashes.

HTTP: every request and response body, de-chunked and decompressed (what ``tshark
--export-objects http`` saves, same bytes). FTP: each data connection matched to the
STOR/RETR/APPE/STOU on its control connection through the PASV/EPSV/PORT/EPRT that
announced it. SMTP: each message as an .eml (dot-stuffing removed, as delivered;
where that differs from ``--export-objects imf``, which keeps the dots, the report
gives Wireshark's SHA-256 too) and each attachment decoded. One pass; HTTP and SMTP
streams are written as they close, FTP when the capture ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from labkit.tools.net.capture_pass import TcpStream, run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.ftp_extraction import FtpObjects
from labkit.tools.net.http_bodies import BodyNotes, entity_pieces
from labkit.tools.net.http_exchanges import http_exchanges
from labkit.tools.net.mail_parts import mail_subject, read_mail
from labkit.tools.net.object_output import ObjectFolder, WrittenFile, safe_object_name
from labkit.tools.net.protocol_detection import sniff_tcp
from labkit.tools.net.smtp_sessions import message_pieces, parse_smtp, raw_pieces
from labkit.tools.net.stream_collection import CollectedStream, StreamCollector
from labkit.tools.net.stream_store import StoredDirection

PROTOCOLS = ("http", "ftp", "smtp")


@dataclass(frozen=True)
class ExtractedObject:
    name: str  # file name written in the output folder
    protocol: str  # "http", "ftp-data", "smtp" (the message) or "smtp-attachment"
    stream: int  # tcp.stream of the connection that carried the bytes
    frame: int  # frame carrying the object's last byte
    size: int
    md5: str
    sha256: str
    original_name: str  # the name as the evidence gives it (URI, FTP argument, attachment filename)
    content_type: str
    source: str  # "GET host/uri (200)", "STOR x (226)", "mail from a to b"
    notes: tuple[str, ...] = ()
    wireshark_sha256: str | None = None  # set where Wireshark's export differs (IMF keeps dot-stuffing)


@dataclass(frozen=True)
class ExtractionReport:
    path: str
    output_dir: str
    objects: tuple[ExtractedObject, ...]
    truncation: Truncation | None


@dataclass
class _Extraction:
    folder: ObjectFolder
    protocols: tuple[str, ...]
    objects: list[ExtractedObject] = field(default_factory=list)

    def add(
        self,
        written: WrittenFile,
        protocol: str,
        stream: int,
        frame: int,
        original: str,
        content_type: str,
        source: str,
        notes: Iterable[str] = (),
        wireshark: str | None = None,
    ) -> None:
        self.objects.append(
            ExtractedObject(
                written.name,
                protocol,
                stream,
                frame,
                written.size,
                written.md5,
                written.sha256,
                original,
                content_type,
                source,
                tuple(note for note in notes if note),
                wireshark,
            )
        )

    def http(self, collected: CollectedStream) -> None:
        for exchange in http_exchanges(collected):
            request, response = exchange.request, exchange.response
            target = f"{exchange.host}{request.uri}"
            for message, side, frame, label in (
                (request, exchange.request_side, exchange.request_frame, f"{request.method} {target}"),
                (
                    response,
                    exchange.response_side,
                    exchange.response_frame,
                    f"{request.method} {target} ({response.status if response else ''})",
                ),
            ):
                if message is None or frame is None or not message.extents:
                    continue
                notes = BodyNotes()
                written = self.folder.write(_uri_name(request.uri), entity_pieces(side, message, notes))
                missing = _missing(side, message.extents[0][0], message.end)
                self.add(
                    written,
                    "http",
                    exchange.stream,
                    frame,
                    request.uri,
                    message.header("Content-Type") or "",
                    label,
                    (notes.problem, "" if message.complete else "body incomplete in the capture", missing),
                )
        collected.release()

    def smtp(self, collected: CollectedStream) -> None:
        session = parse_smtp(collected)
        side = collected.to_server
        for number, message in enumerate(session.messages, start=1):
            subject = mail_subject(side.read(message.start, min(message.end - message.start, 64 * 1024)))
            name = safe_object_name(f"{subject}.eml" if subject.strip() else "", f"message-{number}.eml")
            written = self.folder.write(name, message_pieces(side, message))
            contents = read_mail(self.folder.folder / written.name)
            wireshark = _digest(raw_pieces(side, message))
            source = f"mail from {message.mail_from} to {', '.join(message.recipients)}"
            notes = (
                "" if message.complete else "message incomplete in the capture",
                contents.problem,
                _missing(side, message.start, message.end),
            )
            self.add(
                written,
                "smtp",
                session.stream,
                message.frame,
                subject,
                "message/rfc822",
                source,
                notes,
                None if wireshark == written.sha256 else wireshark,
            )
            for index, attachment in enumerate(contents.attachments, start=1):
                fallback = f"attachment-{number}-{index}.bin"
                attached = self.folder.write(
                    safe_object_name(attachment.filename, fallback), [attachment.data]
                )
                self.add(
                    attached,
                    "smtp-attachment",
                    session.stream,
                    message.frame,
                    attachment.filename,
                    attachment.content_type,
                    f"attachment of {written.name}",
                )
        collected.release()


def _missing(side: StoredDirection, start: int, end: int) -> str:
    missing = side.missing_between(start, end)
    return f"{missing} bytes were not captured (written as zeros)" if missing else ""


def _uri_name(uri: str) -> str:
    path = urlsplit(uri).path if "://" in uri else uri.split("?", 1)[0].split("#", 1)[0]
    return safe_object_name(unquote(path), "index")


def _digest(pieces: Iterable[bytes]) -> str:
    sha256 = hashlib.sha256()
    for piece in pieces:
        sha256.update(piece)
    return sha256.hexdigest()


def extract_objects(
    path: str | Path, output_dir: str | Path, *, force: bool = False, protocols: tuple[str, ...] = PROTOCOLS
) -> ExtractionReport:
    """Write every object of ``protocols`` found in ``path`` into ``output_dir``.

    Raises:
        OutputExistsError: ``output_dir`` is not empty and ``force`` is not set.
        CaptureFormatError: the capture is damaged before its last record.
    """
    folder = ObjectFolder(output_dir, force)
    extraction = _Extraction(folder, protocols)
    ftp = FtpObjects(extraction.folder, extraction.add)

    def choose(stream: TcpStream, client_head: bytes, server_head: bytes, final: bool) -> str | None:
        if "ftp" in protocols and ftp.is_data_candidate(stream):
            return "ftp-data"
        label = sniff_tcp(client_head, server_head)
        if label is None and stream.server[1] == 21 and server_head.startswith(b"220"):
            label = "ftp"
        if label == "ftp" and "ftp" in protocols:
            ftp.control_seen(stream)
            return "ftp"
        if label in ("http", "smtp") and label in protocols:
            return label
        return "" if label or final else None

    def on_stream(collected: CollectedStream) -> None:
        if collected.label == "http":
            extraction.http(collected)
        elif collected.label == "smtp":
            extraction.smtp(collected)
        else:
            ftp.stream_ended(collected)

    try:
        report = run_pass(path, [StreamCollector(choose, on_stream, ftp.finish)])
        folder.commit()
    except BaseException:
        folder.abandon()
        raise
    objects = sorted(extraction.objects, key=lambda item: (item.frame, item.stream, item.name))
    return ExtractionReport(report.path, str(folder.target), tuple(objects), report.truncation)

"""What crossed a web server's capture: connections, HTTP requests, the files they carried, uploads.

A web intrusion leaves three kinds of trace on the wire that an examiner reads with
``labkit net conversations``, ``http`` and ``extract`` (Wireshark: Statistics >
Conversations, HTTP requests, Export Objects > HTTP): the connections with their
tcp.stream, the requests, and the bodies. A file uploaded through a form travels as a
part of a ``multipart/form-data`` request body, under the ``filename`` its
``Content-Disposition`` names; that is the name the server stores it under, so the
bodies are kept (small ones) and their parts read here.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from labkit.tools.net import (
    ConversationRow,
    ExtractedObject,
    HttpTransaction,
    extract_objects,
    list_conversations,
    list_http,
)

MAX_KEPT_BYTES = 16 * 1024 * 1024  # larger bodies are hashed by extract but not kept


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart/form-data request body."""

    name: str  # the part's filename
    field: str  # the form field it was sent in
    data: bytes
    carrier: ExtractedObject  # the request body it was cut out of


@dataclass(frozen=True)
class WebTraffic:
    """What ``labkit net conversations|http|extract`` show for one capture, bodies kept."""

    path: Path
    conversations: tuple[ConversationRow, ...]  # TCP, in tcp.stream order
    transactions: tuple[HttpTransaction, ...]
    objects: tuple[ExtractedObject, ...]
    contents: dict[str, bytes]  # extracted object name -> its bytes (up to MAX_KEPT_BYTES)
    uploads: tuple[UploadedFile, ...]

    def connection(self, one: tuple[str, int], other: tuple[str, int]) -> ConversationRow | None:
        """The TCP conversation between these two endpoints, whichever side opened it (the last one)."""
        found = None
        for row in self.conversations:
            ends = {(row.address_a, row.port_a), (row.address_b, row.port_b)}
            if ends == {one, other}:
                found = row
        return found

    def fetch(self, url: str) -> tuple[HttpTransaction, ExtractedObject] | None:
        """The GET of ``url`` (scheme, host and path as typed) and the response body it brought."""
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        for transaction in self.transactions:
            if transaction.method != "GET" or transaction.host.lower() != (parts.hostname or "").lower():
                continue
            if transaction.uri not in (target, url):
                continue
            for carried in self.objects:
                if carried.stream == transaction.stream and carried.frame == transaction.response_frame:
                    return transaction, carried
        return None

    def requests_for(self, file_name: str) -> list[HttpTransaction]:
        """Requests whose path ends in ``file_name``: the calls to an uploaded file."""
        return [t for t in self.transactions if request_file_name(t.uri) == file_name]


def read_web_traffic(path: Path) -> WebTraffic:
    """Run the ``labkit net`` passes over ``path``; extracted bodies are read, then their folder removed."""
    conversations = list_conversations(path, ("tcp",), sort="stream").rows
    transactions = list_http(path).transactions
    contents: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="labkit-solver-") as scratch:
        report = extract_objects(path, Path(scratch) / "objects", protocols=("http",))
        folder = Path(report.output_dir)
        for carried in report.objects:
            if carried.size <= MAX_KEPT_BYTES:
                contents[carried.name] = (folder / carried.name).read_bytes()
    uploads = tuple(
        upload
        for carried in report.objects
        if carried.name in contents
        for upload in multipart_files(carried, contents[carried.name])
    )
    return WebTraffic(path, conversations, transactions, report.objects, contents, uploads)


def multipart_files(carried: ExtractedObject, body: bytes) -> list[UploadedFile]:
    """The file parts of a multipart/form-data body (none for any other body)."""
    if not carried.content_type.lower().startswith("multipart/form-data"):
        return []
    header = f"Content-Type: {carried.content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        return []
    files = []
    for part in message.iter_parts():
        name = part.get_filename()
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        field = part.get_param("name", header="content-disposition")
        files.append(UploadedFile(name, str(field or ""), data, carried))
    return files


def request_file_name(uri: str) -> str:
    """The last path segment of a request target, decoded: ``/uploads/a.php?c=id`` -> ``a.php``."""
    path = urlsplit(uri).path if "://" in uri else uri.split("?", 1)[0].split("#", 1)[0]
    return PurePosixPath(unquote(path)).name

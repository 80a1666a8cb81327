"""FTP uploads in a capture: which control connection each file came through.

FTP moves files on a separate TCP connection per transfer. In passive mode (PASV) the
client opens it to a port the server announced in its 227 reply, so the data gets a
tcp.stream of its own, opened just after the STOR on the control connection. Between
the same two hosts, the control connection a data connection belongs to is the last
one opened before it; that is what an examiner reads off ``labkit net conversations``
next to ``labkit net extract`` (Wireshark's ``ftp-data.setup-frame`` says the same).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from labkit.solvers.capture_reading import CaptureReading
from labkit.tools.net import ConversationRow, ExtractedObject

FTP_CONTROL_PORT = 21


@dataclass(frozen=True)
class FtpUpload:
    """One FTP control connection and the files STORed through it, in the order they were sent."""

    control: ConversationRow
    client: str
    server: str
    server_port: int
    files: tuple[tuple[ExtractedObject, ConversationRow], ...]  # (the file, its data connection)

    @property
    def total_bytes(self) -> int:
        return sum(carried.size for carried, _ in self.files)

    @property
    def leaves_the_network(self) -> bool:
        """From a private (internal) address to a public one."""
        return ipaddress.ip_address(self.client).is_private and ipaddress.ip_address(self.server).is_global


def ftp_uploads(reading: CaptureReading) -> list[FtpUpload]:
    """Every control connection with uploads: internal-to-Internet first, then the most bytes."""
    controls = [row for row in reading.conversations if row.application == "ftp"]
    grouped: dict[int, list[tuple[ExtractedObject, ConversationRow]]] = {}
    for carried in reading.objects:
        if carried.protocol != "ftp-data" or not carried.source.startswith("STOR "):
            continue
        data = reading.conversation(carried.stream)
        control = control_connection(data, controls) if data is not None else None
        if data is not None and control is not None:
            grouped.setdefault(control.stream, []).append((carried, data))
    uploads = []
    for stream, files in grouped.items():
        control = next(row for row in controls if row.stream == stream)
        client, server, port = _roles(control)
        ordered = tuple(sorted(files, key=lambda item: item[1].first_frame))
        uploads.append(FtpUpload(control, client, server, port, ordered))
    uploads.sort(
        key=lambda upload: (not upload.leaves_the_network, -upload.total_bytes, upload.control.stream)
    )
    return uploads


def control_connection(data: ConversationRow, controls: list[ConversationRow]) -> ConversationRow | None:
    """The control connection between the same two hosts opened last before ``data`` (passive or active)."""
    hosts = {data.address_a, data.address_b}
    earlier = [
        row
        for row in controls
        if {row.address_a, row.address_b} == hosts and row.first_frame < data.first_frame
    ]
    return max(earlier, key=lambda row: row.first_frame, default=None)


def _roles(control: ConversationRow) -> tuple[str, str, int]:
    """(client, server, server port): A opened the connection, unless the capture began after that."""
    if control.port_a == FTP_CONTROL_PORT and control.port_b != FTP_CONTROL_PORT:
        return control.address_b, control.address_a, control.port_a
    return control.address_a, control.address_b, control.port_b

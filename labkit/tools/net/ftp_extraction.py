"""FTP files: data connections matched to the transfer commands of their control connection.

While the capture is read, any connection between two hosts that already have an FTP
control connection (and that is not itself FTP, HTTP or SMTP) is kept as a possible
data connection. When the capture ends, each control connection is read: a transfer
takes the first unused data connection to the endpoint its PASV/EPSV/PORT/EPRT
announced, opened after the announcement (by port alone when NAT rewrote the address).
"""

from __future__ import annotations

from collections.abc import Callable

from labkit.tools.net.capture_pass import TcpStream
from labkit.tools.net.ftp_sessions import FtpSession, FtpTransfer, parse_ftp
from labkit.tools.net.object_output import ObjectFolder, safe_object_name
from labkit.tools.net.stream_collection import CollectedStream

FILE_COMMANDS = ("RETR", "STOR", "APPE", "STOU")


class FtpObjects:
    """Collects FTP control sessions and candidate data connections; writes the files at the end."""

    def __init__(self, folder: ObjectFolder, add: Callable[..., None]) -> None:
        self._folder = folder
        self._add = add
        self._pairs: set[frozenset[str]] = set()
        self._sessions: list[FtpSession] = []
        self._data: list[CollectedStream] = []

    def control_seen(self, stream: TcpStream) -> None:
        self._pairs.add(frozenset((stream.client[0], stream.server[0])))

    def is_data_candidate(self, stream: TcpStream) -> bool:
        return stream.server[1] != 21 and frozenset((stream.client[0], stream.server[0])) in self._pairs

    def stream_ended(self, collected: CollectedStream) -> None:
        if collected.label == "ftp":
            self._sessions.append(parse_ftp(collected))
            collected.release()
        else:
            self._data.append(collected)  # released by the collector after finish()

    def finish(self) -> None:
        used: set[int] = set()
        for session in sorted(self._sessions, key=lambda item: item.stream):
            for transfer in session.transfers:
                if transfer.command not in FILE_COMMANDS:
                    continue
                data = self._match(session, transfer, used)
                if data is not None:
                    used.add(data.stream.index)
                    self._write(session, transfer, data)

    def _match(self, session: FtpSession, transfer: FtpTransfer, used: set[int]) -> CollectedStream | None:
        hosts = frozenset((session.client[0], session.server[0]))
        unused = [
            d
            for d in self._data
            if d.stream.index not in used and d.stream.first_frame > transfer.announce_frame
        ]
        exact = [d for d in unused if d.stream.server == transfer.data_endpoint]
        by_port = [
            d
            for d in unused
            if d.stream.server[1] == transfer.data_endpoint[1]
            and frozenset((d.stream.client[0], d.stream.server[0])) == hosts
        ]
        candidates = exact or by_port
        return min(candidates, key=lambda d: d.stream.first_frame) if candidates else None

    def _write(self, session: FtpSession, transfer: FtpTransfer, data: CollectedStream) -> None:
        # Uploads flow from the FTP client; downloads towards it, whichever side opened the data connection.
        from_ftp_client = data.stream.client[0] == session.client[0]
        side = data.direction(from_ftp_client if transfer.upload else not from_ftp_client)
        if (
            side.length == 0
            and data.direction(not from_ftp_client if transfer.upload else from_ftp_client).length
        ):
            side = data.direction(not from_ftp_client if transfer.upload else from_ftp_client)
        pieces = (
            side.read(position, min(1 << 20, side.length - position))
            for position in range(0, side.length, 1 << 20)
        )
        written = self._folder.write(safe_object_name(transfer.argument, "ftp-file"), pieces)
        notes = []
        missing = side.missing_between(0, side.length)
        if missing:
            notes.append(f"{missing} bytes were not captured (written as zeros)")
        if transfer.result_code is None:
            notes.append("no final reply on the control connection (transfer may be incomplete)")
        elif transfer.result_code not in (226, 250):
            notes.append(f"the server ended the transfer with code {transfer.result_code}")
        frame, _ = side.frame_at(max(side.length - 1, 0))
        result = f" ({transfer.result_code})" if transfer.result_code else ""
        self._add(
            written,
            "ftp-data",
            data.stream.index,
            frame,
            transfer.argument,
            "",
            f"{transfer.command} {transfer.argument}{result} on tcp.stream {session.stream}",
            notes,
        )

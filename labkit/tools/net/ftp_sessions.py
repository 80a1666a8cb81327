"""FTP control connections: login, and which data connection carried which file.

Commands and replies are put back in frame order, then read as the client and server
lived them: ``USER``/``PASS`` and the reply to ``PASS`` (230 logged in, 530 refused);
``PASV`` (227), ``EPSV`` (229), ``PORT`` and ``EPRT`` announce where the next data
connection goes; the next ``STOR``/``RETR``/``APPE``/``STOU``/``LIST``/``NLST``/``MLSD``
uses it, and its final reply (226 or an error) says how it ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from labkit.tools.net.packet_time import PacketTime
from labkit.tools.net.protocol_lines import numbered_replies, read_lines
from labkit.tools.net.stream_collection import CollectedStream

TRANSFER_COMMANDS = ("RETR", "STOR", "APPE", "STOU", "LIST", "NLST", "MLSD")
UPLOADS = ("STOR", "APPE", "STOU")
_PASV = re.compile(r"(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})")
_EPSV = re.compile(r"\((.)\1\1(\d{1,5})\1\)")


@dataclass
class FtpTransfer:
    command: str
    argument: str
    command_frame: int
    data_endpoint: tuple[str, int]  # the side of the data connection that accepts it
    passive: bool
    announce_frame: int  # the PASV/EPSV reply or PORT/EPRT command that announced the endpoint
    result_code: int | None = None
    result_frame: int | None = None

    @property
    def upload(self) -> bool:
        return self.command in UPLOADS


@dataclass
class FtpLogin:
    user: str
    password: str | None
    user_frame: int
    pass_frame: int | None
    time: PacketTime | None
    result_code: int | None = None
    result_text: str = ""


@dataclass
class FtpSession:
    stream: int
    client: tuple[str, int]
    server: tuple[str, int]
    logins: list[FtpLogin] = field(default_factory=list)
    transfers: list[FtpTransfer] = field(default_factory=list)


def parse_ftp(collected: CollectedStream) -> FtpSession:
    stream = collected.stream
    session = FtpSession(stream.index, stream.client, stream.server)
    commands = list(read_lines(collected.to_server, stream.digits))
    replies = numbered_replies(collected.to_client, stream.digits)
    events = sorted(
        [(c.frame, 0, c) for c in commands] + [(r.frame, 1, r) for r in replies],
        key=lambda event: (event[0], event[1]),
    )
    announced: tuple[tuple[str, int], bool, int] | None = None
    waiting_for: str | None = None  # the command whose reply comes next
    open_transfers: list[FtpTransfer] = []
    for _, is_reply, event in events:
        if not is_reply:
            verb, _, argument = event.text.decode("utf-8", "replace").partition(" ")
            verb = verb.upper()
            if verb == "USER":
                session.logins.append(FtpLogin(argument, None, event.frame, None, event.time))
            elif verb == "PASS" and session.logins and session.logins[-1].password is None:
                session.logins[-1].password = argument
                session.logins[-1].pass_frame = event.frame
                session.logins[-1].time = event.time
            elif verb in ("PORT", "EPRT"):
                endpoint = _active_endpoint(verb, argument, stream.client[0])
                announced = (*endpoint, event.frame) if endpoint else None
            elif verb in TRANSFER_COMMANDS and announced is not None:
                transfer = FtpTransfer(verb, argument, event.frame, announced[0], announced[1], announced[2])
                session.transfers.append(transfer)
                open_transfers.append(transfer)
                announced = None
            waiting_for = verb
            continue
        code = event.code
        if waiting_for == "PASS" and session.logins and code >= 200:
            session.logins[-1].result_code = code
            session.logins[-1].result_text = event.text
        elif waiting_for in ("PASV", "EPSV") and code in (227, 229):
            endpoint = _passive_endpoint(code, event.text, stream.server[0])
            announced = (*endpoint, event.frame) if endpoint else None
        elif open_transfers and code >= 200 and waiting_for not in ("PASV", "EPSV", "PORT", "EPRT"):
            transfer = open_transfers.pop(0)
            transfer.result_code, transfer.result_frame = code, event.frame
        if code >= 200:
            waiting_for = None
    return session


def _passive_endpoint(code: int, text: str, server_ip: str) -> tuple[tuple[str, int], bool] | None:
    """The server's data port (the control connection's server address: NAT may rewrite the 227's)."""
    if code == 227:
        match = _PASV.search(text)
        if match is None:
            return None
        numbers = [int(value) for value in match.groups()]
        return (server_ip, numbers[4] * 256 + numbers[5]), True
    match = _EPSV.search(text)
    return ((server_ip, int(match.group(2))), True) if match else None


def _active_endpoint(verb: str, argument: str, client_ip: str) -> tuple[tuple[str, int], bool] | None:
    if verb == "PORT":
        match = _PASV.search(argument)
        if match is None:
            return None
        numbers = [int(value) for value in match.groups()]
        return (".".join(str(n) for n in numbers[:4]), numbers[4] * 256 + numbers[5]), False
    parts = argument.split(argument[:1]) if argument else []
    if len(parts) >= 4 and parts[3].isdigit():
        return (parts[2] or client_ip, int(parts[3])), False
    return None

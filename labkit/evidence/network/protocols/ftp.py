"""An FTP control conversation (RFC 959) in passive mode, as client programs really drive it.

Credentials cross in clear text (USER/PASS), which is why FTP is in the curriculum.
The client decides the command sequence: FileZilla first tries ``AUTH TLS`` and
``AUTH SSL``, then logs in and runs SYST, FEAT, PWD before anything else; a Python
``ftplib`` script sends only what each call needs (and ``TYPE A`` before LIST); the
Linux command-line ``ftp -p`` sends SYST after login and waits for a person typing.
The server (see :mod:`ftp_servers`) words the replies. Transfers use PASV (227) on
IPv4 and EPSV (229) on IPv6, with the data port the caller chose.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Literal

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.ftp_servers import VSFTPD, FtpServer
from labkit.evidence.network.protocols.script import DataConnection, Say, Step

FtpCommand = Literal["STOR", "RETR", "LIST"]


@dataclass(frozen=True)
class FtpClient:
    """How a client program sequences commands and how long it (or its user) waits, in us."""

    name: str
    tries_tls: bool
    after_login: tuple[str, ...]
    list_type: Literal["A", "I"]
    retries_on_same_connection: bool
    reply_think_us: tuple[int, int]
    login_think_us: tuple[int, int] | None  # a person typing the user name / password
    action_think_us: tuple[int, int] | None  # a person starting a transfer


#: FileZilla 3.x, default "use explicit FTP over TLS if available"; a failed login ends the connection.
FILEZILLA = FtpClient(
    name="filezilla",
    tries_tls=True,
    after_login=("SYST", "FEAT", "PWD"),
    list_type="I",
    retries_on_same_connection=False,
    reply_think_us=(300, 3_000),
    login_think_us=None,
    action_think_us=(1_500_000, 12_000_000),
)
#: A Python script using ftplib (storbinary / retrbinary / retrlines), e.g. an exfiltration tool.
FTPLIB = FtpClient(
    name="ftplib",
    tries_tls=False,
    after_login=(),
    list_type="A",
    retries_on_same_connection=True,
    reply_think_us=(100, 800),
    login_think_us=None,
    action_think_us=None,
)
#: The Linux command-line client in passive mode (``ftp -p``), typed at by a person.
COMMAND_LINE = FtpClient(
    name="command-line",
    tries_tls=False,
    after_login=("SYST",),
    list_type="A",
    retries_on_same_connection=True,
    reply_think_us=(200, 1_500),
    login_think_us=(2_000_000, 6_000_000),
    action_think_us=(3_000_000, 15_000_000),
)
CLIENTS: dict[str, FtpClient] = {client.name: client for client in (FILEZILLA, FTPLIB, COMMAND_LINE)}
_SERVER_THINK_US = (100, 900)


@dataclass(frozen=True)
class FtpTransfer:
    """One transfer: STOR (client uploads ``data``), RETR (server sends it) or LIST (server sends a listing).

    ``data_port`` is the passive port the server announces; ``name`` is the file's
    name as the client sends it (the directory for LIST, may be empty).
    """

    command: FtpCommand
    data: bytes
    data_port: int
    name: str = ""
    mark: str | None = None


def ftp_session(
    rng: Random,
    *,
    server_ip: str,
    username: str,
    password: str,
    transfers: Sequence[FtpTransfer],
    server: FtpServer = VSFTPD,
    client: FtpClient = FILEZILLA,
    wrong_passwords: Sequence[str] = (),
    working_directory: str | None = None,
) -> list[Step]:
    """The whole control conversation, banner to ``221``, with a DataConnection per transfer.

    Marks: ``login`` on the successful PASS, ``login_failed`` on each wrong one, and
    each transfer's mark (default the command in lower case) on its command and its
    DataConnection.

    Raises:
        PayloadValueError: CR/LF in a user name, password or file name; a data port
            outside 1024..65535; wrong passwords for a client that disconnects after one.
    """
    if wrong_passwords and not client.retries_on_same_connection:
        raise PayloadValueError(
            f"{client.name} closes the connection after a failed login: "
            "render each attempt as its own session"
        )
    try:
        family = ipaddress.ip_address(server_ip).version
    except ValueError:
        raise PayloadValueError(f"FTP server address {server_ip!r} is not an IP address") from None
    mapped = f"::ffff:{server_ip}" if family == 4 else server_ip  # how a dual-stack daemon sees its address
    fields = {"user": username, "ip": server_ip, "mapped_ip": mapped}
    cwd = working_directory or server.home.format(**fields)
    talk = _Conversation(rng, server, client, fields)
    talk.server(server.banner.format(**fields), think=(0, 0))
    if client.tries_tls:
        talk.exchange("AUTH TLS", server.refuse_tls)
        talk.exchange("AUTH SSL", server.refuse_tls)
    for attempt in (*wrong_passwords, password):
        talk.exchange(f"USER {username}", server.user_ok.format(**fields), think=client.login_think_us)
        accepted = attempt == password
        reply = (server.login_ok if accepted else server.login_failed).format(**fields)
        talk.client(
            f"PASS {attempt}", think=client.login_think_us, mark="login" if accepted else "login_failed"
        )
        talk.server(reply, think=_SERVER_THINK_US if accepted else server.failed_login_delay_us)
    for command in client.after_login:
        reply = {"SYST": server.syst, "FEAT": server.feat, "PWD": server.pwd}[command]
        talk.exchange(command, reply.format(path=cwd, **fields))
        if command == "FEAT" and "\r\n UTF8" in server.feat:
            talk.exchange("OPTS UTF8 ON", server.opts_utf8)
    current_type = ""
    for transfer in transfers:
        wanted = client.list_type if transfer.command == "LIST" else "I"
        first_think = client.action_think_us
        if wanted != current_type:
            talk.exchange(
                f"TYPE {wanted}",
                server.type_binary if wanted == "I" else server.type_ascii,
                think=first_think,
            )
            current_type, first_think = wanted, None
        _transfer(talk, transfer, family, cwd, first_think)
    talk.exchange("QUIT", server.goodbye, think=client.action_think_us)
    return talk.steps


def _transfer(
    talk: _Conversation, transfer: FtpTransfer, family: int, cwd: str, think: tuple[int, int] | None
) -> None:
    server = talk.server_profile
    if not 1024 <= transfer.data_port <= 65535:
        raise PayloadValueError(f"passive data port must be 1024..65535 (got {transfer.data_port})")
    high, low = divmod(transfer.data_port, 256)
    if family == 4:
        ip_commas = talk.fields["ip"].replace(".", ",")
        talk.exchange("PASV", server.pasv.format(ip=ip_commas, port=f"{high},{low}"), think=think)
    else:
        talk.exchange("EPSV", server.epsv.format(port=transfer.data_port), think=think)
    mark = transfer.mark or transfer.command.lower()
    path = transfer.name if transfer.name.startswith("/") else _join(cwd, transfer.name)
    names = {"name": transfer.name, "size": len(transfer.data), "path": path}
    command = f"{transfer.command} {transfer.name}".rstrip()
    opening, done = {
        "STOR": (server.stor_opening, server.stor_done),
        "RETR": (server.retr_opening, server.retr_done),
        "LIST": (server.list_opening, server.list_done),
    }[transfer.command]
    talk.client(command, mark=mark)
    talk.server(opening.format(**names))
    sender = "client" if transfer.command == "STOR" else "server"
    talk.steps.append(DataConnection(transfer.data_port, sender, transfer.data, mark=mark))
    talk.server(done.format(**names), think=(200, 2_000))


def _join(directory: str, name: str) -> str:
    if not name:
        return directory
    return directory.rstrip("/") + "/" + name


class _Conversation:
    """Accumulates Says with the client's and server's think times drawn from one rng."""

    def __init__(self, rng: Random, server: FtpServer, client: FtpClient, fields: dict[str, str]) -> None:
        self.rng = rng
        self.server_profile = server
        self.client_profile = client
        self.fields = fields
        self.steps: list[Step] = []

    def client(self, line: str, *, think: tuple[int, int] | None = None, mark: str | None = None) -> None:
        if any(character in line for character in "\r\n\x00"):
            raise PayloadValueError(f"an FTP command cannot contain CR, LF or NUL (got {line!r})")
        self.steps.append(
            Say("client", _line(line), self._draw(think or self.client_profile.reply_think_us), mark)
        )

    def server(self, line: str, *, think: tuple[int, int] = _SERVER_THINK_US) -> None:
        self.steps.append(Say("server", _line(line), self._draw(think)))

    def exchange(self, command: str, reply: str, *, think: tuple[int, int] | None = None) -> None:
        self.client(command, think=think)
        self.server(reply)

    def _draw(self, bounds: tuple[int, int]) -> int:
        return self.rng.randint(*bounds)


def _line(text: str) -> bytes:
    return text.encode("utf-8") + b"\r\n"

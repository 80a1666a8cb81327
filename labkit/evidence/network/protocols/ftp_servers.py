"""FTP servers by their replies: each product words its banner and status lines in its own way.

The texts are those of the Debian/Ubuntu packages (vsftpd 3.0.5, ProFTPD 1.3.8)
and of FileZilla Server 0.9.60 on Windows, so an analyst can name the server from
the capture as from a real one. Templates use ``{user}``, ``{name}``, ``{path}``,
``{size}``, ``{ip}``, ``{mapped_ip}`` (IPv4-mapped, as ProFTPD prints it) and ``{port}`` fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FtpServer:
    """The reply lines of one FTP server product (without CRLF; multi-line replies contain CRLF)."""

    name: str
    banner: str
    refuse_tls: str
    user_ok: str
    login_ok: str
    login_failed: str
    syst: str
    feat: str
    opts_utf8: str
    pwd: str
    home: str
    type_binary: str
    type_ascii: str
    pasv: str
    epsv: str
    stor_opening: str
    retr_opening: str
    list_opening: str
    stor_done: str
    retr_done: str
    list_done: str
    goodbye: str
    #: How long the server holds back a 530 after a wrong password (PAM / delay_failed_login), in us.
    failed_login_delay_us: tuple[int, int]


VSFTPD = FtpServer(
    name="vsftpd",
    banner="220 (vsFTPd 3.0.5)",
    refuse_tls="530 Please login with USER and PASS.",
    user_ok="331 Please specify the password.",
    login_ok="230 Login successful.",
    login_failed="530 Login incorrect.",
    syst="215 UNIX Type: L8",
    feat=(
        "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n"
        "211 End"
    ),
    opts_utf8="200 Always in UTF8 mode.",
    pwd='257 "{path}" is the current directory',
    home="/home/{user}",
    type_binary="200 Switching to Binary mode.",
    type_ascii="200 Switching to ASCII mode.",
    pasv="227 Entering Passive Mode ({ip},{port}).",
    epsv="229 Entering Extended Passive Mode (|||{port}|)",
    stor_opening="150 Ok to send data.",
    retr_opening="150 Opening BINARY mode data connection for {name} ({size} bytes).",
    list_opening="150 Here comes the directory listing.",
    stor_done="226 Transfer complete.",
    retr_done="226 Transfer complete.",
    list_done="226 Directory send OK.",
    goodbye="221 Goodbye.",
    failed_login_delay_us=(1_000_000, 1_003_000),
)

PROFTPD = FtpServer(
    name="proftpd",
    banner="220 ProFTPD Server (Debian) [{mapped_ip}]",
    refuse_tls="500 AUTH not understood",
    user_ok="331 Password required for {user}",
    login_ok="230 User {user} logged in",
    login_failed="530 Login incorrect.",
    syst="215 UNIX Type: L8",
    feat=(
        "211-Features:\r\n LANG en-US*\r\n MDTM\r\n MFMT\r\n TVFS\r\n UTF8\r\n"
        " MFF modify;UNIX.group;UNIX.mode;\r\n"
        " MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;"
        "UNIX.ownername*;\r\n SITE MKDIR\r\n SITE RMDIR\r\n SITE UTIME\r\n SITE SYMLINK\r\n SITE COPY\r\n"
        " REST STREAM\r\n SIZE\r\n211 End"
    ),
    opts_utf8="200 UTF8 set to on",
    pwd='257 "{path}" is the current directory',
    home="/home/{user}",
    type_binary="200 Type set to I",
    type_ascii="200 Type set to A",
    pasv="227 Entering Passive Mode ({ip},{port}).",
    epsv="229 Entering Extended Passive Mode (|||{port}|)",
    stor_opening="150 Opening BINARY mode data connection for {name}",
    retr_opening="150 Opening BINARY mode data connection for {name} ({size} bytes)",
    list_opening="150 Opening ASCII mode data connection for file list",
    stor_done="226 Transfer complete",
    retr_done="226 Transfer complete",
    list_done="226 Transfer complete",
    goodbye="221 Goodbye.",
    failed_login_delay_us=(400_000, 2_000_000),
)

FILEZILLA_SERVER = FtpServer(
    name="filezilla-server",
    banner=(
        "220-FileZilla Server 0.9.60 beta\r\n220-written by Tim Kosse (tim.kosse@filezilla-project.org)\r\n"
        "220 Please visit https://filezilla-project.org/"
    ),
    refuse_tls="502 Explicit TLS authentication not allowed",
    user_ok="331 Password required for {user}",
    login_ok="230 Logged on",
    login_failed="530 Login or password incorrect!",
    syst="215 UNIX emulated by FileZilla",
    feat=(
        "211-Features:\r\n MDTM\r\n REST STREAM\r\n SIZE\r\n MLST type*;size*;modify*;\r\n MLSD\r\n UTF8\r\n"
        " CLNT\r\n MFMT\r\n EPSV\r\n EPRT\r\n211 End"
    ),
    opts_utf8="202 UTF8 mode is always enabled. No need to send this command.",
    pwd='257 "{path}" is current directory.',
    home="/",
    type_binary="200 Type set to I",
    type_ascii="200 Type set to A",
    pasv="227 Entering Passive Mode ({ip},{port})",
    epsv="229 Entering Extended Passive Mode (|||{port}|)",
    stor_opening='150 Opening data channel for file upload to server of "{path}"',
    retr_opening='150 Opening data channel for file download from server of "{path}"',
    list_opening='150 Opening data channel for directory listing of "{path}"',
    stor_done='226 Successfully transferred "{path}"',
    retr_done='226 Successfully transferred "{path}"',
    list_done='226 Successfully transferred "{path}"',
    goodbye="221 Goodbye",
    failed_login_delay_us=(1_000, 5_000),
)

SERVERS: dict[str, FtpServer] = {server.name: server for server in (VSFTPD, PROFTPD, FILEZILLA_SERVER)}

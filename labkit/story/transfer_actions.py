"""Files leaving (or arriving) by FTP and by mail: cleartext logins, passive-mode data, attachments."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from labkit.story.context import StoryContext
from labkit.story.network.action_base import (
    CONNECTION_FACTS,
    NetworkAction,
    PayloadSpec,
    connection_facts,
    open_connection,
)
from labkit.story.network.runtime import StreamEnd, from_us, to_us


def _digests(data: bytes) -> dict[str, Any]:
    return {
        "size": len(data),
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


class FtpFileSpec(PayloadSpec):
    direction: Literal["upload", "download"] = "upload"


class FtpTransfer(NetworkAction):
    """An FTP session: banner, cleartext USER/PASS (after failed tries, if any), passive-mode transfers."""

    action_name: ClassVar[str] = "ftp.transfer"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        *CONNECTION_FACTS,
        "user",
        "password",
        "login_frame",
        "login_time",
        "files",
        "file_name",
        "file_size",
        "file_md5",
        "file_sha256",
        "data_stream",
        "bytes_uploaded",
        "files_count",
        "server_software",
    )
    server: str = Field(description="host id of the FTP server")
    user: str
    password: str
    failed_passwords: list[str] = Field(default_factory=list)
    files: list[FtpFileSpec] = Field(min_length=1)
    software: Literal["vsftpd", "filezilla", "proftpd"] = Field("vsftpd", description="the server's software")
    ftp_client: Literal["ftplib", "filezilla", "command_line"] = Field(
        "ftplib", description="the client: a script (Python ftplib), FileZilla, or the Linux ftp command"
    )
    port: int = Field(21, ge=1, le=65535)

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols import ftp
        from labkit.evidence.network.protocols.ftp_servers import FILEZILLA_SERVER, PROFTPD, VSFTPD
        from labkit.story.network.sessions import run_script

        FTP_SERVERS = {"vsftpd": VSFTPD, "proftpd": PROFTPD, "filezilla": FILEZILLA_SERVER}
        FTP_CLIENTS = {"ftplib": ftp.FTPLIB, "filezilla": ftp.FILEZILLA, "command_line": ftp.COMMAND_LINE}

        runtime = self.network(ctx)
        client, server = self.client(ctx), runtime.host(self.server)
        label = self.label()
        rng = ctx.rng("ftp", label)
        start = to_us(when)
        runtime.advance(start)
        transfers = []
        for index, spec in enumerate(self.files):
            name, data, _ = spec.render(ctx, f"{label}:file:{index}", when)
            transfers.append(
                ftp.FtpTransfer(
                    command="STOR" if spec.direction == "upload" else "RETR",
                    data=data,
                    data_port=rng.randrange(40000, 50000),  # vsftpd's pasv_min_port..pasv_max_port
                    name=name,
                    mark=f"file{index}",
                )
            )
        steps = ftp.ftp_session(
            rng,
            server_ip=str(server.ipv4),
            username=ctx.render(self.user),
            password=ctx.render(self.password),
            wrong_passwords=[ctx.render(p) for p in self.failed_passwords],
            transfers=transfers,
            server=FTP_SERVERS[self.software],
            client=_typing_at_login(FTP_CLIENTS[self.ftp_client], bool(self.failed_passwords)),
        )
        _, connection = open_connection(runtime, client, server, self.port, start, label, prefer=("ftp",))
        run = run_script(runtime, connection, steps, client, server, label)
        connection.close("client")
        runtime.finished(connection)
        files = []
        for index, transfer in enumerate(transfers):
            files.append(
                {
                    "name": transfer.name,
                    "direction": self.files[index].direction,
                    "data_stream": run.data_streams[index] if index < len(run.data_streams) else None,
                    **_digests(transfer.data),
                }
            )
        first = files[0]
        return connection_facts(
            runtime,
            connection,
            client,
            server,
            user=ctx.render(self.user),
            password=ctx.render(self.password),
            login_frame=run.marks["login"].first,
            login_time=from_us(run.marks["login"].start_us, ctx.zone).isoformat(),
            first_frame=connection.sessions[0].syn,
            last_frame=StreamEnd(connection.stream),
            started=when.isoformat(),
            files=files,
            files_count=len(files),
            file_name=first["name"],
            file_size=first["size"],
            file_md5=first["md5"],
            file_sha256=first["sha256"],
            data_stream=first["data_stream"],
            bytes_uploaded=sum(f["size"] for f in files if f["direction"] == "upload"),
            server_software=self.software,
        )


class MailAuthSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str
    password: str
    mechanism: Literal["LOGIN", "PLAIN"] = "LOGIN"


class SmtpSend(NetworkAction):
    """A mail submitted over SMTP (cleartext AUTH), with attachments."""

    action_name: ClassVar[str] = "smtp.send"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        *CONNECTION_FACTS,
        "user",
        "password",
        "auth_frame",
        "sender",
        "recipients",
        "subject",
        "message_id",
        "message_sha256",
        "message_size",
        "attachments",
        "attachment_name",
        "attachment_size",
        "attachment_md5",
        "attachment_sha256",
        "data_frame",
        "date",
    )
    server: str = Field(description="host id of the mail server")
    port: int = Field(587, ge=1, le=65535)
    auth: MailAuthSpec | None = None
    sender: str = Field(alias="from")
    sender_name: str = ""
    to: list[str] = Field(min_length=1)
    cc: list[str] = Field(default_factory=list)
    subject: str
    body: str = ""
    attachments: list[PayloadSpec] = Field(default_factory=list)
    helo: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols import mime, smtp
        from labkit.story.network.sessions import run_script

        runtime = self.network(ctx)
        client, server = self.client(ctx), runtime.host(self.server)
        label = self.label()
        rng = ctx.rng("smtp", label)
        start = to_us(when)
        runtime.advance(start)
        attachments = []
        for index, spec in enumerate(self.attachments):
            name, data, _ = spec.render(ctx, f"{label}:attachment:{index}", when)
            attachments.append((name, data))
        sender = ctx.render(self.sender)
        recipients = [ctx.render(r) for r in self.to]
        cc = [ctx.render(r) for r in self.cc]
        domain = sender.rsplit("@", 1)[-1]
        message_id = mime.thunderbird_message_id(rng, domain)
        message = mime.mime_message(
            sender=mime.Mailbox(sender, ctx.render(self.sender_name)),
            to=[mime.Mailbox(r) for r in recipients],
            cc=[mime.Mailbox(r) for r in cc],
            subject=ctx.render(self.subject),
            text=ctx.render(self.body),
            attachments=[mime.Attachment(name, data, _attachment_type(name)) for name, data in attachments],
            date=when.astimezone(ctx.zone),
            message_id=message_id,
            boundary=mime.thunderbird_boundary(rng),
        )
        server_name = next((n for n in server.names if n.split(".")[0] in ("mail", "smtp")), None)
        steps = smtp.smtp_session(
            rng,
            server_name=server_name or (server.names[0] if server.names else server.hostname),
            helo_name=ctx.render(self.helo) if self.helo else f"[{client.ipv4}]",
            mail_from=sender,
            recipients=recipients + cc,
            message=message,
            auth=self.auth.mechanism.lower() if self.auth else None,  # type: ignore[arg-type]
            username=ctx.render(self.auth.user) if self.auth else "",
            password=ctx.render(self.auth.password) if self.auth else "",
            banner_os="Ubuntu" if "ubuntu" in server.os.lower() else "Debian/GNU",
        )
        _, connection = open_connection(
            runtime, client, server, self.port, start, label, prefer=("mail", "smtp")
        )
        run = run_script(runtime, connection, steps, client, server, label)
        connection.close("client")
        runtime.finished(connection)
        files = [{"name": name, **_digests(data)} for name, data in attachments]
        first = files[0] if files else {}
        return connection_facts(
            runtime,
            connection,
            client,
            server,
            user=ctx.render(self.auth.user) if self.auth else None,
            password=ctx.render(self.auth.password) if self.auth else None,
            auth_frame=run.marks["auth"].first if "auth" in run.marks else None,
            data_frame=run.marks["message"].first if "message" in run.marks else None,
            first_frame=connection.sessions[0].syn,
            last_frame=StreamEnd(connection.stream),
            started=when.isoformat(),
            sender=sender,
            recipients=", ".join(recipients + cc),
            subject=ctx.render(self.subject),
            message_id=message_id,
            # What Wireshark's IMF export saves: the DATA content, still dot-stuffed.
            message_sha256=hashlib.sha256(smtp.dot_stuff(message)).hexdigest(),
            message_size=len(message),
            attachments=files,
            attachment_name=first.get("name"),
            attachment_size=first.get("size"),
            attachment_md5=first.get("md5"),
            attachment_sha256=first.get("sha256"),
            date=from_us(start, ctx.zone).isoformat(),
        )


def _attachment_type(name: str) -> str:
    import mimetypes

    return mimetypes.types_map.get("." + name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _typing_at_login(client: Any, retyped: bool) -> Any:
    """A script that asks for the password (getpass) when its stored one is refused: a person types."""
    from dataclasses import replace

    if retyped and client.login_think_us is None:
        return replace(client, login_think_us=(2_500_000, 7_000_000))
    return client

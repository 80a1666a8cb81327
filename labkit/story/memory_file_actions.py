"""Files and sockets of processes on an imaged Linux host: opened, deleted while open, listening."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator

from labkit.evidence.memory.spec import OpenFile
from labkit.story.base import ActionFailed
from labkit.story.memory.action_base import PORT_DESCRIPTION, MemoryAction, check_port, render_port
from labkit.story.memory.host import REGULAR
from labkit.story.memory.refs import FileStateRef

if TYPE_CHECKING:
    from labkit.story.context import StoryContext


def _next_fd(files: list[OpenFile]) -> int:
    used = {f.fd for f in files}
    return next(fd for fd in range(3, 1 << 20) if fd not in used)


class FileOpen(MemoryAction):
    """A process opens (or creates) a file and keeps it open; its content is in the page cache."""

    action_name: ClassVar[str] = "file.open"
    fact_fields: ClassVar[tuple[str, ...]] = ("pid", "fd", "path", "inode", "deleted")
    process: str = Field(description="handle of the process")
    path: str = Field(description="absolute path (templates allowed)")
    content: str | None = Field(None, description="text the file holds (created if it does not exist)")
    content_from: str | None = Field(None, description="id of an earlier action whose bytes the file holds")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        path = ctx.render(self.path)
        if not path.startswith("/"):
            raise ActionFailed(f"path: {path!r} is not an absolute path")
        data = b""
        if self.content_from is not None:
            data = ctx.payloads.get(self.content_from, b"")
            if not data:
                raise ActionFailed(
                    f"content_from: no action with id {self.content_from!r} wrote bytes before"
                )
        elif self.content is not None:
            data = ctx.render(self.content).encode()
        record = host.file(
            path, content=data, mode=REGULAR | 0o644, uid=process.uid, gid=process.gid, mtime=when
        )
        fd = _next_fd(process.files)
        process.files.append(OpenFile(fd, path))
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "pid": process.pid,
            "fd": fd,
            "path": path,
            "inode": record.inode,
            "deleted": FileStateRef(record),
            "opened": when.isoformat(),
        }


class FileCached(MemoryAction):
    """A file written or read recently on the imaged host (a crontab, a config): not held open, but its
    contents are in the page cache, so they are in the image (and in `strings`, among thousands of others)."""

    action_name: ClassVar[str] = "file.cached"
    path: str = Field(description="absolute path (templates allowed)")
    content: str = Field(description="the file's text (templates allowed)")
    owner: str | None = Field(None, description="account owning the file; default root")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        path = ctx.render(self.path)
        if not path.startswith("/"):
            raise ActionFailed(f"path: {path!r} is not an absolute path")
        account = host.account(ctx.render(self.owner)) if self.owner else host.account("root")
        record = host.file(
            path,
            content=ctx.render(self.content).encode(),
            uid=account.uid,
            gid=account.gid,
            mode=REGULAR | 0o600,
            mtime=when,
        )
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "path": path,
            "inode": record.inode,
            "written": when.isoformat(),
        }


class FileUnlink(MemoryAction):
    """A file is deleted (`rm`) on an imaged host; if a process still maps or holds it, the inode lives on
    and linux.lsof / linux.proc.Maps show it as "(deleted)"."""

    action_name: ClassVar[str] = "file.unlink"
    fact_fields: ClassVar[tuple[str, ...]] = ("path", "inode", "held_by")
    path: str

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        path = ctx.render(self.path)
        record = host.unlink(path)
        holders = sorted(
            p.pid
            for p in host.processes.values()
            if p.exe == path or path in p.libraries or any(f.path == path for f in p.files)
        )
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "path": path,
            "inode": record.inode,
            "held_by": holders,
            "deleted_at": when.isoformat(),
        }


class SocketListen(MemoryAction):
    """A process listens on a port (a bind shell, a backdoor) or binds a UDP port."""

    action_name: ClassVar[str] = "socket.listen"
    fact_fields: ClassVar[tuple[str, ...]] = ("pid", "fd", "inode", "address", "port", "protocol")
    process: str = Field(description="handle of the process")
    port: int | str = Field(description=PORT_DESCRIPTION)

    _port = field_validator("port")(lambda cls, v: check_port(v))
    protocol: Literal["tcp", "udp", "tcp6", "udp6"] = "tcp"
    address: str = Field("0.0.0.0", description="local address ('::' for tcp6/udp6)")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        port = render_port(ctx, self.port)
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        ipv6 = self.protocol.endswith("6")
        address = ctx.render(self.address)
        if ipv6 and address == "0.0.0.0":
            address = "::"
        stream = self.protocol.startswith("tcp")
        for sock in host.sockets.values():
            if (
                sock.local_port == port
                and sock.state in ("LISTEN", "UNCONNECTED")
                and sock.type == ("STREAM" if stream else "DGRAM")
                and sock.family != "AF_UNIX"
                and (sock.family == "AF_INET6") == ipv6
            ):
                raise ActionFailed(f"port {port}/{self.protocol} is already bound on {self.host}")
        socket = host.socket(
            when,
            family="AF_INET6" if ipv6 else "AF_INET",
            type="STREAM" if stream else "DGRAM",
            state="LISTEN" if stream else "UNCONNECTED",
            local_addr=address,
            local_port=port,
        )
        fd = _next_fd(process.files)
        process.files.append(OpenFile(fd, socket=socket.inode))
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "pid": process.pid,
            "fd": fd,
            "inode": socket.inode,
            "address": address,
            "port": port,
            "protocol": self.protocol,
        }

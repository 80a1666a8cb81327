"""Files and sockets of processes on an imaged Linux host: opened, deleted while open, listening."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from labkit.evidence.memory.spec import OpenFile
from labkit.story.base import ActionFailed, PathEffect
from labkit.story.memory.action_base import PORT_DESCRIPTION, MemoryAction, check_port, render_port
from labkit.story.memory.host import REGULAR
from labkit.story.memory.refs import FileStateRef

if TYPE_CHECKING:
    from labkit.story.context import StoryContext


def next_fd(files: list[OpenFile]) -> int:
    used = {f.fd for f in files}
    return next(fd for fd in range(3, 1 << 20) if fd not in used)


class FileOpen(MemoryAction):
    """A process opens (or creates) a file and keeps it open; its content is in the page cache."""

    action_name: ClassVar[str] = "file.open"
    path_effect: ClassVar[PathEffect | None] = "create"  # on the imaged host, not on a scenario disk
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
        fd = next_fd(process.files)
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
    path_effect: ClassVar[PathEffect | None] = "create"  # on the imaged host
    fact_fields: ClassVar[tuple[str, ...]] = ("path", "inode", "written")
    path: str = Field(description="absolute path (templates allowed)")
    content: str | None = Field(None, description="the file's text (templates allowed)")
    content_from: str | None = Field(None, description="id of an earlier action whose bytes the file holds")
    owner: str | None = Field(None, description="account owning the file; default root")
    mode: str = Field("0600", pattern=r"^0?[0-7]{3,4}$", description="permission bits in octal")

    @model_validator(mode="after")
    def _one_source(self) -> FileCached:
        if (self.content is None) == (self.content_from is None):
            raise ValueError("give exactly one of content or content_from")
        return self

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        path = ctx.render(self.path)
        if not path.startswith("/"):
            raise ActionFailed(f"path: {path!r} is not an absolute path")
        account = host.account(ctx.render(self.owner)) if self.owner else host.account("root")
        if self.content_from is not None:
            data = ctx.payloads.get(self.content_from, b"")
            if not data:
                raise ActionFailed(
                    f"content_from: no action with id {self.content_from!r} wrote bytes before"
                )
        else:
            data = ctx.render(self.content or "").encode()
        record = host.file(
            path,
            content=data,
            uid=account.uid,
            gid=account.gid,
            mode=REGULAR | int(self.mode, 8),
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
    path_effect: ClassVar[PathEffect | None] = "remove"  # on the imaged host
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
    """A process listens on a port (a bind shell, a backdoor), binds a UDP port, or listens on a Unix
    socket (``protocol: unix`` with the socket's path as ``address``)."""

    action_name: ClassVar[str] = "socket.listen"
    fact_fields: ClassVar[tuple[str, ...]] = ("pid", "fd", "inode", "address", "port", "protocol")
    process: str = Field(description="handle of the process")
    port: int | str | None = Field(None, description=PORT_DESCRIPTION + "; none for unix")
    protocol: Literal["tcp", "udp", "tcp6", "udp6", "unix"] = "tcp"
    address: str = Field("0.0.0.0", description="local address ('::' for tcp6/udp6, the path for unix)")

    _port = field_validator("port")(lambda cls, v: v if v is None else check_port(v))

    @model_validator(mode="after")
    def _port_or_path(self) -> SocketListen:
        if self.protocol == "unix":
            if self.port is not None:
                raise ValueError("a unix socket has a path ('address'), not a port")
            if not self.address.startswith(("/", "@", "{{")):
                raise ValueError("address: a unix socket's path is absolute (or @abstract)")
        elif self.port is None:
            raise ValueError("port: give the port the process listens on")
        return self

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        address = ctx.render(self.address)
        if self.protocol == "unix":
            port = None
            family, kind = "AF_UNIX", "STREAM"
        else:
            port = render_port(ctx, self.port)  # type: ignore[arg-type]
            ipv6 = self.protocol.endswith("6")
            if ipv6 and address == "0.0.0.0":
                address = "::"
            family, kind = (
                ("AF_INET6" if ipv6 else "AF_INET"),
                ("STREAM" if self.protocol.startswith("tcp") else "DGRAM"),
            )
        for sock in host.sockets.values():
            same_port = port is not None and sock.local_port == port
            same_path = port is None and sock.local_addr == address
            if (
                (same_port or same_path)
                and sock.state in ("LISTEN", "UNCONNECTED")
                and (sock.family, sock.type) == (family, kind)
            ):
                raise ActionFailed(
                    f"{address if port is None else port}/{self.protocol} is already bound on {self.host}"
                )
        socket = host.socket(
            when,
            family=family,
            type=kind,
            state="LISTEN" if kind == "STREAM" else "UNCONNECTED",
            local_addr=address,
            local_port=port or 0,
        )
        fd = next_fd(process.files)
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

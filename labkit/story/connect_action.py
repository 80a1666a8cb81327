"""A process on an imaged host connects out (an implant's C2 channel, a miner's pool): one socket in RAM,
the same flow in the capture when the scenario has one, still open when the RAM is acquired."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator

from labkit.evidence.memory.spec import OpenFile
from labkit.story.base import ActionFailed
from labkit.story.memory.action_base import PORT_DESCRIPTION, MemoryAction, check_port, render_port
from labkit.story.memory_file_actions import next_fd
from labkit.story.network.action_base import CONNECTION_FACTS, connection_facts
from labkit.story.network.runtime import StreamEnd, from_us, to_us

if TYPE_CHECKING:
    from labkit.story.context import StoryContext

CONNECT_FACTS = ("pid", "fd", "inode", "local_port", "remote_ip", "remote_port", "state")


class SocketConnect(MemoryAction):
    """``process`` connects to ``to``:``port`` over TCP and keeps the connection open; ``send`` and
    ``reply`` are the first bytes each side writes (a beacon and its answer)."""

    action_name: ClassVar[str] = "socket.connect"
    media: ClassVar[tuple[str, ...]] = ("memory", "network")
    fact_fields: ClassVar[tuple[str, ...]] = (
        *CONNECT_FACTS,
        *(f for f in CONNECTION_FACTS if f not in ("finished", "client", "server", "capture")),
    )

    process: str = Field(description="handle of the process that connects")
    to: str = Field(description="host id of the peer (a host with a network identity)")
    port: int | str = Field(description=PORT_DESCRIPTION)
    protocol: Literal["tcp"] = "tcp"
    send: str = Field("", description="what the process sends first (templates allowed)")
    reply: str = Field("", description="what the peer answers")

    _port = field_validator("port")(lambda cls, v: check_port(v))

    def host_refs(self) -> list[tuple[str, str]]:
        return [("host", self.host), ("to", self.to)]

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        port = render_port(ctx, self.port)
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        if ctx.network is None:
            raise ActionFailed("socket.connect needs a 'network:' section with a capture point")
        runtime = ctx.network
        client, server = runtime.host(self.host), runtime.host(ctx.render(self.to))
        connection = runtime.tcp(client, server, port, to_us(when), f"socket.connect:{self.id}:{self.host}")
        connection.connect()
        rng = ctx.rng("socket.connect", self.id or self.host)
        if self.send:
            connection.send("client", ctx.render(self.send).encode(), think_us=500 + rng.randrange(5_000))
        if self.reply:
            connection.send(
                "server", ctx.render(self.reply).encode(), think_us=20_000 + rng.randrange(80_000)
            )
        runtime.finished(connection)
        socket = host.socket(
            when + timedelta(microseconds=1),
            family="AF_INET", type="STREAM", state="ESTABLISHED",
            local_addr=str(client.ipv4), local_port=connection.client_port,
            remote_addr=str(server.ipv4), remote_port=port,
        )  # fmt: skip
        fd = next_fd(process.files)
        process.files.append(OpenFile(fd, socket=socket.inode))
        facts = connection_facts(runtime, connection, client, server)
        for name in ("finished", "client", "server"):
            facts.pop(name, None)
        facts.update(
            host=host.host_id,
            memory=host.image_id,
            pid=process.pid,
            fd=fd,
            inode=socket.inode,
            local_port=connection.client_port,
            remote_ip=str(server.ipv4),
            remote_port=port,
            state="ESTABLISHED",
            first_frame=connection.sessions[0].syn,
            last_frame=StreamEnd(connection.stream),
            started=from_us(connection.sessions[0].syn.ts_us, ctx.zone).isoformat(),
        )
        return facts

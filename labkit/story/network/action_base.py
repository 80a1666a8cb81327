"""What every network action shares: the host that acts, cross-medium content, facts of a connection."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labkit.story.base import Action, ActionFailed
from labkit.story.content import ContentSpec, render_content

if TYPE_CHECKING:
    from labkit.story.context import StoryContext
    from labkit.story.network.hosts import NetHost
    from labkit.story.network.runtime import NetworkRuntime

#: Facts every connection-based action records.
CONNECTION_FACTS = (
    "client",
    "client_ip",
    "client_mac",
    "client_port",
    "server",
    "server_ip",
    "server_port",
    "tcp_stream",
    "first_frame",
    "last_frame",
    "started",
    "finished",
    "capture",
)


class NetworkAction(Action):
    """An action of a host on the network (the client side of what it does)."""

    host: str = Field(description="id of the host that acts (it needs a 'network:' identity)")

    def host_refs(self) -> list[tuple[str, str]]:
        """(field, host id) of every host this action names (checked when the scenario is loaded)."""
        refs = [("host", self.host)]
        for name in ("server", "target"):
            value = getattr(self, name, None)
            if isinstance(value, str) and "{{" not in value:
                refs.append((name, value))
        return refs

    def network(self, ctx: StoryContext) -> NetworkRuntime:
        if ctx.network is None:
            raise ActionFailed("this scenario has no 'network:' section with a capture point")
        return ctx.network

    def client(self, ctx: StoryContext) -> NetHost:
        return self.network(ctx).host(self.host)

    def label(self, index_hint: str = "") -> str:
        return f"{self.action_name}:{self.id or ''}:{self.host}:{index_hint}"


class PayloadSpec(BaseModel):
    """Bytes carried over the network: generated content, or the bytes of a file an earlier action wrote."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="file name as sent (templates allowed)")
    content: ContentSpec | None = None
    from_file: str | None = Field(None, description="id of an earlier file action whose bytes are sent")

    @model_validator(mode="after")
    def _one_source(self) -> PayloadSpec:
        if (self.content is None) == (self.from_file is None):
            raise ValueError("give exactly one of content or from_file")
        return self

    def render(self, ctx: StoryContext, label: str, when: datetime) -> tuple[str, bytes, dict[str, Any]]:
        name = ctx.render(self.name)
        if self.from_file is not None:
            try:
                return name, ctx.payloads[self.from_file], {}
            except KeyError:
                raise ActionFailed(
                    f"from_file: no file was written by an action with id {self.from_file!r} before this one"
                ) from None
        assert self.content is not None
        rendered = render_content(
            self.content, ctx, label=label, local_time=when.astimezone(ctx.zone).replace(tzinfo=None)
        )
        return name, rendered.data, dict(rendered.metadata)


def connection_facts(
    runtime: NetworkRuntime, connection: Any, client: NetHost, server: NetHost, **extra: Any
) -> dict[str, Any]:
    from labkit.story.network.runtime import from_us

    return {
        "client": client.id,
        "client_ip": connection.client_ip,
        "client_mac": client.mac,
        "client_port": connection.client_port,
        "server": server.id,
        "server_ip": connection.server_ip,
        "server_port": connection.server_port,
        "tcp_stream": connection.stream,
        "capture": connection.point.spec.id,
        "finished": from_us(connection.now_us, runtime_zone(runtime)).isoformat(),
        **extra,
    }


def runtime_zone(runtime: NetworkRuntime) -> Any:
    return runtime.zone


def open_connection(
    runtime: NetworkRuntime,
    client: NetHost,
    server: NetHost,
    port: int,
    start_us: int,
    label: str,
    *,
    prefer: tuple[str, ...] = (),
) -> tuple[Any, Any]:
    """Resolve the server's name first (as a client given a name does), then connect; (lookup, connection).

    ``prefer``: first labels that suit the service (``ftp``, ``mail``), when the server has several names.
    """
    lookup = None
    if server.names:
        name = next((n for n in server.names if n.split(".", 1)[0] in prefer), server.names[0])
        lookup = runtime.lookup(client, name, start_us, label)
        start_us = lookup.end_us + 150 + runtime.rng_for("connect", label).randrange(900)
    connection = runtime.tcp(client, server, port, start_us, label)
    connection.connect()
    return lookup, connection

"""Protocol sessions on the runtime's connections: a script of writes becomes TCP segments.

Protocol builders (``labkit.evidence.network.protocols``) say WHAT is written, in which order and after
how much thought; the TCP engine says how it looks on the wire. An FTP data connection is opened where
the script says so, on the port the server announced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labkit.evidence.network.protocols.script import DataConnection, Say

if TYPE_CHECKING:
    from labkit.story.network.hosts import NetHost
    from labkit.story.network.runtime import Connection, Lookup, NetworkRuntime


@dataclass
class ScriptRun:
    """Frames and streams of a rendered script, by the marks the protocol builder put on its steps."""

    connection: Connection
    marks: dict[str, Any] = field(default_factory=dict)
    data_streams: list[Any] = field(default_factory=list)
    data_transfers: list[Any] = field(default_factory=list)
    end_us: int = 0
    resume_us: int = 0


def run_script(
    runtime: NetworkRuntime,
    connection: Connection,
    steps: list[Any],
    client: NetHost,
    server: NetHost,
    label: str,
    *,
    story: bool = True,
) -> ScriptRun:
    """Send each step on ``connection`` (opening data connections as the script asks)."""
    run = ScriptRun(connection)
    opened: dict[int, Connection] = {}
    for index, step in enumerate(steps):
        if isinstance(step, Say):
            # After a data connection, the control connection speaks again only once it is over.
            behind = max(0, run.resume_us - connection.now_us)
            transfer = connection.send(step.sender, step.data, think_us=step.think_us + behind)
            run.resume_us = 0
            if step.mark:
                run.marks[step.mark] = transfer
            follower = _data_connection_announced(steps, index)
            if follower is not None:
                # A passive-mode client connects as soon as the 227/229 reply names the port.
                data = runtime.tcp(
                    client,
                    server,
                    steps[follower].server_port,
                    connection.now_us + 300,
                    f"{label}:data:{follower}",
                    story=story,
                )
                data.connect()
                opened[follower] = data
        elif isinstance(step, DataConnection):
            data = opened.pop(index, None)
            if data is None:
                data = runtime.tcp(
                    client,
                    server,
                    step.server_port,
                    connection.now_us + 800,
                    f"{label}:data:{index}",
                    story=story,
                )
                data.connect()
            transfer = data.send(step.sender, step.data, think_us=2_000) if step.data else None
            data.close(step.sender)
            runtime.finished(data)
            run.data_streams.append(data.stream)
            run.data_transfers.append(transfer)
            if step.mark:
                run.marks[f"{step.mark}.data"] = transfer
                run.marks[f"{step.mark}.stream"] = data.stream
            run.resume_us = data.now_us
        else:  # pragma: no cover - builders only make the two kinds
            raise TypeError(f"unknown script step {step!r}")
    run.end_us = connection.now_us
    return run


def _data_connection_announced(steps: list[Any], index: int) -> int | None:
    """The index of the DataConnection whose port the server's reply at ``index`` announces, if any."""
    step = steps[index]
    if step.sender != "server" or not step.data.startswith((b"227 ", b"229 ")):
        return None
    for later in range(index + 1, len(steps)):
        if isinstance(steps[later], DataConnection):
            return later
    return None


def tls_session(
    runtime: NetworkRuntime,
    client: NetHost,
    server_name: str,
    at_us: int,
    label: str,
    *,
    server: NetHost | None = None,
    upload: int | None = None,
    download: int | None = None,
    story: bool = True,
) -> tuple[Lookup, Connection, Any]:
    """Lookup, handshake, a TLS 1.3 exchange with opaque records, and a FIN close."""
    from labkit.evidence.network.protocols import tls

    rng = runtime.rng_for("tls", label)
    lookup = runtime.lookup(client, server_name, at_us, label, story=story)
    if server is None:
        assert lookup.answer is not None or lookup.cached
        server = runtime.remote(runtime.resolve_name(server_name).address, server_name)
    connection = runtime.tcp(
        client, server, 443, lookup.end_us + 100 + rng.randrange(900), label, story=story
    )
    connection.connect()
    hello_bytes = tls.client_hello(server_name, rng)
    hello = connection.send("client", hello_bytes, think_us=200 + rng.randrange(800))
    connection.send("server", tls.server_flight(rng, hello_bytes), think_us=1_000 + rng.randrange(9_000))
    connection.send("client", tls.client_finished(rng), think_us=300 + rng.randrange(700))
    up = upload if upload is not None else 400 + rng.randrange(1_800)
    down = download if download is not None else 2_000 + int(rng.paretovariate(1.3) * 6_000)
    connection.send("client", tls.application_data(up, rng), think_us=100 + rng.randrange(500))
    connection.send(
        "server", tls.application_data(min(down, 4_000_000), rng), think_us=5_000 + rng.randrange(60_000)
    )
    # Browsers keep idle TLS connections a while; the server or the browser ends them later.
    idle = rng.randrange(2_000_000, 60_000_000)
    connection.close("client" if rng.random() < 0.6 else "server", think_us=idle)
    runtime.finished(connection) if story else None
    return lookup, connection, hello

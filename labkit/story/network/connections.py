"""Connections of the story, rendered into every capture point that sees them (facts come from the first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from labkit.evidence.network.wire import FrameRef, StreamRef, TcpSession, UdpFlow

if TYPE_CHECKING:
    from labkit.story.network.runtime import CapturePoint


class Connection:
    """A TCP connection rendered into every capture point that sees it; facts come from the first."""

    def __init__(
        self, sessions: list[TcpSession], point: CapturePoint, client_port: int, server_port: int
    ) -> None:
        self.sessions = sessions
        self.point = point
        self.client_port = client_port
        self.server_port = server_port
        self.client_ip = ""
        self.server_ip = ""

    @property
    def now_us(self) -> int:
        return self.sessions[0].now_us

    @property
    def stream(self) -> StreamRef:
        return self.sessions[0].stream

    def _all(self, method: str, *args: Any, **kwargs: Any) -> Any:
        results = [getattr(session, method)(*args, **kwargs) for session in self.sessions]
        return results[0]

    def connect(self) -> Any:
        return self._all("connect")

    def refuse(self) -> FrameRef:
        return self._all("refuse")

    def send(self, sender: Literal["client", "server"], data: bytes, **kwargs: Any) -> Any:
        return self._all("send", sender, data, **kwargs)

    def close(
        self, initiator: Literal["client", "server"] = "client", how: str = "fin", **kwargs: Any
    ) -> FrameRef:
        return self._all("close", initiator, how, **kwargs)

    def half_open(self) -> FrameRef:
        return self._all("half_open")


class Datagrams:
    """A UDP flow rendered into every capture point that sees it."""

    def __init__(self, flows: list[UdpFlow]) -> None:
        self.flows = flows

    @property
    def stream(self) -> StreamRef:
        return self.flows[0].stream

    def send(self, sender: Literal["client", "server"], payload: bytes, *, at_us: int) -> FrameRef:
        refs = [flow.send(sender, payload, at_us=at_us) for flow in self.flows]
        return refs[0]

"""What an application conversation looks like, independent of TCP.

Protocol builders return a script: the writes each side makes, in order, with the
time the writer waits before each one. The wire layer turns a script into segments,
ACKs and timestamps; keeping the two apart lets one script be rendered at several
capture points and keeps the builders pure (bytes in, bytes out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from labkit.errors import PayloadValueError

Sender = Literal["client", "server"]
_SENDERS = ("client", "server")


@dataclass(frozen=True)
class Say:
    """One application write on a connection.

    ``think_us`` is how long the sender waits after the previous step of the script
    (its own write or the peer's) before writing; ``mark`` labels a write whose frame,
    time or stream the integrator records as a fact ("login", "stor", ...).
    """

    sender: Sender
    data: bytes
    think_us: int = 0
    mark: str | None = None

    def __post_init__(self) -> None:
        _check_sender(self.sender)
        if self.think_us < 0:
            raise PayloadValueError(f"think_us must be >= 0 (got {self.think_us})")
        if not self.data:
            raise PayloadValueError(
                "a Say must carry at least one byte: an empty write puts nothing on the wire"
            )


@dataclass(frozen=True)
class DataConnection:
    """A second TCP connection opened at this point of the script (FTP passive mode).

    The client connects to ``server_port`` (the port the server announced in its 227
    or 229 reply), ``sender`` writes ``data`` and closes; the control conversation
    resumes after the data connection is closed.
    """

    server_port: int
    sender: Sender
    data: bytes
    mark: str | None = None

    def __post_init__(self) -> None:
        _check_sender(self.sender)
        if not 1 <= self.server_port <= 65535:
            raise PayloadValueError(f"server_port must be 1..65535 (got {self.server_port})")


Step = Say | DataConnection


def transcript(steps: Iterable[Step], sender: Sender) -> bytes:
    """All ``sender`` writes on the control connection, concatenated (what 'Follow TCP Stream' shows)."""
    return b"".join(step.data for step in steps if isinstance(step, Say) and step.sender == sender)


def marked(steps: Sequence[Step], mark: str) -> list[Step]:
    """The steps carrying ``mark``, in script order."""
    return [step for step in steps if step.mark == mark]


def _check_sender(sender: str) -> None:
    if sender not in _SENDERS:
        raise PayloadValueError(f"sender must be 'client' or 'server' (got {sender!r})")

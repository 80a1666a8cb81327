"""Script steps validate what they carry and offer the views the integrator needs."""

from __future__ import annotations

import pytest

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.script import DataConnection, Say, marked, transcript


def test_transcript_and_marks() -> None:
    steps = [
        Say("server", b"220 hi\r\n"),
        Say("client", b"USER a\r\n", think_us=1500, mark="login"),
        DataConnection(50000, "client", b"file", mark="stor"),
        Say("server", b"226 ok\r\n"),
    ]
    assert transcript(steps, "server") == b"220 hi\r\n226 ok\r\n"
    assert transcript(steps, "client") == b"USER a\r\n"
    assert marked(steps, "stor") == [steps[2]]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Say("attacker", b"x"),  # type: ignore[arg-type]
        lambda: Say("client", b"x", think_us=-1),
        lambda: Say("client", b""),
        lambda: DataConnection(0, "client", b"x"),
    ],
)
def test_invalid_steps_raise(build: object) -> None:
    with pytest.raises(PayloadValueError):
        build()  # type: ignore[operator]

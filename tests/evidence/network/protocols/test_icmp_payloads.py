"""Ping payloads: exact bytes, and what tshark makes of the Linux timestamp."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from protocol_captures import columns, expert_problems, icmp_capture

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.icmp_payloads import (
    WINDOWS_PING_PAYLOAD,
    linux_ping_payload,
    windows_ping_payload,
)

SENT = datetime(2024, 1, 8, 4, 15, 42, 123_456, tzinfo=UTC)


def test_windows_payload_is_the_alphabet_to_w() -> None:
    assert windows_ping_payload() == WINDOWS_PING_PAYLOAD == b"abcdefghijklmnopqrstuvwabcdefghi"
    assert windows_ping_payload(50) == b"abcdefghijklmnopqrstuvw" * 2 + b"abcd"
    assert windows_ping_payload(0) == b""


def test_linux_payload_layout() -> None:
    payload = linux_ping_payload(SENT)
    assert len(payload) == 56
    assert int.from_bytes(payload[:8], "little") == int(SENT.timestamp())
    assert int.from_bytes(payload[8:16], "little") == 123_456
    assert payload[16:] == bytes(range(0x10, 0x38))
    assert linux_ping_payload(SENT, timeval_size=8)[8:] == bytes(range(0x08, 0x38))


def test_tshark_reads_the_timestamp_of_a_32_bit_timeval(tmp_path: Path) -> None:
    capture = icmp_capture(
        tmp_path / "ping.pcap", linux_ping_payload(SENT, timeval_size=8), at=SENT.timestamp()
    )
    assert expert_problems(capture) == []
    shown = columns(capture, "icmp.data_time", "icmp.resp_to")
    assert shown["icmp.data_time"][0] == "Jan  8, 2024 04:15:42.123456000 UTC"
    assert shown["icmp.resp_to"] == ["1"]  # the reply echoes the same data


def test_tshark_4_0_shows_whole_seconds_for_a_64_bit_timeval(tmp_path: Path) -> None:
    """Wireshark 4.0 reads only the 8-octet (32-bit) timeval: on a real x86-64 Linux ping it shows the
    right second and .000000 (it takes the upper half of tv_sec as tv_usec). Our payload behaves alike."""
    capture = icmp_capture(tmp_path / "ping.pcap", linux_ping_payload(SENT), at=SENT.timestamp())
    assert columns(capture, "icmp.data_time")["icmp.data_time"][0] == "Jan  8, 2024 04:15:42.000000000 UTC"


def test_invalid_sizes() -> None:
    with pytest.raises(PayloadValueError):
        linux_ping_payload(SENT, size=4)
    with pytest.raises(PayloadValueError):
        windows_ping_payload(70000)

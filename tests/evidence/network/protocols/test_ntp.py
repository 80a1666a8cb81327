"""NTP packets: tshark decodes modes, stratum, reference id and the timestamps, across the 2036 era."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest
from protocol_captures import columns, expert_problems, udp_capture

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.ntp import datetime_from_ntp, ntp_request, ntp_response, ntp_timestamp

SENT = datetime(2024, 1, 8, 4, 15, 42, 123_456, tzinfo=UTC)


def _exchange(sent: datetime, tmp_path: Path, **options: object) -> Path:
    request = ntp_request(sent)
    reply = ntp_response(
        request,
        receive=sent + timedelta(milliseconds=17),
        transmit=sent + timedelta(milliseconds=17, microseconds=80),
        reference=sent - timedelta(minutes=9),
        **options,  # type: ignore[arg-type]
    )
    return udp_capture(tmp_path / "ntp.pcap", [("client", request), ("server", reply)], server_port=123)


def test_tshark_reads_request_and_reply(tmp_path: Path) -> None:
    capture = _exchange(SENT, tmp_path, stratum=2, reference_id="195.210.189.106")
    assert expert_problems(capture) == []
    names = (
        "ntp.flags.mode",
        "ntp.flags.vn",
        "ntp.stratum",
        "ntp.refid",
        "ntp.org",
        "ntp.xmt",
        "ntp.rootdelay",
    )
    seen = columns(capture, *names, display_filter="ntp")
    assert seen["ntp.flags.mode"] == ["3", "4"] and seen["ntp.flags.vn"] == ["4", "4"]
    assert seen["ntp.stratum"] == ["0", "2"]
    assert seen["ntp.refid"][-1] == "c3d2bd6a"  # 195.210.189.106
    request_transmit, reply_transmit = seen["ntp.xmt"]
    assert request_transmit.startswith("Jan  8, 2024 04:15:42.12345")
    assert seen["ntp.org"][-1] == request_transmit  # the reply copies the request's transmit timestamp
    assert reply_transmit.startswith("Jan  8, 2024 04:15:42.14053")
    assert seen["ntp.rootdelay"][-1] == str(round(0.015 * 65536))  # 16.16 fixed point, default 15 ms


def test_stratum_one_reference_is_a_source_code(tmp_path: Path) -> None:
    capture = _exchange(SENT, tmp_path, stratum=1, reference_id="GPS")
    assert columns(capture, "ntp.refid")["ntp.refid"][-1] == "47505300"


def test_era_one_after_2036_decodes_to_the_right_date(tmp_path: Path) -> None:
    later = datetime(2040, 5, 1, 12, 0, 0, tzinfo=UTC)
    seconds = int.from_bytes(ntp_timestamp(later)[:4], "big")
    assert seconds < 2**31  # wrapped into era 1
    capture = _exchange(later, tmp_path)
    assert columns(capture, "ntp.xmt")["ntp.xmt"][0].startswith("May  1, 2040 12:00:00")
    assert datetime_from_ntp(ntp_timestamp(later), era=1) == later


def test_fractions_round_trip_to_the_microsecond() -> None:
    for microsecond in (0, 1, 123_456, 500_000, 999_999):
        moment = SENT.replace(microsecond=microsecond)
        assert datetime_from_ntp(ntp_timestamp(moment)) == moment
    fuzzed = ntp_timestamp(SENT, rng=Random(1))
    assert fuzzed[:4] == ntp_timestamp(SENT)[:4] and fuzzed != ntp_timestamp(SENT)
    assert abs(datetime_from_ntp(fuzzed) - SENT) <= timedelta(microseconds=1)


def test_invalid_inputs_are_clear_errors() -> None:
    with pytest.raises(PayloadValueError, match="aware"):
        ntp_request(datetime(2024, 1, 1))
    request = ntp_request(SENT)
    with pytest.raises(PayloadValueError, match="reference <= receive"):
        ntp_response(request, receive=SENT, transmit=SENT - timedelta(seconds=1), reference=SENT)
    with pytest.raises(PayloadValueError, match="mode-3"):
        ntp_response(bytes(48), receive=SENT, transmit=SENT, reference=SENT)

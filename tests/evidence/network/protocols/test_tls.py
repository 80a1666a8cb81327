"""TLS 1.3 handshake bytes: tshark's SNI, JA3 and record view; scapy's TLS layer as a second reader."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path
from random import Random

import pytest
from protocol_captures import column, expert_problems, fields, tcp_capture
from scapy.layers.tls.record import TLS

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.script import Say
from labkit.evidence.network.protocols.tls import (
    CHROME_CIPHER_SUITES,
    application_data,
    client_finished,
    client_hello,
    close_notify,
    new_session_tickets,
    server_flight,
)

CHROME_EXTENSIONS = {0, 5, 10, 11, 13, 16, 18, 23, 27, 35, 43, 45, 51, 17513, 65281}


@pytest.fixture(scope="module")
def connection(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    rng = Random(7)
    hello = client_hello("mail.пример.рф", rng)
    flight = server_flight(rng, hello)
    steps = [
        Say("client", hello),
        Say("server", flight),
        Say("client", client_finished(rng) + application_data(420, rng)),
        Say("server", new_session_tickets(rng) + application_data(40_000, rng)),
        Say("client", close_notify(rng)),
    ]
    return tcp_capture(tmp_path_factory.mktemp("tls") / "tls.pcap", steps, server_port=443), hello, flight


def test_tshark_reads_sni_and_alpn_without_problems(connection: tuple[Path, bytes, bytes]) -> None:
    capture, _, _ = connection
    assert expert_problems(capture) == []
    assert column(capture, "tls.handshake.extensions_server_name") == ["mail.xn--e1afmkfd.xn--p1ai"]
    assert column(capture, "tls.handshake.extensions_alpn_str") == ["h2", "http/1.1"]


def test_ja3_has_chrome_suites_and_extensions_without_grease(connection: tuple[Path, bytes, bytes]) -> None:
    capture, _, _ = connection
    (row,) = fields(
        capture, "tls.handshake.ja3_full", "tls.handshake.ja3", display_filter="tls.handshake.type == 1"
    )
    version, suites, extensions, groups, formats = row[0].split(",")
    assert version == "771"
    assert suites == "-".join(str(code) for code in CHROME_CIPHER_SUITES)
    assert set(map(int, extensions.split("-"))) == CHROME_EXTENSIONS | {21}
    assert (groups, formats) == ("29-23-24", "0")
    assert row[1] == hashlib.md5(row[0].encode()).hexdigest()


def test_hello_is_padded_to_512_octets_like_boringssl(connection: tuple[Path, bytes, bytes]) -> None:
    _, hello, _ = connection
    assert hello[:3] == b"\x16\x03\x01" and len(hello) == 5 + 512


def test_extension_order_is_shuffled_per_connection_but_grease_frames_it() -> None:
    orders = set()
    for seed in range(4):
        parsed = TLS(client_hello("example.com", Random(seed)))
        types = [extension.type for extension in parsed.msg[0].ext]
        assert types[0] & 0x0F0F == 0x0A0A and types[-2] & 0x0F0F == 0x0A0A and types[-1] == 21
        assert set(types[1:-2]) == CHROME_EXTENSIONS
        orders.add(tuple(types[1:-2]))
    assert len(orders) == 4
    fixed = TLS(client_hello("example.com", Random(1), permute_extensions=False)).msg[0].ext
    assert [extension.type for extension in fixed][1:4] == [0, 23, 65281]


def test_server_hello_answers_the_client(connection: tuple[Path, bytes, bytes]) -> None:
    capture, hello, flight = connection
    rows = fields(
        capture,
        "tls.handshake.session_id",
        "tls.handshake.ciphersuite",
        "tls.handshake.extensions.supported_version",
        display_filter="tls.handshake.type == 2",
    )
    ((session_id, suite, version),) = rows
    assert bytes.fromhex(session_id) == hello[44:76] and suite == "0x1301" and version == "0x0304"
    record_types = []
    offset = 0
    while offset < len(flight):
        content_type, _, length = struct.unpack_from(">BHH", flight, offset)
        record_types.append((content_type, length))
        offset += 5 + length
    assert [kind for kind, _ in record_types] == [22, 20, 23, 23, 23, 23]
    lengths = [length for _, length in record_types[2:]]
    assert (
        lengths[0] == 4 + 2 + 9 + 17 and lengths[3] == 4 + 32 + 17
    )  # EncryptedExtensions(ALPN h2), Finished
    assert 2400 <= lengths[1] - 17 - 8 <= 4200


def test_application_data_splits_at_the_record_limit() -> None:
    data = application_data(40_000, Random(1))
    lengths = []
    offset = 0
    while offset < len(data):
        assert data[offset : offset + 3] == b"\x17\x03\x03"
        (length,) = struct.unpack_from(">H", data, offset + 3)
        lengths.append(length)
        offset += 5 + length
    assert lengths == [16384 + 17, 16384 + 17, 40_000 - 2 * 16384 + 17]
    assert close_notify(Random(1))[:5] == b"\x17\x03\x03\x00\x13"


def test_deterministic_and_validated() -> None:
    assert client_hello("a.example", Random(3)) == client_hello("a.example", Random(3))
    assert client_hello("a.example", Random(3)) != client_hello("a.example", Random(4))
    with pytest.raises(PayloadValueError):
        server_flight(Random(1), b"\x17\x03\x03\x00\x01\x00")
    with pytest.raises(PayloadValueError):
        application_data(0, Random(1))

"""A TLS 1.3 handshake as it looks on the wire to someone without the keys.

Only the ClientHello and ServerHello are in clear; everything after the server's
ChangeCipherSpec is opaque ``application_data`` records, which we fill with random
bytes of the lengths real messages have (RFC 8446 5.2: ciphertext = plaintext +
1 content-type octet + 16-octet AEAD tag). What an analyst can get from such a
stream, SNI, ALPN, the JA3 fingerprint, the certificate-size rhythm, is real.

The ClientHello is Chrome 120's (BoringSSL): GREASE values (RFC 8701), its cipher
list and extensions, extension order shuffled per connection (Chrome 110+, so JA3
changes between connections while the set stays the same), padded to 512 octets
as BoringSSL does for F5 middleboxes. The server is OpenSSL 3 behind nginx: one
record per handshake message.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from random import Random
from typing import Literal

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import to_ascii_name

HANDSHAKE = 22
CHANGE_CIPHER_SPEC = 20
APPLICATION_DATA = 23
#: AEAD expansion of a TLS 1.3 record: the inner content type and a 16-octet tag.
RECORD_OVERHEAD = 17
MAXIMUM_PLAINTEXT = 16384
TLS_AES_128_GCM_SHA256 = 0x1301
TLS_AES_256_GCM_SHA384 = 0x1302
TLS_CHACHA20_POLY1305_SHA256 = 0x1303
X25519 = 0x001D

CHROME_CIPHER_SUITES = (
    0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D,
    0x002F, 0x0035,
)  # fmt: skip
CHROME_SIGNATURE_ALGORITHMS = (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601)
CHROME_GROUPS = (X25519, 0x0017, 0x0018)
_TLS13_SUITES = (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)
_PADDING_TARGET = 0x200


def client_hello(
    sni: str,
    rng: Random,
    *,
    alpn: Sequence[str] = ("h2", "http/1.1"),
    permute_extensions: bool = True,
    padding: bool = True,
) -> bytes:
    """Chrome 120's ClientHello for ``sni`` in one TLS record (record version 1.0, as Chrome sends it).

    ``padding`` adds BoringSSL's padding extension when the hello would be 256..511 octets.
    """
    grease = _grease_values(rng)
    server_name = to_ascii_name(sni).encode("ascii")
    protocols = b"".join(_u8_prefixed(name.encode("ascii")) for name in alpn)
    key_share = (
        struct.pack(">HH", grease["group"], 1) + b"\x00" + struct.pack(">HH", X25519, 32) + _random(rng, 32)
    )
    extensions = [
        (0, _u16_prefixed(b"\x00" + _u16_prefixed(server_name))),
        (23, b""),
        (65281, b"\x00"),
        (10, _u16_prefixed(_u16s((grease["group"], *CHROME_GROUPS)))),
        (11, b"\x01\x00"),
        (35, b""),
        (16, _u16_prefixed(protocols)),
        (5, b"\x01\x00\x00\x00\x00"),
        (13, _u16_prefixed(_u16s(CHROME_SIGNATURE_ALGORITHMS))),
        (18, b""),
        (51, _u16_prefixed(key_share)),
        (45, b"\x01\x01"),
        (43, _u8_prefixed(_u16s((grease["version"], 0x0304, 0x0303)))),
        (27, b"\x02\x00\x02"),
        (17513, _u16_prefixed(_u8_prefixed(b"h2"))),
    ]
    if not alpn:
        extensions = [item for item in extensions if item[0] != 16]
    if "h2" not in alpn:  # ALPS (application_settings) is Chrome's HTTP/2 SETTINGS carrier
        extensions = [item for item in extensions if item[0] != 17513]
    if permute_extensions:
        rng.shuffle(extensions)
    ordered = [(grease["extension_1"], b""), *extensions, (grease["extension_2"], b"\x00")]
    head = struct.pack(">H", 0x0303) + _random(rng, 32) + _u8_prefixed(_random(rng, 32))
    head += _u16_prefixed(_u16s((grease["cipher"], *CHROME_CIPHER_SUITES))) + b"\x01\x00"
    body = b"".join(_extension(kind, data) for kind, data in ordered)
    handshake_length = 4 + len(head) + 2 + len(body)
    if padding and 0xFF < handshake_length < _PADDING_TARGET:
        filler = _PADDING_TARGET - handshake_length
        body += _extension(21, bytes(filler - 4 if filler >= 5 else 1))
    return _record(HANDSHAKE, _handshake(1, head + _u16_prefixed(body)), version=0x0301)


def server_flight(
    rng: Random,
    hello: bytes,
    *,
    alpn: str | None = "h2",
    certificate_chain_length: int | None = None,
    signature: Literal["ecdsa", "rsa"] = "ecdsa",
) -> bytes:
    """The server's answer to ``hello``: ServerHello, ChangeCipherSpec, then one opaque record each
    for EncryptedExtensions, Certificate, CertificateVerify and Finished.

    The ServerHello echoes the client's legacy session id and picks the client's
    first TLS 1.3 suite, as OpenSSL does without server preference.
    """
    session_id, suites = _parse_hello(hello)
    suite = next((code for code in suites if code in _TLS13_SUITES), None)
    if suite is None:
        raise PayloadValueError("the ClientHello offers no TLS 1.3 cipher suite")
    extensions = _extension(43, struct.pack(">H", 0x0304))
    extensions += _extension(51, struct.pack(">HH", X25519, 32) + _random(rng, 32))
    server_hello = struct.pack(">H", 0x0303) + _random(rng, 32) + _u8_prefixed(session_id)
    server_hello += struct.pack(">HB", suite, 0) + _u16_prefixed(extensions)
    hash_length = 48 if suite == TLS_AES_256_GCM_SHA384 else 32
    chain = certificate_chain_length or rng.randint(2400, 4200)
    alpn_length = 0 if alpn is None else 4 + 2 + 1 + len(alpn)
    plaintexts = [
        4 + 2 + alpn_length,  # EncryptedExtensions
        4 + 1 + 3 + chain,  # Certificate: context, list length, entries
        4 + 4 + (rng.randint(70, 72) if signature == "ecdsa" else 256),  # CertificateVerify
        4 + hash_length,  # Finished
    ]
    out = _record(HANDSHAKE, _handshake(2, server_hello)) + _change_cipher_spec()
    return out + b"".join(_opaque_records(length, rng) for length in plaintexts)


def client_finished(rng: Random, *, hash_length: int = 32) -> bytes:
    """The client's second flight: ChangeCipherSpec (middlebox compatibility) and its Finished, encrypted."""
    return _change_cipher_spec() + _opaque_records(4 + hash_length, rng)


def new_session_tickets(rng: Random, count: int = 2) -> bytes:
    """The tickets OpenSSL sends after the handshake (two by default), as opaque records."""
    return b"".join(
        _opaque_records(4 + 4 + 4 + 1 + 8 + 2 + rng.randint(176, 208) + 2, rng) for _ in range(count)
    )


def application_data(n: int, rng: Random) -> bytes:
    """``n`` octets of application plaintext as TLS 1.3 records of at most 16384 plaintext octets each."""
    if n < 1:
        raise PayloadValueError(f"application data must be at least one octet (got {n})")
    return _opaque_records(n, rng)


def close_notify(rng: Random) -> bytes:
    """The close_notify alert, encrypted: one 19-octet application_data record."""
    return _opaque_records(2, rng)


def _opaque_records(plaintext: int, rng: Random) -> bytes:
    out = bytearray()
    while plaintext > 0:
        piece = min(plaintext, MAXIMUM_PLAINTEXT)
        out += _record(APPLICATION_DATA, _random(rng, piece + RECORD_OVERHEAD))
        plaintext -= piece
    return bytes(out)


def _parse_hello(hello: bytes) -> tuple[bytes, list[int]]:
    """(legacy session id, cipher suites) of a ClientHello record."""
    try:
        if hello[0] != HANDSHAKE or hello[5] != 1:
            raise PayloadValueError("server_flight needs the ClientHello record this module built")
        offset = 5 + 4 + 2 + 32
        session_id = hello[offset + 1 : offset + 1 + hello[offset]]
        offset += 1 + hello[offset]
        (suites_length,) = struct.unpack_from(">H", hello, offset)
        suites = list(struct.unpack_from(f">{suites_length // 2}H", hello, offset + 2))
    except (IndexError, struct.error):
        raise PayloadValueError("server_flight needs a complete ClientHello record") from None
    return session_id, suites


def _grease_values(rng: Random) -> dict[str, int]:
    """Independent GREASE values per slot; the two GREASE extensions always differ (BoringSSL)."""
    values = {
        slot: (rng.randrange(16) << 4 | 0x0A) * 0x0101
        for slot in ("cipher", "group", "version", "extension_1")
    }
    second = (rng.randrange(16) << 4 | 0x0A) * 0x0101
    values["extension_2"] = second ^ 0x1010 if second == values["extension_1"] else second
    return values


def _change_cipher_spec() -> bytes:
    return _record(CHANGE_CIPHER_SPEC, b"\x01")


def _record(content_type: int, payload: bytes, *, version: int = 0x0303) -> bytes:
    return struct.pack(">BHH", content_type, version, len(payload)) + payload


def _handshake(message_type: int, body: bytes) -> bytes:
    return bytes([message_type]) + len(body).to_bytes(3, "big") + body


def _extension(kind: int, data: bytes) -> bytes:
    return struct.pack(">HH", kind, len(data)) + data


def _u16s(values: Sequence[int]) -> bytes:
    return struct.pack(f">{len(values)}H", *values)


def _u8_prefixed(data: bytes) -> bytes:
    return bytes([len(data)]) + data


def _u16_prefixed(data: bytes) -> bytes:
    return struct.pack(">H", len(data)) + data


def _random(rng: Random, length: int) -> bytes:
    return rng.randbytes(length)

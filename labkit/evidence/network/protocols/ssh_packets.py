"""SSH binary packets (RFC 4253 section 6) in clear and, after NEWKEYS, as sized random ciphertext.

Before NEWKEYS a packet is ``uint32 packet_length, byte padding_length, payload,
padding`` with the whole multiple of 8 and at least 4 octets of padding. After it,
we build the real plaintext (so its size is right: a password's length shows in the
ciphertext length, as it does in real captures) and emit random octets of exactly
the size the negotiated cipher and MAC produce. Where the cipher leaves the length
in clear (AES-GCM, *-etm MACs) it is written truthfully; chacha20-poly1305 encrypts
it, so it is random too. (Wireshark 4.0 flags AES-GCM packets it has no keys for as
malformed, real or not: the shipped profiles negotiate chacha20-poly1305 or AES-CTR.)
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from labkit.errors import PayloadValueError

MSG_DISCONNECT = 1
MSG_SERVICE_REQUEST = 5
MSG_SERVICE_ACCEPT = 6
MSG_EXT_INFO = 7
MSG_KEXINIT = 20
MSG_NEWKEYS = 21
MSG_KEX_ECDH_INIT = 30
MSG_KEX_ECDH_REPLY = 31
MSG_USERAUTH_REQUEST = 50
MSG_USERAUTH_FAILURE = 51
MSG_USERAUTH_SUCCESS = 52

_MAC_LENGTHS = {
    "hmac-sha2-256": 32, "hmac-sha2-512": 64, "hmac-sha1": 20, "hmac-sha1-96": 12, "hmac-md5": 16,
    "hmac-md5-96": 12, "umac-64": 8, "umac-128": 16, "hmac-ripemd160": 20,
}  # fmt: skip
_AEAD_CIPHERS = {
    "chacha20-poly1305@openssh.com": 8,
    "aes128-gcm@openssh.com": 16,
    "aes256-gcm@openssh.com": 16,
}


@dataclass(frozen=True)
class Cipher:
    """The framing parameters of one direction after NEWKEYS."""

    block_size: int
    tag_length: int
    length_outside_padding: bool  # AEAD and encrypt-then-MAC exclude the length field from the padding
    length_in_clear: bool

    @classmethod
    def negotiated(cls, cipher: str, mac: str) -> Cipher:
        if cipher in _AEAD_CIPHERS:
            return cls(_AEAD_CIPHERS[cipher], 16, True, cipher != "chacha20-poly1305@openssh.com")
        if not cipher.startswith(("aes", "rijndael")):
            raise PayloadValueError(f"SSH cipher {cipher!r} is not modelled")
        etm = mac.endswith("-etm@openssh.com")
        base = mac.removesuffix("-etm@openssh.com").removesuffix("@openssh.com")
        if base not in _MAC_LENGTHS:
            raise PayloadValueError(f"SSH MAC {mac!r} is not modelled")
        return cls(16, _MAC_LENGTHS[base], etm, etm)


def plain_packet(payload: bytes, rng: Random) -> bytes:
    """A packet before keys are in use: block size 8, random padding of at least 4 octets."""
    padding = _padding_length(4 + 1 + len(payload), 8)
    return struct.pack(">IB", 1 + len(payload) + padding, padding) + payload + rng.randbytes(padding)


def encrypted_packet(payload: bytes, cipher: Cipher, rng: Random) -> bytes:
    """Random octets the size ``payload`` takes once padded, encrypted and authenticated."""
    counted = 1 + len(payload) + (0 if cipher.length_outside_padding else 4)
    packet_length = 1 + len(payload) + _padding_length(counted, cipher.block_size)
    body = rng.randbytes(packet_length + cipher.tag_length)
    length = struct.pack(">I", packet_length) if cipher.length_in_clear else rng.randbytes(4)
    return length + body


def _padding_length(counted: int, block_size: int) -> int:
    padding = block_size - counted % block_size
    return padding + block_size if padding < 4 else padding


def string(data: bytes | str) -> bytes:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return struct.pack(">I", len(raw)) + raw


def name_list(names: Sequence[str]) -> bytes:
    return string(",".join(names))


def mpint(magnitude: bytes) -> bytes:
    """A positive multiple-precision integer: leading zeros stripped, one 0x00 added if the top bit is set."""
    stripped = magnitude.lstrip(b"\x00")
    return string(b"\x00" + stripped if stripped and stripped[0] & 0x80 else stripped)


def kexinit(
    rng: Random,
    kex: Sequence[str],
    host_key: Sequence[str],
    ciphers: Sequence[str],
    macs: Sequence[str],
    compression: Sequence[str],
) -> bytes:
    """SSH_MSG_KEXINIT: cookie, ten name-lists (both directions the same), no guessed packet."""
    lists = (kex, host_key, ciphers, ciphers, macs, macs, compression, compression, (), ())
    return bytes([MSG_KEXINIT]) + rng.randbytes(16) + b"".join(map(name_list, lists)) + b"\x00" + bytes(4)


def host_key_blob(algorithm: str, rng: Random) -> bytes:
    """A public host key of the negotiated type, random but correctly structured."""
    if algorithm == "ssh-ed25519":
        return string("ssh-ed25519") + string(rng.randbytes(32))
    if algorithm == "ecdsa-sha2-nistp256":
        return string(algorithm) + string("nistp256") + string(b"\x04" + rng.randbytes(64))
    if algorithm in ("rsa-sha2-512", "rsa-sha2-256"):
        modulus = bytes([0x80 | rng.randrange(0x80)]) + rng.randbytes(383)  # 3072 bits, ssh-keygen's default
        return string("ssh-rsa") + mpint(b"\x01\x00\x01") + mpint(modulus)
    raise PayloadValueError(f"SSH host key algorithm {algorithm!r} is not modelled")


def signature_blob(algorithm: str, rng: Random) -> bytes:
    """The exchange-hash signature made with that host key."""
    if algorithm == "ssh-ed25519":
        return string(algorithm) + string(rng.randbytes(64))
    if algorithm == "ecdsa-sha2-nistp256":
        return string(algorithm) + string(mpint(rng.randbytes(32)) + mpint(rng.randbytes(32)))
    if algorithm in ("rsa-sha2-512", "rsa-sha2-256"):
        return string(algorithm) + string(rng.randbytes(384))
    raise PayloadValueError(f"SSH host key algorithm {algorithm!r} is not modelled")


def ecdh_public_key(kex: str, rng: Random) -> bytes:
    """Q_C / Q_S of the negotiated key exchange."""
    if kex in ("curve25519-sha256", "curve25519-sha256@libssh.org"):
        return rng.randbytes(32)
    if kex == "ecdh-sha2-nistp256":
        return b"\x04" + rng.randbytes(64)
    raise PayloadValueError(f"SSH key exchange {kex!r} is not modelled")


def userauth_request(user: str, method: str, password: str | None = None) -> bytes:
    payload = bytes([MSG_USERAUTH_REQUEST]) + string(user) + string("ssh-connection") + string(method)
    return payload if password is None else payload + b"\x00" + string(password)


def userauth_failure(methods: Sequence[str]) -> bytes:
    return bytes([MSG_USERAUTH_FAILURE]) + name_list(methods) + b"\x00"


def disconnect(reason: int, description: str) -> bytes:
    return bytes([MSG_DISCONNECT]) + struct.pack(">I", reason) + string(description) + string("")


def ext_info(extensions: Sequence[tuple[str, str]]) -> bytes:
    body = b"".join(string(name) + string(value) for name, value in extensions)
    return bytes([MSG_EXT_INFO]) + struct.pack(">I", len(extensions)) + body

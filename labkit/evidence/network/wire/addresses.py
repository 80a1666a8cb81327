"""Text addresses (MAC, IPv4, IPv6) to the bytes a frame carries, parsed once and cached.

Frames are built many thousands of times from the same few addresses, so each
text form is converted once (``functools.lru_cache``) and a malformed one is a
clear :class:`~labkit.errors.EvidenceError` naming the value.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from labkit.errors import EvidenceError

BROADCAST_MAC = b"\xff" * 6
ZERO_MAC = bytes(6)


@lru_cache(maxsize=4096)
def mac_bytes(mac: str) -> bytes:
    """The 6 bytes of a MAC address written "02:1a:2b:3c:4d:5e" (or with "-")."""
    parts = mac.replace("-", ":").split(":")
    if len(parts) != 6 or not all(len(part) == 2 for part in parts):
        raise EvidenceError(f"not a MAC address: {mac!r} (expected six hex pairs such as 02:1a:2b:3c:4d:5e)")
    try:
        return bytes(int(part, 16) for part in parts)
    except ValueError:
        raise EvidenceError(f"not a MAC address: {mac!r} (expected six hex pairs)") from None


@lru_cache(maxsize=4096)
def ip_bytes(address: str) -> bytes:
    """The 4 (IPv4) or 16 (IPv6) bytes of an IP address in text form."""
    try:
        return ipaddress.ip_address(address).packed
    except ValueError:
        raise EvidenceError(f"not an IPv4 or IPv6 address: {address!r}") from None


def is_ipv6(address: str) -> bool:
    """Whether ``address`` is IPv6 text (raises EvidenceError if it is no address at all)."""
    return len(ip_bytes(address)) == 16


def as_mac(mac: str | bytes) -> bytes:
    """Bytes pass through (the fast path of the builders); text is parsed."""
    if isinstance(mac, bytes):
        if len(mac) != 6:
            raise EvidenceError(f"a MAC address is 6 bytes, got {len(mac)}")
        return mac
    return mac_bytes(mac)


def as_ip(address: str | bytes) -> bytes:
    """Bytes (4 or 16) pass through; text is parsed."""
    if isinstance(address, bytes):
        if len(address) not in (4, 16):
            raise EvidenceError(f"an IP address is 4 or 16 bytes, got {len(address)}")
        return address
    return ip_bytes(address)

"""DHCP (RFC 2131/2132) lease renewals: the packets that tie a host name to an IP and a MAC address.

A Windows or Linux client renews its lease at half its lifetime (T1) with a unicast DHCPREQUEST to the
server that granted it (``ciaddr`` set, no server identifier), naming itself in option 12 (and Windows
also in option 81, with vendor class "MSFT 5.0"); the server answers DHCPACK. An examiner reads the host
name, MAC and address of a machine from exactly these two packets.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from typing import Literal

from labkit.errors import PayloadValueError

MAGIC_COOKIE = b"\x63\x82\x53\x63"
BOOTREQUEST, BOOTREPLY = 1, 2
DHCPREQUEST, DHCPACK = 3, 5

#: Parameter request lists (option 55) as the clients send them.
_WINDOWS_PARAMETERS = bytes([1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252])
_LINUX_PARAMETERS = bytes([1, 2, 6, 12, 15, 26, 28, 121, 3, 33, 40, 41, 42, 119, 249, 252, 17])


@dataclass(frozen=True)
class Lease:
    """What the server granted: the client's address and the network's settings."""

    address: str
    server: str
    netmask: str
    router: str
    dns_servers: tuple[str, ...]
    lease_seconds: int = 86400
    domain: str | None = None


def _mac(mac: str) -> bytes:
    raw = bytes.fromhex(mac.replace(":", "").replace("-", ""))
    if len(raw) != 6:
        raise PayloadValueError(f"{mac!r} is not a MAC address")
    return raw


def _ip(text: str) -> bytes:
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        raise PayloadValueError(f"{text!r} is not an IPv4 address") from None


def _option(code: int, value: bytes) -> bytes:
    if len(value) > 255:
        raise PayloadValueError(f"DHCP option {code} is longer than 255 bytes")
    return bytes([code, len(value)]) + value


def _bootp(op: int, xid: int, client_mac: str, ciaddr: str, yiaddr: str, siaddr: str) -> bytes:
    header = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s",
        op,
        1,  # Ethernet
        6,
        0,
        xid,
        0,  # secs
        0,  # flags: unicast reply
        _ip(ciaddr),
        _ip(yiaddr),
        _ip(siaddr),
        _ip("0.0.0.0"),
        _mac(client_mac).ljust(16, b"\x00"),
        b"",
        b"",
    )
    return header + MAGIC_COOKIE


def renewal_request(
    xid: int, client_mac: str, lease: Lease, hostname: str, *, client: Literal["windows", "linux"]
) -> bytes:
    """The client's unicast DHCPREQUEST at T1 (RENEWING state: ciaddr set, no option 50 or 54)."""
    name = hostname.encode("ascii", "replace")
    options = _option(53, bytes([DHCPREQUEST])) + _option(61, b"\x01" + _mac(client_mac))
    options += _option(12, name)
    if client == "windows":
        options += _option(81, b"\x00\x00\x00" + name)  # FQDN: flags, RCODE1, RCODE2, name (ASCII form)
        options += _option(60, b"MSFT 5.0") + _option(55, _WINDOWS_PARAMETERS)
    else:
        options += _option(55, _LINUX_PARAMETERS)
    packet = _bootp(BOOTREQUEST, xid, client_mac, lease.address, "0.0.0.0", "0.0.0.0") + options + b"\xff"
    return packet.ljust(300, b"\x00")  # BOOTP's minimum message, as clients pad it


def renewal_ack(xid: int, client_mac: str, lease: Lease) -> bytes:
    """The server's DHCPACK to a renewal: the same address, a fresh lease, the network's settings."""
    options = _option(53, bytes([DHCPACK])) + _option(54, _ip(lease.server))
    options += _option(51, struct.pack("!I", lease.lease_seconds))
    options += _option(58, struct.pack("!I", lease.lease_seconds // 2))
    options += _option(59, struct.pack("!I", lease.lease_seconds * 7 // 8))
    options += _option(1, _ip(lease.netmask)) + _option(3, _ip(lease.router))
    options += _option(6, b"".join(_ip(server) for server in lease.dns_servers))
    if lease.domain:
        options += _option(15, lease.domain.encode("ascii"))
    packet = _bootp(BOOTREPLY, xid, client_mac, lease.address, lease.address, "0.0.0.0") + options + b"\xff"
    return packet.ljust(300, b"\x00")

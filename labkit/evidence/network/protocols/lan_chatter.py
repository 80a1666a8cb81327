"""What Windows PCs say to the whole LAN unasked: LLMNR and NetBIOS name queries, SSDP discovery.

Every Windows capture carries these: a proxy auto-discovery lookup for ``WPAD`` over LLMNR (multicast
224.0.0.252, port 5355) and NetBIOS (broadcast, port 137), and UPnP's SSDP ``M-SEARCH`` to 239.255.255.250
port 1900. They name the sending host's neighbourhood, not the story, and they make a capture look like
an office LAN's.
"""

from __future__ import annotations

import struct

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns import dns_query

LLMNR_GROUP = ("01:00:5e:00:00:fc", "224.0.0.252")
SSDP_GROUP = ("01:00:5e:7f:ff:fa", "239.255.255.250")
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"


def llmnr_query(txid: int, name: str, qtype: str = "A") -> bytes:
    """An LLMNR query (RFC 4795): a DNS message without the recursion-desired flag."""
    return dns_query(txid, name, qtype, recursion_desired=False)


def netbios_name(name: str, suffix: int = 0x00) -> bytes:
    """NetBIOS first-level encoding (RFC 1001): 15 characters padded with spaces, a suffix byte, halved."""
    text = name.upper()
    if len(text) > 15 or not text.isascii():
        raise PayloadValueError(f"{name!r} is not a NetBIOS name (at most 15 ASCII characters)")
    raw = text.ljust(15).encode("ascii") + bytes([suffix])
    encoded = b"".join(bytes([0x41 + (byte >> 4), 0x41 + (byte & 0x0F)]) for byte in raw)
    return bytes([32]) + encoded + b"\x00"


def nbns_name_query(txid: int, name: str) -> bytes:
    """A broadcast NetBIOS name query for ``name`` (type NB, class IN), as Windows sends it."""
    header = struct.pack("!HHHHHH", txid, 0x0110, 1, 0, 0, 0)  # recursion desired + broadcast
    return header + netbios_name(name) + struct.pack("!HH", 0x0020, 0x0001)


def ssdp_msearch(search_target: str = "urn:dial-multiscreen-org:service:dial:1", *, mx: int = 1) -> bytes:
    """UPnP discovery: the M-SEARCH a Windows PC multicasts looking for media renderers and the like."""
    lines = [
        "M-SEARCH * HTTP/1.1",
        "HOST: 239.255.255.250:1900",
        'MAN: "ssdp:discover"',
        f"MX: {mx}",
        f"ST: {search_target}",
        "USER-AGENT: Microsoft Edge/120.0.2210.91 Windows",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")

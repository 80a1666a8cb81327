"""The network part of the scenario format: hosts' identities, the LAN, capture points, background.

Addresses may be templates (``"{{ c2_ip }}"``) filled in from the variant's variables; literal values
are checked here, rendered ones when the variant is drawn (the dry run catches them at load time).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator

from labkit.scenario.model_base import IDENTIFIER, LocalizedText, Strict

_MAC = re.compile(r"^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$")
_HOSTNAME_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_template(value: str) -> bool:
    return "{{" in value or "{%" in value


def check_mac(value: str) -> str:
    if value != "auto" and not is_template(value) and not _MAC.match(value):
        raise ValueError(f"{value!r} is not a MAC address (write e.g. 00:1a:2b:3c:4d:5e, or 'auto')")
    return value


def check_ipv4_interface(value: str) -> str:
    """'192.168.10.23/24' or '203.0.113.7' (a remote host needs no prefix)."""
    if is_template(value):
        return value
    try:
        interface = ipaddress.IPv4Interface(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 address (write e.g. 192.168.10.23/24)") from None
    address = interface.ip
    broadcast = interface.network.prefixlen < 31 and address == interface.network.broadcast_address
    if address.is_multicast or address.is_unspecified or address.is_loopback or broadcast:
        raise ValueError(f"{value!r} cannot be a host's address (multicast, broadcast, 0.0.0.0 or loopback)")
    return value


def check_ipv6_interface(value: str) -> str:
    if is_template(value):
        return value
    try:
        ipaddress.IPv6Interface(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv6 address (write e.g. 2001:db8:10::23/64)") from None
    return value


def check_dns_name(value: str) -> str:
    if is_template(value):
        return value
    name = value.rstrip(".")
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{value!r} is not a valid DNS name") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_HOSTNAME_LABEL.match(label) for label in labels):
        raise ValueError(
            f"{value!r} is not a valid DNS name (labels of letters, digits and '-', at most 63 characters)"
        )
    return value


class NetworkIdentitySpec(Strict):
    """``hosts[].network``: how a host appears on the wire.

    A host with a ``gateway`` sits on the captured LAN; a host without one is somewhere on the Internet
    (its frames reach the LAN through the gateway, so they carry the gateway's MAC).
    """

    ipv4: str = Field(description="address, with /prefix on the LAN: 192.168.10.23/24; may be a template")
    mac: str = Field("auto", description="'auto': seeded, with the OUI of a common network card vendor")
    ipv6: str | None = Field(None, description="optional global address with prefix")
    gateway: str | None = Field(None, description="the LAN's default gateway: makes the host a LAN host")
    dns: str | None = Field(None, description="resolver; default: the gateway")
    names: list[str] = Field(default_factory=list, description="DNS names that resolve to this host")
    hops: int = Field(12, ge=1, le=60, description="router hops from the LAN (remote hosts): lowers TTL")
    rtt_ms: float | None = Field(None, gt=0, le=2000, description="round-trip time from the LAN; seeded")

    _mac = field_validator("mac")(lambda cls, v: check_mac(v))
    _ipv4 = field_validator("ipv4")(lambda cls, v: check_ipv4_interface(v))
    _ipv6 = field_validator("ipv6")(lambda cls, v: v if v is None else check_ipv6_interface(v))
    _names = field_validator("names")(lambda cls, v: [check_dns_name(x) for x in v])

    @field_validator("gateway", "dns")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        if v is None or is_template(v):
            return v
        try:
            ipaddress.IPv4Address(v)
        except ValueError:
            raise ValueError(f"{v!r} is not an IPv4 address") from None
        return v


class BackgroundSpec(Strict):
    """Ordinary traffic around the story, so the capture is a haystack and not a list of answers."""

    dns_lookups: int = Field(40, ge=0, le=20000, description="lookups of common sites per LAN host per hour")
    https_sessions: int = Field(
        20, ge=0, le=5000, description="TLS sessions to common sites per host per hour"
    )
    ntp: bool = Field(
        True, description="time synchronisation (Windows: time.windows.com, Linux: ntp.ubuntu.com)"
    )
    arp: bool = Field(True, description="ARP for the gateway when a host's cache entry has expired")
    dhcp: bool = Field(True, description="a DHCP lease renewal per host: its name, MAC and address")
    lan_chatter: bool = Field(
        True, description="Windows hosts' LLMNR/NetBIOS WPAD lookups and SSDP discovery"
    )


class CaptureSpec(Strict):
    """``network.captures[]``: one capture point (a SPAN port or a tap) and the file it produced."""

    id: str = Field(pattern=IDENTIFIER)
    format: Literal["pcapng", "pcap"] = "pcapng"
    hosts: list[str] = Field(
        default_factory=list, description="LAN hosts whose switch ports are mirrored; default: all"
    )
    start: str | None = Field(None, description="time expression; default: 5 minutes before the first packet")
    end: str | None = Field(None, description="time expression; default: 5 minutes after the last packet")
    interface: str = "eth0"
    description: LocalizedText = ""
    background: BackgroundSpec = Field(default_factory=BackgroundSpec)


class NetworkSpec(Strict):
    """``network``: the captured LAN's infrastructure and its capture points."""

    gateway_mac: str = Field(
        "auto", description="MAC of the LAN's router, seen on every frame to the Internet"
    )
    captures: list[CaptureSpec] = Field(min_length=1)

    _mac = field_validator("gateway_mac")(lambda cls, v: check_mac(v))


def dns_names_are_ascii(names: list[str]) -> list[str]:
    """Names in their wire form (IDNA A-labels), lower case, no trailing dot."""
    return [name.rstrip(".").encode("idna").decode("ascii").lower() for name in names]


__all__ = [
    "BackgroundSpec",
    "CaptureSpec",
    "NetworkIdentitySpec",
    "NetworkSpec",
    "check_dns_name",
    "check_ipv4_interface",
    "is_template",
]

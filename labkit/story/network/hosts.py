"""Hosts as the network sees them: addresses, MACs, TCP/IP stack behaviour, and the names they answer to.

A LAN host (one with a gateway) sends its own frames; a remote host's frames reach the captured segment
through the gateway, so they carry the gateway's MAC and a TTL lowered by the hops in between.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from random import Random

from labkit.scenario.model import HostSpec
from labkit.scenario.network_model import check_dns_name

#: OUIs of network cards common in office PCs and small routers (a seeded MAC looks like a real one).
_WORKSTATION_OUIS = ("f4:8e:38", "3c:52:82", "00:1b:21", "b4:2e:99", "d8:9e:f3", "50:9a:4c", "e4:54:e8")
_SERVER_OUIS = ("00:50:56", "52:54:00", "00:15:5d")  # VMware, QEMU/KVM, Hyper-V
_KVM_OUIS = ("52:54:00",)
_ROUTER_OUIS = ("cc:2d:e0", "48:8f:5a", "18:fd:74", "74:4d:28")  # MikroTik


@dataclass(frozen=True)
class StackProfile:
    """How an operating system's TCP/IP stack fills in headers (what passive fingerprinting reads)."""

    family: str
    ttl: int
    window: int
    window_scale: int
    mss: int
    timestamps: bool
    ip_id: str
    ephemeral: tuple[int, int]
    sequential_ports: bool
    delayed_ack_us: int


WINDOWS_STACK = StackProfile("windows", 128, 64240, 8, 1460, False, "counter", (49152, 65535), True, 200_000)
# Linux counts IP IDs per connection on DF segments (since 3.x); 0 only on SYN/ACKs and RSTs.
LINUX_STACK = StackProfile("linux", 64, 64240, 7, 1460, True, "counter", (32768, 60999), False, 40_000)


def stack_for(os_name: str) -> StackProfile:
    return WINDOWS_STACK if "windows" in os_name.lower() else LINUX_STACK


def seeded_mac(rng: Random, ouis: tuple[str, ...]) -> str:
    oui = ouis[rng.randrange(len(ouis))]
    return oui + "".join(f":{rng.randrange(256):02x}" for _ in range(3))


@dataclass
class NetHost:
    """One host of the story with a network identity (after templates were filled in)."""

    id: str
    hostname: str
    os: str
    mac: str
    ipv4: ipaddress.IPv4Address
    lan: ipaddress.IPv4Network | None
    gateway: ipaddress.IPv4Address | None
    resolver: ipaddress.IPv4Address | None
    names: list[str]
    hops: int
    rtt_us: int
    stack: StackProfile
    ipv6: ipaddress.IPv6Address | None = None
    _next_port: int | None = field(default=None, repr=False)

    @property
    def on_lan(self) -> bool:
        return self.gateway is not None

    def ephemeral_port(self, rng: Random) -> int:
        """The next client port: Windows counts up from 49152, Linux picks at random in its range."""
        low, high = self.stack.ephemeral
        if not self.stack.sequential_ports:
            return rng.randrange(low, high + 1)
        if self._next_port is None:
            self._next_port = rng.randrange(low, low + 8000)
        port = self._next_port
        self._next_port = low if port >= high else port + 1
        return port


class AddressProblem(ValueError):
    """A rendered address is not valid; the message names the field."""


def make_host(spec: HostSpec, render: object, rng: Random) -> NetHost:
    """Build a NetHost from ``hosts[].network`` with templates rendered by ``render`` (text -> text)."""
    net = spec.network
    assert net is not None
    fill = render  # type: ignore[assignment]

    def rendered(field_name: str, value: str) -> str:
        text = fill(value).strip()  # type: ignore[operator]
        if not text:
            raise AddressProblem(f"network.{field_name}: the template gave an empty value")
        return text

    try:
        interface = ipaddress.IPv4Interface(rendered("ipv4", net.ipv4))
    except ValueError:
        raise AddressProblem(f"network.ipv4: {fill(net.ipv4)!r} is not an IPv4 address") from None  # type: ignore[operator]
    gateway = _address("gateway", fill(net.gateway)) if net.gateway else None  # type: ignore[operator]
    lan = interface.network if gateway is not None else None
    if (
        lan is not None
        and lan.prefixlen < 31
        and interface.ip in (lan.network_address, lan.broadcast_address)
    ):
        raise AddressProblem(f"network.ipv4: {interface.ip} is the network or broadcast address of {lan}")
    if gateway is not None and lan is not None and gateway not in lan:
        raise AddressProblem(f"network.gateway: {gateway} is not in the host's network {lan}")
    resolver = _address("dns", fill(net.dns)) if net.dns else gateway  # type: ignore[operator]
    mac = rendered("mac", net.mac)
    if mac == "auto":
        # An imaged Linux host is a KVM guest (its kernel log says so): its NIC has QEMU's OUI.
        ouis = _KVM_OUIS if getattr(spec, "memory", None) else _WORKSTATION_OUIS if gateway else _SERVER_OUIS
        mac = seeded_mac(rng, ouis)
    stack = stack_for(spec.os)
    rtt_ms = net.rtt_ms if net.rtt_ms is not None else (0.4 if gateway else 18 + rng.random() * 60)
    ipv6 = ipaddress.IPv6Interface(fill(net.ipv6)).ip if net.ipv6 else None  # type: ignore[operator]
    names = []
    for name in net.names:
        text = rendered("names", name)
        try:
            check_dns_name(text)
        except ValueError as exc:
            raise AddressProblem(f"network.names: {exc}") from None
        names.append(text.rstrip(".").encode("idna").decode("ascii").lower())
    hostname = (
        rendered("hostname", spec.hostname)
        if spec.hostname
        else (names[0].split(".")[0] if names else spec.id)
    )
    return NetHost(
        id=spec.id,
        hostname=hostname,
        os=spec.os,
        mac=mac.lower().replace("-", ":"),
        ipv4=interface.ip,
        lan=lan,
        gateway=gateway,
        resolver=resolver,
        names=names,
        hops=net.hops,
        rtt_us=int(rtt_ms * 1000),
        stack=stack,
        ipv6=ipv6,
    )


def _address(field_name: str, text: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(text.strip())
    except ValueError:
        raise AddressProblem(f"network.{field_name}: {text!r} is not an IPv4 address") from None


def router_mac(rng: Random) -> str:
    return seeded_mac(rng, _ROUTER_OUIS)

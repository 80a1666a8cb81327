"""Common Internet sites for background traffic, with the address blocks their operators really use.

A lookup of a site gets a seeded address inside its operator's block (and the CNAME chain a resolver
really returns for it), so background traffic looks like an office's, not like a list of answers.
Names the story uses that are neither a scenario host nor listed here get a seeded address from a
hosting provider's block.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    name: str
    block: str
    cnames: tuple[str, ...] = ()
    ttl: int = 300
    os: str = "Linux"  # the operator's front ends (TTL, SYN options, window as the capture shows them)


SITES: tuple[Site, ...] = (
    Site("www.google.com", "142.250.0.0/15", ttl=300),
    Site("www.youtube.com", "142.250.0.0/15", ("youtube-ui.l.google.com",), 300),
    Site("mail.google.com", "142.250.0.0/15", ("googlemail.l.google.com",), 300),
    Site("update.googleapis.com", "172.217.0.0/16", ttl=300),
    Site(
        "www.microsoft.com",
        "23.32.0.0/11",
        ("www.microsoft.com-c-3.edgekey.net", "e13678.dscb.akamaiedge.net"),
        60,
    ),
    Site(
        "login.microsoftonline.com", "20.190.128.0/18", ("login.mso.msidentity.com",), 300, "Windows Server"
    ),
    Site("outlook.office365.com", "52.96.0.0/14", ("outlook.ms-acdc.office.com",), 30, "Windows Server"),
    Site(
        "settings-win.data.microsoft.com",
        "20.42.0.0/16",
        ("atm-settingsfe-prod-geo.trafficmanager.net",),
        60,
        "Windows Server",
    ),
    Site("yandex.ru", "77.88.55.0/24", ttl=600),
    Site("mail.ru", "94.100.180.0/24", ttl=300),
    Site("www.wikipedia.org", "185.15.59.0/24", ("dyna.wikimedia.org",), 600),
    Site("github.com", "140.82.112.0/20", ttl=60),
    Site("web.whatsapp.com", "157.240.0.0/16", ("mmx-ds.cdn.whatsapp.net",), 300),
    Site(
        "www.linkedin.com", "13.107.42.0/24", ("www-linkedin-com.l-0005.l-msedge.net",), 300, "Windows Server"
    ),
    Site("cdn.jsdelivr.net", "151.101.0.0/16", ("jsdelivr.map.fastly.net",), 300),
    Site("fonts.gstatic.com", "142.250.0.0/15", ("gstaticadssl.l.google.com",), 300),
    Site("www.dropbox.com", "162.125.0.0/16", ("www-env.dropbox-dns.com",), 60),
)

#: Names the background resolves but does not pick at random (NTP servers: looked up by the time service).
QUIET_SITES: tuple[Site, ...] = (
    Site("time.windows.com", "20.101.57.0/24", ("twc.trafficmanager.net",), 3600, "Windows Server"),
    Site("ntp.ubuntu.com", "185.125.190.0/24", (), 300),
)

NTP_SERVERS = {
    "windows": ("time.windows.com", "20.101.57.0/24"),
    "linux": ("ntp.ubuntu.com", "185.125.190.0/24"),
}

#: Where names nobody else claims are hosted (DigitalOcean, Hetzner, OVH, Linode blocks).
HOSTING_BLOCKS = ("164.90.128.0/17", "188.34.128.0/17", "51.75.0.0/16", "172.104.0.0/16")


def address_in(block: str, *labels: str) -> ipaddress.IPv4Address:
    """A stable host address inside ``block`` for ``labels`` (not the network or broadcast address)."""
    network = ipaddress.IPv4Network(block)
    digest = int.from_bytes(hashlib.sha256("\x00".join(labels).encode()).digest()[:8], "big")
    return network.network_address + 1 + digest % (network.num_addresses - 2)


def hosting_address(name: str, seed_label: str) -> ipaddress.IPv4Address:
    digest = hashlib.sha256(f"{seed_label}\x00{name}".encode()).digest()
    return address_in(HOSTING_BLOCKS[digest[0] % len(HOSTING_BLOCKS)], seed_label, name)

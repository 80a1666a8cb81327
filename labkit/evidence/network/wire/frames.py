"""Ethernet, ARP, IPv4/IPv6, TCP, UDP and ICMP(v6) echo builders: bytes in, bytes out.

Each builder fills in what can be derived (lengths, checksums, padding) the way
scapy leaves computed fields to build time, but with precompiled ``struct``
formats and no per-call objects: building a full TCP frame costs a few
microseconds. Addresses are text ("10.0.0.5", "02:1a:..") or already-packed
bytes (the fast path :class:`~labkit.evidence.network.wire.routes.Route` uses).

Ethernet frames shorter than 60 bytes are padded with zeros to 60, without the
FCS: what a capture at a switch SPAN port shows (a capture on the sender's own
NIC would show them unpadded).
"""

from __future__ import annotations

import struct
from typing import Literal

from labkit.errors import EvidenceError

from .addresses import BROADCAST_MAC, ZERO_MAC, as_ip, as_mac
from .checksums import finish_checksum, internet_checksum, word_sum

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806
ETHERTYPE_IPV6 = 0x86DD

PROTOCOL_ICMP = 1
PROTOCOL_TCP = 6
PROTOCOL_UDP = 17
PROTOCOL_ICMPV6 = 58

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20

MINIMUM_FRAME = 60  # 64-byte Ethernet minimum without the 4-byte FCS
ETHERNET_HEADER = struct.Struct("!6s6sH")
IPV4_HEADER = struct.Struct("!BBHHHBBH4s4s")
IPV6_HEADER = struct.Struct("!IHBB16s16s")
TCP_HEADER = struct.Struct("!HHIIBBHHH")
UDP_HEADER = struct.Struct("!HHHH")
ICMP_ECHO_HEADER = struct.Struct("!BBHHH")
ARP_BODY = struct.Struct("!HHBBH6s4s6s4s")

_DONT_FRAGMENT = 0x4000
_ECHO_TYPES = {(4, "request"): 8, (4, "reply"): 0, (6, "request"): 128, (6, "reply"): 129}


def pad(frame: bytes) -> bytes:
    """``frame`` zero-padded to the 60-byte Ethernet minimum (as seen without FCS)."""
    short = MINIMUM_FRAME - len(frame)
    return frame + bytes(short) if short > 0 else frame


def ethernet(dst_mac: str | bytes, src_mac: str | bytes, ethertype: int, payload: bytes) -> bytes:
    """An Ethernet II frame, padded to 60 bytes."""
    return pad(ETHERNET_HEADER.pack(as_mac(dst_mac), as_mac(src_mac), ethertype) + payload)


def ipv4_header(
    src_ip: bytes,
    dst_ip: bytes,
    protocol: int,
    payload_length: int,
    *,
    ttl: int,
    identification: int,
    dont_fragment: bool,
    tos: int = 0,
) -> bytes:
    """A 20-byte IPv4 header (no options) with its header checksum."""
    total = 20 + payload_length
    if total > 0xFFFF:
        raise EvidenceError(f"an IPv4 packet holds at most 65515 bytes of payload, got {payload_length}")
    flags = _DONT_FRAGMENT if dont_fragment else 0
    header = IPV4_HEADER.pack(0x45, tos, total, identification, flags, ttl, protocol, 0, src_ip, dst_ip)
    checksum = internet_checksum(header)
    return header[:10] + checksum.to_bytes(2, "big") + header[12:]


def ipv4_packet(
    src_ip: str | bytes,
    dst_ip: str | bytes,
    protocol: int,
    payload: bytes,
    *,
    ttl: int = 64,
    identification: int = 0,
    dont_fragment: bool = False,
    tos: int = 0,
) -> bytes:
    """An unfragmented IPv4 packet carrying ``payload``."""
    header = ipv4_header(
        as_ip(src_ip),
        as_ip(dst_ip),
        protocol,
        len(payload),
        ttl=ttl,
        identification=identification,
        dont_fragment=dont_fragment,
        tos=tos,
    )
    return header + payload


def ipv6_packet(
    src_ip: str | bytes,
    dst_ip: str | bytes,
    next_header: int,
    payload: bytes,
    *,
    hop_limit: int = 64,
    flow_label: int = 0,
    traffic_class: int = 0,
) -> bytes:
    """An IPv6 packet (no extension headers) carrying ``payload``."""
    if len(payload) > 0xFFFF:
        raise EvidenceError(f"an IPv6 packet holds at most 65535 bytes of payload, got {len(payload)}")
    first_word = (6 << 28) | (traffic_class << 20) | flow_label
    return (
        IPV6_HEADER.pack(first_word, len(payload), next_header, hop_limit, as_ip(src_ip), as_ip(dst_ip))
        + payload
    )


def ip_packet(
    src_ip: str | bytes,
    dst_ip: str | bytes,
    protocol: int,
    payload: bytes,
    *,
    ttl: int = 64,
    identification: int = 0,
    dont_fragment: bool = False,
) -> tuple[int, bytes]:
    """(ethertype, packet): IPv4 or IPv6 after the family of the addresses."""
    source, destination = as_ip(src_ip), as_ip(dst_ip)
    if len(source) != len(destination):
        raise EvidenceError("source and destination addresses are not of the same IP family")
    if len(source) == 16:
        return ETHERTYPE_IPV6, ipv6_packet(source, destination, protocol, payload, hop_limit=ttl)
    packet = ipv4_packet(
        source,
        destination,
        protocol,
        payload,
        ttl=ttl,
        identification=identification,
        dont_fragment=dont_fragment,
    )
    return ETHERTYPE_IPV4, packet


def pseudo_header_sum(src_ip: bytes, dst_ip: bytes, protocol: int, length: int) -> int:
    """The pseudo-header's part of a TCP/UDP/ICMPv6 checksum (RFC 793 for IPv4, RFC 8200 8.1 for IPv6).

    Both layouts reduce to the same words: the two addresses, the upper-layer
    length and the protocol number (IPv6's 32-bit length folds modulo 0xFFFF).
    """
    return word_sum(src_ip) + word_sum(dst_ip) + length + protocol


def tcp_segment(
    src_ip: str | bytes,
    dst_ip: str | bytes,
    src_port: int,
    dst_port: int,
    seq: int,
    ack: int,
    flags: int,
    window: int,
    payload: bytes = b"",
    *,
    options: bytes = b"",
    urgent: int = 0,
) -> bytes:
    """A TCP segment (header, options, payload) with its checksum over the pseudo-header.

    ``options`` must already be padded to a multiple of 4 bytes (with NOP/EOL).
    """
    if len(options) % 4 or len(options) > 40:
        raise EvidenceError(f"TCP options must be 0..40 bytes in 4-byte words, got {len(options)}")
    header = (
        TCP_HEADER.pack(
            src_port,
            dst_port,
            seq & 0xFFFFFFFF,
            ack & 0xFFFFFFFF,
            (5 + len(options) // 4) << 4,
            flags,
            window,
            0,
            urgent,
        )
        + options
    )
    source, destination = as_ip(src_ip), as_ip(dst_ip)
    length = len(header) + len(payload)
    checksum = finish_checksum(
        pseudo_header_sum(source, destination, PROTOCOL_TCP, length) + word_sum(header) + word_sum(payload)
    )
    return header[:16] + checksum.to_bytes(2, "big") + header[18:] + payload


def udp_datagram(
    src_ip: str | bytes, dst_ip: str | bytes, src_port: int, dst_port: int, payload: bytes
) -> bytes:
    """A UDP datagram with its checksum (a computed 0 is sent as 0xFFFF, RFC 768)."""
    length = 8 + len(payload)
    if length > 0xFFFF:
        raise EvidenceError(f"a UDP datagram holds at most 65527 bytes, got {len(payload)}")
    source, destination = as_ip(src_ip), as_ip(dst_ip)
    header = UDP_HEADER.pack(src_port, dst_port, length, 0)
    checksum = finish_checksum(
        pseudo_header_sum(source, destination, PROTOCOL_UDP, length) + word_sum(header) + word_sum(payload)
    )
    return UDP_HEADER.pack(src_port, dst_port, length, checksum or 0xFFFF) + payload


def icmp_echo(kind: Literal["request", "reply"], identifier: int, sequence: int, payload: bytes) -> bytes:
    """An ICMPv4 echo request (type 8) or reply (type 0) with its checksum."""
    header = ICMP_ECHO_HEADER.pack(_ECHO_TYPES[4, kind], 0, 0, identifier, sequence)
    checksum = internet_checksum(header, payload)
    return ICMP_ECHO_HEADER.pack(_ECHO_TYPES[4, kind], 0, checksum, identifier, sequence) + payload


def icmpv6_echo(
    src_ip: str | bytes,
    dst_ip: str | bytes,
    kind: Literal["request", "reply"],
    identifier: int,
    sequence: int,
    payload: bytes,
) -> bytes:
    """An ICMPv6 echo request (128) or reply (129); its checksum covers the IPv6 pseudo-header."""
    header = ICMP_ECHO_HEADER.pack(_ECHO_TYPES[6, kind], 0, 0, identifier, sequence)
    length = len(header) + len(payload)
    checksum = finish_checksum(
        pseudo_header_sum(as_ip(src_ip), as_ip(dst_ip), PROTOCOL_ICMPV6, length)
        + word_sum(header)
        + word_sum(payload)
    )
    return ICMP_ECHO_HEADER.pack(_ECHO_TYPES[6, kind], 0, checksum, identifier, sequence) + payload


def arp_request(sender_mac: str | bytes, sender_ip: str | bytes, target_ip: str | bytes) -> bytes:
    """A whole Ethernet frame: "who has target_ip? tell sender_ip", broadcast, padded to 60 bytes."""
    return _arp(1, as_mac(sender_mac), as_ip(sender_ip), ZERO_MAC, as_ip(target_ip), BROADCAST_MAC)


def arp_reply(
    sender_mac: str | bytes, sender_ip: str | bytes, target_mac: str | bytes, target_ip: str | bytes
) -> bytes:
    """A whole Ethernet frame: "sender_ip is at sender_mac", unicast to the asker, padded to 60 bytes."""
    target = as_mac(target_mac)
    return _arp(2, as_mac(sender_mac), as_ip(sender_ip), target, as_ip(target_ip), target)


def _arp(
    operation: int,
    sender_mac: bytes,
    sender_ip: bytes,
    target_mac: bytes,
    target_ip: bytes,
    destination: bytes,
) -> bytes:
    if len(sender_ip) != 4 or len(target_ip) != 4:
        raise EvidenceError("ARP resolves IPv4 addresses only (IPv6 uses neighbour discovery)")
    body = ARP_BODY.pack(1, ETHERTYPE_IPV4, 6, 4, operation, sender_mac, sender_ip, target_mac, target_ip)
    return pad(ETHERNET_HEADER.pack(destination, sender_mac, ETHERTYPE_ARP) + body)

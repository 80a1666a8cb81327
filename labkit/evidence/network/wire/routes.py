"""The fast path: whole frames from one host to another with everything fixed precomputed.

A :class:`Route` is made once per direction of a flow. The Ethernet header, the
addresses and their share of every checksum are computed there, so building a
frame is one or two ``struct`` packs, two checksum sums and a join. The session
engines and the benchmark build every frame through it.
"""

from __future__ import annotations

from typing import Literal

from .addresses import as_ip, as_mac
from .checksums import finish_checksum, word_sum
from .frames import (
    ETHERNET_HEADER,
    ETHERTYPE_IPV4,
    ETHERTYPE_IPV6,
    ICMP_ECHO_HEADER,
    IPV4_HEADER,
    IPV6_HEADER,
    PROTOCOL_ICMP,
    PROTOCOL_ICMPV6,
    PROTOCOL_TCP,
    PROTOCOL_UDP,
    TCP_HEADER,
    UDP_HEADER,
    icmp_echo,
    pad,
)

_DONT_FRAGMENT = 0x4000


class Route:
    """Everything fixed about the frames ``src`` sends ``dst``: MACs, IPs, TTL (hop limit)."""

    __slots__ = ("_address_sum", "_dst_ip", "_ethernet", "_ipv6_prefix", "_src_ip", "_ttl", "ipv6")

    def __init__(
        self, src_mac: str | bytes, dst_mac: str | bytes, src_ip: str | bytes, dst_ip: str | bytes, ttl: int
    ) -> None:
        self._src_ip, self._dst_ip = as_ip(src_ip), as_ip(dst_ip)
        self.ipv6 = len(self._src_ip) == 16
        ethertype = ETHERTYPE_IPV6 if self.ipv6 else ETHERTYPE_IPV4
        self._ethernet = ETHERNET_HEADER.pack(as_mac(dst_mac), as_mac(src_mac), ethertype)
        self._ttl = ttl
        self._address_sum = word_sum(self._src_ip) + word_sum(self._dst_ip)
        self._ipv6_prefix = (6 << 28, self._src_ip, self._dst_ip)

    def _frame(self, protocol: int, transport: bytes, identification: int, dont_fragment: bool) -> bytes:
        length = len(transport)
        if self.ipv6:
            first_word, source, destination = self._ipv6_prefix
            header = IPV6_HEADER.pack(first_word, length, protocol, self._ttl, source, destination)
            return pad(self._ethernet + header + transport)
        flags = _DONT_FRAGMENT if dont_fragment else 0
        total = 20 + length
        checksum = finish_checksum(
            0x4500 + total + identification + flags + (self._ttl << 8 | protocol) + self._address_sum
        )
        header = IPV4_HEADER.pack(
            0x45, 0, total, identification, flags, self._ttl, protocol, checksum, self._src_ip, self._dst_ip
        )
        return pad(self._ethernet + header + transport)

    def tcp_frame(
        self,
        src_port: int,
        dst_port: int,
        seq: int,
        ack: int,
        flags: int,
        window: int,
        payload: bytes = b"",
        options: bytes = b"",
        *,
        identification: int = 0,
        dont_fragment: bool = True,
    ) -> bytes:
        """A whole Ethernet frame carrying one TCP segment (``options`` padded to 4-byte words)."""
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
                0,
            )
            + options
        )
        length = len(header) + len(payload)
        checksum = finish_checksum(
            self._address_sum + PROTOCOL_TCP + length + word_sum(header) + word_sum(payload)
        )
        segment = header[:16] + checksum.to_bytes(2, "big") + header[18:] + payload
        return self._frame(PROTOCOL_TCP, segment, identification, dont_fragment)

    def udp_frame(
        self,
        src_port: int,
        dst_port: int,
        payload: bytes,
        *,
        identification: int = 0,
        dont_fragment: bool = False,
    ) -> bytes:
        """A whole Ethernet frame carrying one UDP datagram."""
        length = 8 + len(payload)
        checksum = finish_checksum(
            self._address_sum + PROTOCOL_UDP + length + src_port + dst_port + length + word_sum(payload)
        )
        datagram = UDP_HEADER.pack(src_port, dst_port, length, checksum or 0xFFFF) + payload
        return self._frame(PROTOCOL_UDP, datagram, identification, dont_fragment)

    def icmp_echo_frame(
        self,
        kind: Literal["request", "reply"],
        identifier: int,
        sequence: int,
        payload: bytes,
        *,
        identification: int = 0,
        dont_fragment: bool = False,
    ) -> bytes:
        """A whole Ethernet frame carrying an ICMP (IPv4) or ICMPv6 (IPv6) echo request or reply."""
        if not self.ipv6:
            message = icmp_echo(kind, identifier, sequence, payload)
            return self._frame(PROTOCOL_ICMP, message, identification, dont_fragment)
        message_type = 128 if kind == "request" else 129
        length = 8 + len(payload)
        checksum = finish_checksum(
            self._address_sum
            + PROTOCOL_ICMPV6
            + length
            + (message_type << 8)
            + identifier
            + sequence
            + word_sum(payload)
        )
        message = ICMP_ECHO_HEADER.pack(message_type, 0, checksum, identifier, sequence) + payload
        return self._frame(PROTOCOL_ICMPV6, message, identification, dont_fragment)

"""Decode a frame down to TCP/UDP/ICMP: Ethernet (802.1Q/802.1ad tags), Linux cooked SLL/SLL2,
raw IP and BSD loopback links; IPv4 (fragments reassembled as Wireshark does) and IPv6 with
its extension headers; ARP.

Written for speed on captures of a million frames: ``struct`` on bytes, address text
cached, no object per layer. A frame that ends early or carries impossible lengths is
decoded as far as it goes and marked with a ``problem``; it never raises.
"""

from __future__ import annotations

import socket
import struct

from labkit.tools.net.capture_records import RawPacket
from labkit.tools.net.decoded_packet import ICMP_ERRORS, ICMPV6_ERRORS, Packet, QuotedTransport
from labkit.tools.net.ip_fragments import FragmentReassembler

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806
ETHERTYPE_IPV6 = 0x86DD
_VLAN_TAGS = (0x8100, 0x88A8, 0x9100)
_IPV6_EXTENSIONS = (0, 43, 60, 51)  # hop-by-hop, routing, destination options, AH (fragment: 44)
_BSD_INET6 = (24, 28, 30)
_CACHE_LIMIT = 200_000
_text4: dict[bytes, str] = {}
_text6: dict[bytes, str] = {}
_u16 = struct.Struct("!H").unpack_from
_tcp_header = struct.Struct("!HHIIH").unpack_from
_udp_header = struct.Struct("!HHH").unpack_from


def ipv4_text(address: bytes) -> str:
    text = _text4.get(address)
    if text is None:
        if len(_text4) > _CACHE_LIMIT:
            _text4.clear()
        text = _text4[address] = socket.inet_ntoa(address)
    return text


def ipv6_text(address: bytes) -> str:
    text = _text6.get(address)
    if text is None:
        if len(_text6) > _CACHE_LIMIT:
            _text6.clear()
        text = _text6[address] = socket.inet_ntop(socket.AF_INET6, address)
    return text


def decode(raw: RawPacket, fragments: FragmentReassembler) -> Packet:
    """The frame's fields, as far as its link type and its bytes allow."""
    packet = Packet(raw)
    data = raw.data
    link = raw.interface.link_type
    if link == 1:
        _ethernet(packet, data, fragments)
    elif link == 113 and len(data) >= 16:
        if _u16(data, 2)[0] == 1 and _u16(data, 4)[0] == 6:  # ARPHRD_ETHER: the sender's MAC
            packet.src_mac = data[6:12].hex(":")
        _network(packet, _u16(data, 14)[0], data, 16, fragments)
    elif link == 276 and len(data) >= 20:
        if _u16(data, 8)[0] == 1 and data[11] == 6:
            packet.src_mac = data[12:18].hex(":")
        _network(packet, _u16(data, 0)[0], data, 20, fragments)
    elif link in (101, 12, 14, 228, 229) and data:
        _network(packet, ETHERTYPE_IPV6 if data[0] >> 4 == 6 else ETHERTYPE_IPV4, data, 0, fragments)
    elif link == 0 and len(data) >= 4:
        family = min(struct.unpack_from("<I", data)[0], struct.unpack_from(">I", data)[0])
        ethertype = ETHERTYPE_IPV4 if family == 2 else ETHERTYPE_IPV6 if family in (*_BSD_INET6, 10) else 0
        _network(packet, ethertype, data, 4, fragments)
    elif link == -1:
        packet.problem = "a pcapng record that is not a packet (custom, systemd journal or sysdig block)"
    elif link not in (1, 113, 276, 0, 101, 12, 14, 228, 229):
        packet.problem = f"link type {link} is not decoded"
    else:
        packet.problem = "frame too short for its link header"
    return packet


def _ethernet(packet: Packet, data: bytes, fragments: FragmentReassembler) -> None:
    if len(data) < 14:
        packet.problem = "frame too short for an Ethernet header"
        return
    packet.dst_mac = data[0:6].hex(":")
    packet.src_mac = data[6:12].hex(":")
    ethertype = _u16(data, 12)[0]
    offset = 14
    vlans = []
    while ethertype in _VLAN_TAGS and len(data) >= offset + 4:
        vlans.append(_u16(data, offset)[0] & 0x0FFF)
        ethertype = _u16(data, offset + 2)[0]
        offset += 4
    packet.vlans = tuple(vlans)
    _network(packet, ethertype, data, offset, fragments)


def _network(
    packet: Packet, ethertype: int, data: bytes, offset: int, fragments: FragmentReassembler
) -> None:
    if ethertype == ETHERTYPE_IPV4:
        _ipv4(packet, data, offset, fragments)
    elif ethertype == ETHERTYPE_IPV6:
        _ipv6(packet, data, offset, fragments)
    elif ethertype == ETHERTYPE_ARP:
        _arp(packet, data, offset)


def _arp(packet: Packet, data: bytes, offset: int) -> None:
    if len(data) < offset + 28 or data[offset + 4] != 6 or data[offset + 5] != 4:
        packet.problem = "ARP packet not for Ethernet/IPv4, or too short"
        return
    opcode = _u16(data, offset + 6)[0]
    packet.arp = (
        opcode,
        data[offset + 8 : offset + 14].hex(":"),
        ipv4_text(data[offset + 14 : offset + 18]),
        data[offset + 18 : offset + 24].hex(":"),
        ipv4_text(data[offset + 24 : offset + 28]),
    )


def _ipv4(packet: Packet, data: bytes, offset: int, fragments: FragmentReassembler) -> None:
    if len(data) < offset + 20 or data[offset] >> 4 != 4 or (data[offset] & 15) < 5:
        packet.problem = "not a valid IPv4 header"
        return
    header_length = (data[offset] & 15) * 4
    total, _ident, flags_offset = struct.unpack_from("!HHH", data, offset + 2)
    protocol = data[offset + 9]
    source, target = data[offset + 12 : offset + 16], data[offset + 16 : offset + 20]
    packet.ip_version = 4
    packet.src_ip = ipv4_text(source)
    packet.dst_ip = ipv4_text(target)
    declared = total - header_length if total >= header_length else len(data) - offset - header_length
    payload = data[offset + header_length : offset + header_length + max(declared, 0)]
    fragment_offset = (flags_offset & 0x1FFF) * 8
    if flags_offset & 0x2000 or fragment_offset:
        key = (4, source, target, _ident, protocol)
        whole = fragments.add(key, fragment_offset, bool(flags_offset & 0x2000), payload)
        if whole is None:
            packet.fragment = "fragment"
            return
        packet.fragment = "reassembled"
        payload, declared = whole, len(whole)
    _transport(packet, protocol, payload, declared)


def _ipv6(packet: Packet, data: bytes, offset: int, fragments: FragmentReassembler) -> None:
    if len(data) < offset + 40 or data[offset] >> 4 != 6:
        packet.problem = "not a valid IPv6 header"
        return
    payload_length = _u16(data, offset + 4)[0]
    next_header = data[offset + 6]
    source, target = data[offset + 8 : offset + 24], data[offset + 24 : offset + 40]
    packet.ip_version = 6
    packet.src_ip = ipv6_text(source)
    packet.dst_ip = ipv6_text(target)
    end = offset + 40 + payload_length if payload_length else len(data)
    position = offset + 40
    while len(data) >= position + 8 and (next_header in _IPV6_EXTENSIONS or next_header == 44):
        if next_header == 44:
            field = _u16(data, position + 2)[0]
            following = data[position]
            if field & 0xFFF9:  # a real fragment (not an atomic one)
                key = (6, source, target, struct.unpack_from("!I", data, position + 4)[0])
                whole = fragments.add(key, field & 0xFFF8, bool(field & 1), data[position + 8 : end])
                if whole is None:
                    packet.fragment = "fragment"
                    return
                packet.fragment = "reassembled"
                _transport(packet, following, whole, len(whole))
                return
            position += 8
        else:
            following = data[position]
            position += (data[position + 1] + 2) * 4 if next_header == 51 else (data[position + 1] + 1) * 8
        next_header = following
    _transport(packet, next_header, data[position:end], end - position)


def _protocol_name(protocol: int) -> str:
    return {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}.get(protocol, f"ip-proto-{protocol}")


def _transport(packet: Packet, protocol: int, segment: bytes, declared: int) -> None:
    packet.protocol = _protocol_name(protocol)
    if protocol == 6:
        if len(segment) < 20:
            packet.problem = "TCP header cut short"
            return
        packet.src_port, packet.dst_port, packet.tcp_seq, packet.tcp_ack, flags = _tcp_header(segment)
        header_length = (flags >> 12) * 4
        if header_length < 20:
            packet.problem = f"TCP header length {header_length} is below 20"
            packet.protocol = None
            return
        packet.tcp_flags = flags & 0x1FF
        packet.payload = segment[header_length:]
        packet.payload_length = max(declared - header_length, len(packet.payload))
    elif protocol == 17:
        if len(segment) < 8:
            packet.problem = "UDP header cut short"
            packet.protocol = None
            return
        packet.src_port, packet.dst_port, length = _udp_header(segment)
        end = length if 8 <= length <= max(declared, len(segment)) else max(declared, len(segment))
        packet.payload = segment[8:end]
        packet.payload_length = end - 8
    elif protocol in (1, 58) and len(segment) >= 4:
        packet.icmp_type, packet.icmp_code = segment[0], segment[1]
        packet.payload = segment[4:]
        packet.payload_length = len(segment) - 4
        errors = ICMP_ERRORS if protocol == 1 else ICMPV6_ERRORS
        if packet.icmp_type in errors and len(segment) > 8:
            packet.quoted = _quoted(segment[8:], protocol == 58)


def _quoted(inner: bytes, version6: bool) -> QuotedTransport | None:
    """The transport header inside an ICMP error, if enough of it is there for Wireshark to use it."""
    if version6:
        if len(inner) < 40 or inner[0] >> 4 != 6:
            return None
        protocol, source, target, rest = inner[6], ipv6_text(inner[8:24]), ipv6_text(inner[24:40]), inner[40:]
    else:
        if len(inner) < 20 or inner[0] >> 4 != 4 or (inner[0] & 15) < 5:
            return None
        if _u16(inner, 6)[0] & 0x1FFF:
            return None
        header_length = (inner[0] & 15) * 4
        protocol, source, target = inner[9], ipv4_text(inner[12:16]), ipv4_text(inner[16:20])
        rest = inner[header_length:]
    if protocol == 17 and len(rest) >= 8:
        return QuotedTransport("udp", source, target, _u16(rest, 0)[0], _u16(rest, 2)[0])
    if protocol == 6 and len(rest) >= 16 and rest[12] >> 4 >= 5:
        sport, dport, seq, _ack, flags = _tcp_header(rest)
        return QuotedTransport("tcp", source, target, sport, dport, seq, flags & 0x1FF)
    return None

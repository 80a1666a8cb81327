"""Frame builders against scapy, an independent builder/dissector: same bytes, valid checksums."""

from __future__ import annotations

import random

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoReply, ICMPv6EchoRequest, IPv6
from scapy.layers.l2 import ARP, Ether
from scapy.utils import checksum as scapy_checksum

from labkit.errors import EvidenceError
from labkit.evidence.network.wire import (
    Endpoint,
    Route,
    arp_reply,
    arp_request,
    ethernet,
    icmp_echo,
    icmpv6_echo,
    internet_checksum,
    ipv4_packet,
    ipv6_packet,
    syn_options,
    tcp_segment,
    udp_datagram,
)
from labkit.evidence.network.wire.frames import ACK, PSH, SYN

MAC_A, MAC_B = "02:00:5e:10:00:01", "02:00:5e:10:00:02"


def _recomputed(frame: bytes) -> bytes:
    """scapy's own build of the same packet with every checksum and length left for it to compute."""
    packet = Ether(frame)
    for layer in (IP, TCP, UDP, ICMP, IPv6, ICMPv6EchoRequest, ICMPv6EchoReply):
        if layer in packet:
            for name in ("chksum", "cksum", "len", "plen"):
                if name in packet[layer].fields:
                    del packet[layer].fields[name]
    return bytes(packet)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 20, 61, 1460, 1461])
def test_internet_checksum_matches_scapy(length: int) -> None:
    rng = random.Random(length)
    for data in (rng.randbytes(length), b"\xff" * length, bytes(length)):
        assert internet_checksum(data) == scapy_checksum(data)


def test_checksum_of_split_parts_equals_checksum_of_the_whole() -> None:
    rng = random.Random(1)
    head, middle, tail = rng.randbytes(12), rng.randbytes(20), rng.randbytes(333)
    assert internet_checksum(head, middle, tail) == internet_checksum(head + middle + tail)


@pytest.mark.parametrize("ipv6", [False, True])
def test_tcp_frame_is_what_scapy_builds(ipv6: bool) -> None:
    source, destination = ("2001:db8::10", "2001:db8::80") if ipv6 else ("192.0.2.10", "198.51.100.80")
    options = syn_options("linux", mss=1440, window_scale=7, sack_permitted=True, timestamp=(12345, 0))
    segment = tcp_segment(source, destination, 51000, 443, 0xFFFFFFF0, 0, SYN, 64240, options=options)
    if ipv6:
        frame = ethernet(MAC_B, MAC_A, 0x86DD, ipv6_packet(source, destination, 6, segment, hop_limit=64))
    else:
        packet = ipv4_packet(source, destination, 6, segment, ttl=64, identification=0, dont_fragment=True)
        frame = ethernet(MAC_B, MAC_A, 0x0800, packet)
    assert _recomputed(frame) == frame
    parsed = Ether(frame)
    assert parsed[TCP].options[:3] == [("MSS", 1440), ("SAckOK", b""), ("Timestamp", (12345, 0))]
    assert parsed[TCP].seq == 0xFFFFFFF0 and parsed[TCP].flags == "S"
    if not ipv6:
        assert parsed[IP].flags == "DF" and parsed[IP].ttl == 64


@pytest.mark.parametrize("ipv6", [False, True])
def test_route_builds_the_same_frames_as_the_generic_builders(ipv6: bool) -> None:
    source, destination = ("2001:db8::10", "2001:db8::80") if ipv6 else ("192.0.2.10", "198.51.100.80")
    route = Route(MAC_A, MAC_B, source, destination, 128)
    payload = random.Random(2).randbytes(1001)
    frame = route.tcp_frame(51000, 80, 7, 9, ACK | PSH, 1026, payload, identification=4242)
    segment = tcp_segment(source, destination, 51000, 80, 7, 9, ACK | PSH, 1026, payload)
    if ipv6:
        expected = ethernet(MAC_B, MAC_A, 0x86DD, ipv6_packet(source, destination, 6, segment, hop_limit=128))
    else:
        packet = ipv4_packet(
            source, destination, 6, segment, ttl=128, identification=4242, dont_fragment=True
        )
        expected = ethernet(MAC_B, MAC_A, 0x0800, packet)
    assert frame == expected
    assert _recomputed(frame) == frame
    udp = route.udp_frame(53001, 9999, payload[:77], identification=7)
    assert _recomputed(udp) == udp
    assert Ether(udp)[UDP].load == payload[:77]


@pytest.mark.parametrize("ipv6", [False, True])
def test_udp_checksum_computed_as_zero_is_sent_as_ffff(ipv6: bool) -> None:
    source, destination = ("2001:db8::1", "2001:db8::2") if ipv6 else ("10.0.0.1", "10.0.0.2")
    probe = udp_datagram(source, destination, 1000, 2000, b"\x00\x00")
    payload = probe[6:8]  # a payload word equal to the checksum over a zero word makes the sum 0xFFFF
    datagram = udp_datagram(source, destination, 1000, 2000, payload)
    assert datagram[6:8] == b"\xff\xff"
    layer = IPv6(src=source, dst=destination) if ipv6 else IP(src=source, dst=destination)
    assert bytes((layer / UDP(sport=1000, dport=2000) / payload)[UDP]) == datagram  # scapy agrees


def test_icmp_echo_both_families() -> None:
    payload = b"abcdefghijklmnopqrstuvwabcdefghi"
    request = ethernet(
        MAC_B, MAC_A, 0x0800, ipv4_packet("10.0.0.1", "10.0.0.2", 1, icmp_echo("request", 1, 9, payload))
    )
    assert _recomputed(request) == request
    assert Ether(request)[ICMP].type == 8 and Ether(request)[ICMP].seq == 9
    reply6 = icmpv6_echo("2001:db8::2", "2001:db8::1", "reply", 0x1234, 3, payload)
    frame = ethernet(MAC_A, MAC_B, 0x86DD, ipv6_packet("2001:db8::2", "2001:db8::1", 58, reply6))
    assert _recomputed(frame) == frame
    assert Ether(frame)[ICMPv6EchoReply].id == 0x1234


def test_arp_frames_are_padded_to_60_bytes() -> None:
    request = arp_request(MAC_A, "192.168.1.10", "192.168.1.1")
    reply = arp_reply(MAC_B, "192.168.1.1", MAC_A, "192.168.1.10")
    assert len(request) == len(reply) == 60
    assert request[:6] == b"\xff" * 6 and request[42:] == bytes(18)
    parsed = Ether(reply)
    assert (parsed[ARP].op, parsed[ARP].psrc, parsed[ARP].hwsrc, parsed[ARP].pdst) == (
        2,
        "192.168.1.1",
        MAC_B,
        "192.168.1.10",
    )
    assert parsed.dst == MAC_A


def test_short_frames_are_padded_long_ones_are_not() -> None:
    short = ethernet(
        MAC_B,
        MAC_A,
        0x0800,
        ipv4_packet("10.0.0.1", "10.0.0.2", 6, tcp_segment("10.0.0.1", "10.0.0.2", 1, 2, 0, 0, ACK, 1)),
    )
    assert len(short) == 60 and Ether(short)[IP].len == 40
    assert len(ethernet(MAC_B, MAC_A, 0x0800, bytes(100))) == 114


def test_syn_option_layouts_match_linux_and_windows() -> None:
    linux = syn_options("linux", mss=1460, window_scale=7, sack_permitted=True, timestamp=(1, 0))
    assert linux.hex() == "020405b40402080a0000000100000000" + "01030307"
    linux_plain = syn_options("linux", mss=1460, window_scale=7, sack_permitted=True, timestamp=None)
    assert linux_plain.hex() == "020405b4" + "01010402" + "01030307"
    windows = syn_options("windows", mss=1460, window_scale=8, sack_permitted=True, timestamp=None)
    assert windows.hex() == "020405b4" + "01030308" + "01010402"
    windows_ts = syn_options("windows", mss=1460, window_scale=8, sack_permitted=True, timestamp=(5, 0))
    assert windows_ts.hex() == "020405b4" + "01030308" + "0402080a0000000500000000"
    for order in ("linux", "windows"):
        for scale in (None, 2):
            for sack in (False, True):
                for stamp in (None, (1, 2)):
                    options = syn_options(
                        order, mss=536, window_scale=scale, sack_permitted=sack, timestamp=stamp
                    )
                    assert len(options) % 4 == 0 and len(options) <= 40


def test_bad_addresses_are_clear_errors() -> None:
    with pytest.raises(EvidenceError, match="MAC"):
        Endpoint("x", "02:00:00:00:00", "10.0.0.1")
    with pytest.raises(EvidenceError, match="IPv4 or IPv6"):
        Endpoint("x", MAC_A, "10.0.0.300")
    with pytest.raises(EvidenceError, match="window_scale"):
        Endpoint("x", MAC_A, "10.0.0.3", window_scale=15)
    with pytest.raises(EvidenceError, match="IPv4"):
        arp_request(MAC_A, "2001:db8::1", "2001:db8::2")

"""Layer 1 of network evidence: frames, checksums, capture files and the TCP/UDP session engines.

Typical use (the integrator renders a story action into one capture point)::

    capture = Capture(file_format="pcapng", interface_name="eth0")
    session = TcpSession(capture, client, server, 49732, 80, start_us, rtt_us=24_000, rng=rng)
    session.connect()
    session.send("client", request)
    transfer = session.send("server", response, think_us=3_000)
    session.close("client")
    summary = capture.finish(path)      # now transfer.first.number, session.stream.index are known
"""

from __future__ import annotations

from .addresses import ip_bytes, mac_bytes
from .capture import Capture, CaptureSummary, FrameRef, StreamRef
from .capture_file import CaptureFileWriter, PcapngWriter, PcapWriter
from .checksums import internet_checksum
from .endpoints import Endpoint, IpIdentification
from .frames import (
    arp_reply,
    arp_request,
    ethernet,
    icmp_echo,
    icmpv6_echo,
    ip_packet,
    ipv4_packet,
    ipv6_packet,
    tcp_segment,
    udp_datagram,
)
from .ping import Echo, ping
from .routes import Route
from .tcp_options import syn_options, timestamp_option
from .tcp_session import Handshake, TcpSession, Transfer
from .udp_flow import UdpFlow

__all__ = [
    "Capture",
    "CaptureFileWriter",
    "CaptureSummary",
    "Echo",
    "Endpoint",
    "FrameRef",
    "Handshake",
    "IpIdentification",
    "PcapWriter",
    "PcapngWriter",
    "Route",
    "StreamRef",
    "TcpSession",
    "Transfer",
    "UdpFlow",
    "arp_reply",
    "arp_request",
    "ethernet",
    "icmp_echo",
    "icmpv6_echo",
    "internet_checksum",
    "ip_bytes",
    "ip_packet",
    "ipv4_packet",
    "ipv6_packet",
    "mac_bytes",
    "ping",
    "syn_options",
    "tcp_segment",
    "timestamp_option",
    "udp_datagram",
]

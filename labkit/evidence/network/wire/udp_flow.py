"""UDP datagrams between two endpoints at times the caller chooses (DNS, NTP, syslog, tunnels)."""

from __future__ import annotations

from random import Random
from typing import Literal

from labkit.errors import EvidenceError

from .capture import Capture, FrameRef, StreamRef
from .endpoints import Endpoint, IpIdentification, same_family
from .routes import Route

Sender = Literal["client", "server"]
_ETHERNET_MTU = 1500


class UdpFlow:
    """One UDP conversation (address/port pair): Wireshark gives it one udp.stream index.

    Payloads must fit one packet of the path MTU: IP fragmentation is not modelled.
    IPv4 packets follow each endpoint's ``ip_id`` habit; DF is set by hosts whose
    habit is "zero" (Linux sets DF on UDP too), cleared otherwise.
    """

    def __init__(
        self,
        capture: Capture,
        client: Endpoint,
        server: Endpoint,
        client_port: int,
        server_port: int,
        start_us: int,
        *,
        rng: Random | None = None,
        mtu: int = _ETHERNET_MTU,
    ) -> None:
        same_family(client, server)
        for name, port in (("client_port", client_port), ("server_port", server_port)):
            if not 0 <= port <= 65535:
                raise EvidenceError(f"{name} must be 0..65535, got {port}")
        self._capture = capture
        self.start_us = start_us
        self._mtu = mtu
        self._header_bytes = (40 if client.is_ipv6 else 20) + 8
        key = tuple(sorted(((client.ip, client_port), (server.ip, server_port))))
        self.stream: StreamRef = capture.new_stream("udp", key)
        flow = f"udp {client.ip}:{client_port}-{server.ip}:{server_port}"
        self._ends = {
            "client": (
                Route(client.mac, server.mac, client.ip, server.ip, client.ttl),
                client_port,
                server_port,
                IpIdentification(client.ip_id, rng, flow + " client"),
                client.ip_id == "zero",
            ),
            "server": (
                Route(server.mac, client.mac, server.ip, client.ip, server.ttl),
                server_port,
                client_port,
                IpIdentification(server.ip_id, rng, flow + " server"),
                server.ip_id == "zero",
            ),
        }

    def send(self, sender: Sender, payload: bytes, *, at_us: int) -> FrameRef:
        """One datagram from ``sender`` captured at ``at_us``."""
        if sender not in self._ends:
            raise EvidenceError(f"a UDP sender is 'client' or 'server', not {sender!r}")
        if len(payload) + self._header_bytes > self._mtu:
            raise EvidenceError(
                f"a UDP payload of {len(payload)} bytes does not fit the {self._mtu}-byte MTU "
                "(IP fragmentation is not modelled)"
            )
        route, source_port, destination_port, ip_ids, dont_fragment = self._ends[sender]
        identification = 0 if route.ipv6 else ip_ids.next(dont_fragment)
        frame = route.udp_frame(
            source_port, destination_port, payload, identification=identification, dont_fragment=dont_fragment
        )
        return self._capture.add(at_us, frame, self.stream)

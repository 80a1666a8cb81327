"""Hostile traffic read back by its shape in what tshark shows: SSH brute force, SYN scan, DNS tunnel.

Each is found the way an examiner finds it, inside the action's recorded time window: the SSH
conversations one address opened to one server port, the payload-less SYN probes from one address to
another, the query names under the tunnel's domain. The tunnel's data is decoded here from the scheme
the briefing documents, not by labkit's encoder.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator
from functools import cached_property
from typing import ClassVar

from labkit.verify.network_views import (
    DNS_TYPES,
    ActionView,
    NotShown,
    dns_response,
    is_dns_query,
    iso,
    need,
    seconds_us,
)
from labkit.verify.tshark_cli import Frame

_SLACK_US = 1_000_000  # recorded start/end times are those of the story, the frames a little after


class WindowView(ActionView):
    """An action found by its time window (``started`` .. ``finished``)."""

    def window(self) -> tuple[int, int]:
        start = need(seconds_us(self.record.get("started")), "no recorded start time")
        end = seconds_us(self.record.get("finished")) or start + 3600 * 1_000_000
        return start - _SLACK_US, end + _SLACK_US

    def syns(self) -> Iterator[tuple[Frame, list[Frame]]]:
        """Every connection attempt in the window, with its stream."""
        start, end = self.window()
        for frame in self.capture.frames:
            if frame.is_syn and start <= frame.time_us <= end:
                yield frame, self.capture.tcp_stream(frame.integer("tcp.stream"))

    @staticmethod
    def largest(groups: dict[tuple[str | None, ...], list[tuple[Frame, list[Frame]]]]) -> list:
        return max(need(list(groups.values()), "nothing of this shape in the time window"), key=len)


class SshBruteForceView(WindowView):
    """Many SSH conversations from one address to one server port; the one the attacker closes got in."""

    kind = "ssh.bruteforce"
    signature = frozenset({"success_stream", "sessions"})

    @cached_property
    def sessions(self) -> list[tuple[Frame, list[Frame]]]:
        groups: dict[tuple[str | None, ...], list[tuple[Frame, list[Frame]]]] = {}
        for syn, stream in self.syns():
            if any(frame.get("ssh.protocol") for frame in stream):
                groups.setdefault((syn.source, syn.destination, syn.get("tcp.dstport")), []).append(
                    (syn, stream)
                )
        return self.largest(groups)

    def closed_by_attacker(self) -> list[list[Frame]]:
        attacker = self.sessions[0][0].source
        return [
            stream
            for _, stream in self.sessions
            if next((f for f in stream if f.closes), stream[-1]).source == attacker
        ]

    def banner(self, sender: str | None) -> str:
        frames = (f for _, stream in self.sessions for f in stream if f.source == sender)
        return need(next((f.get("ssh.protocol") for f in frames if f.get("ssh.protocol")), None), "no banner")

    def fact_attacker_ip(self) -> str | None:
        return self.sessions[0][0].source

    def fact_target_ip(self) -> str | None:
        return self.sessions[0][0].destination

    def fact_target_port(self) -> int | None:
        return self.sessions[0][0].integer("tcp.dstport")

    def fact_sessions(self) -> int:
        return len(self.sessions)

    def fact_first_frame(self) -> int:
        return self.sessions[0][0].number

    def fact_last_frame(self) -> int:
        return self.sessions[-1][1][-1].number

    def fact_first_stream(self) -> int | None:
        return self.sessions[0][0].integer("tcp.stream")

    def fact_last_stream(self) -> int | None:
        return self.sessions[-1][0].integer("tcp.stream")

    def fact_success(self) -> bool:
        return bool(self.closed_by_attacker())

    def fact_success_stream(self) -> int | None:
        return need(self.closed_by_attacker(), "every session was closed by the server")[0][0].integer(
            "tcp.stream"
        )

    def fact_client_banner(self) -> str:
        return self.banner(self.sessions[0][0].source)

    def fact_server_banner(self) -> str:
        return self.banner(self.sessions[0][0].destination)

    def fact_started(self) -> str:
        return iso(self.sessions[0][0].time_us)

    def fact_finished(self) -> str:
        return iso(max(stream[-1].time_us for _, stream in self.sessions))


class SynScanView(WindowView):
    """Payload-less SYN probes from one address to another; a SYN/ACK answer means an open port."""

    kind = "scan.syn"
    signature = frozenset({"open_ports", "ports_scanned"})

    @cached_property
    def probes(self) -> list[tuple[Frame, list[Frame]]]:
        groups: dict[tuple[str | None, ...], list[tuple[Frame, list[Frame]]]] = {}
        for syn, stream in self.syns():
            if all(not frame.integer("tcp.len") for frame in stream):
                groups.setdefault((syn.source, syn.destination), []).append((syn, stream))
        return self.largest(groups)

    def fact_scanner_ip(self) -> str | None:
        return self.probes[0][0].source

    def fact_target_ip(self) -> str | None:
        return self.probes[0][0].destination

    def fact_ports_scanned(self) -> int:
        return len({syn.get("tcp.dstport") for syn, _ in self.probes})

    def fact_open_ports(self) -> str:
        ports = {
            syn.integer("tcp.dstport") or 0
            for syn, stream in self.probes
            if any(f.is_syn_ack for f in stream)
        }
        return ", ".join(str(port) for port in sorted(ports))

    def fact_first_frame(self) -> int:
        return self.probes[0][0].number

    def fact_last_frame(self) -> int:
        return max(stream[-1].number for _, stream in self.probes)

    def fact_started(self) -> str:
        return iso(self.probes[0][0].time_us)

    def fact_finished(self) -> str:
        return iso(max(stream[-1].time_us for _, stream in self.probes))


def decode_tunnel(names: list[str], domain: str) -> tuple[str, bytes] | None:
    """``<session><sequence>.<data>...<domain>`` names -> (encoding, data): base32 without padding, or hex."""
    chunks: dict[int, str] = {}
    for name in names:
        header, *data = name.lower().removesuffix("." + domain.lower()).split(".")
        chunks[int(header[4:], 16)] = "".join(data)
    text = "".join(chunks[sequence] for sequence in sorted(chunks))
    try:
        if re.search(r"[0189]", text):  # not in the base32 alphabet
            return "hex", bytes.fromhex(text)
        return "base32", base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except (ValueError, binascii.Error):
        return None


class DnsTunnelView(ActionView):
    """Query names under the tunnel's domain from the client (one tunnel session, after its start)."""

    kind = "dns.tunnel"
    signature = frozenset({"queries", "data_sha256", "domain"})
    tools: ClassVar[dict[str, str]] = {
        name: "tshark -T fields + decoding by the documented scheme"
        for name in ("data_text", "data_size", "data_sha256", "encoding", "domain")
    }

    @cached_property
    def tunnel(self) -> tuple[list[Frame], list[Frame]]:
        """(check-ins, data queries): the first session of names carrying data under the domain after the
        action's start, and the header-only check-ins (``<8 hex>.<domain>``) the client sent before it."""
        domain = "." + str(self.record.get("domain", "")).lower()
        since = (seconds_us(self.record.get("started")) or 0) - _SLACK_US
        check_ins: list[Frame] = []
        sessions: dict[str, list[Frame]] = {}
        for frame in self.capture.frames:
            name = (frame.get("dns.qry.name") or "").lower()
            if not (is_dns_query(frame) and frame.time_us >= since and name.endswith(domain)):
                continue
            labels = name.removesuffix(domain).split(".")
            if frame.source != self.record.get("client_ip") or not re.fullmatch(r"[0-9a-f]{8}", labels[0]):
                continue
            if len(labels) == 1:
                check_ins.append(frame)
            else:
                sessions.setdefault(labels[0][:4], []).append(frame)
        first = min(sessions.values(), key=lambda frames: frames[0].number, default=None)
        data = need(first, "no names carrying data")
        return [f for f in check_ins if f.number < data[0].number], data

    @property
    def queries(self) -> list[Frame]:
        return self.tunnel[1]

    @staticmethod
    def distinct(frames: list[Frame]) -> list[str]:
        return sorted({(f.get("dns.qry.name") or "").lower() for f in frames})

    def names(self) -> list[str]:
        return self.distinct(self.queries)

    def decoded(self) -> tuple[str, bytes]:
        return need(decode_tunnel(self.names(), str(self.record.get("domain"))), "the names do not decode")

    def data(self) -> bytes:
        return self.decoded()[1]

    def fact_domain(self) -> str:
        names = self.distinct(self.tunnel[0] + self.tunnel[1])
        if len(names) > 1:  # the labels every name ends with
            backwards = [name.split(".")[::-1] for name in names]
            shared = 0
            while all(len(b) > shared + 1 and b[shared] == backwards[0][shared] for b in backwards):
                shared += 1
            return ".".join(reversed(backwards[0][:shared]))
        if hashlib.sha256(self.data()).hexdigest() != self.record.get("data_sha256"):
            raise NotShown("the one name does not carry the recorded data under this domain")
        return str(self.record.get("domain"))

    def fact_queries(self) -> int:
        return len(self.names())

    def fact_heartbeats(self) -> int:
        return len(self.distinct(self.tunnel[0]))

    def fact_total_queries(self) -> int:
        return len(self.distinct(self.tunnel[0])) + len(self.names())

    def fact_first_frame(self) -> int:
        return (self.tunnel[0] or self.queries)[0].number

    def fact_data_first_frame(self) -> int:
        return self.queries[0].number

    def fact_last_frame(self) -> int:
        return dns_response(self.capture, self.queries[-1]).number

    def fact_data_size(self) -> int:
        return len(self.data())

    def fact_data_sha256(self) -> str:
        return hashlib.sha256(self.data()).hexdigest()

    def fact_data_text(self) -> str:
        try:
            return self.data().decode("utf-8")
        except UnicodeDecodeError:
            raise NotShown("the data is not UTF-8 text") from None

    def fact_encoding(self) -> str:
        return self.decoded()[0]

    def fact_query_type(self) -> str | None:
        return DNS_TYPES.get(self.queries[0].get("dns.qry.type") or "")

    def fact_client_ip(self) -> str | None:
        return self.queries[0].source

    def fact_resolver(self) -> str | None:
        return self.queries[0].destination

    def fact_started(self) -> str:
        return iso((self.tunnel[0] or self.queries)[0].time_us)

    def fact_finished(self) -> str:
        return iso(dns_response(self.capture, self.queries[-1]).time_us)

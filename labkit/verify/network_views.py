"""How a network fact is looked for in what tshark shows: one view class per kind of action.

A view starts from one anchor the action recorded (a TCP or UDP stream index, a frame, a time window,
a domain) and reads every other fact from the frames tshark dissected there; the anchor itself is
checked by searching for it from the other facts (the stream whose SYN has the recorded endpoints,
the query for the recorded name). A fact is a method ``fact_<name>``; a fact with no method has no
independent reader, and ``verify`` then fails rather than pass it unread. A new kind of action is a
subclass with its ``kind``, the ``signature`` facts that tell its records apart, and its methods.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar

from labkit.verify.disk_checks import Observation
from labkit.verify.tshark_cli import CaptureInfo, Frame, TsharkCapture, capinfos

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NO_READER = "no independent reader for this fact"
#: Recorded facts that no tool shows, and why: verify reports them unread, so a question on one fails.
UNREAD = {
    "client": "a host id of the scenario",
    "server": "a host id of the scenario",
    "capture": "a capture id of the scenario",
    "hosts": "host ids of the scenario",
    "files": "a list (ask about file_name, file_sha256...)",
    "attachments": "a list (ask about attachment_name, attachment_sha256...)",
    "file": "the saved file is checked on its disk (file.sha256, file.created...)",
}


class NotShown(Exception):
    """tshark does not show what the fact needs (the check disagrees, with this reason)."""


def need(value: Any, reason: str) -> Any:
    if value is None or value == []:
        raise NotShown(reason)
    return value


def iso(time_us: int) -> str:
    """A frame time (``frame.time_epoch``) as ISO 8601 in UTC; grading compares instants."""
    return (_EPOCH + timedelta(microseconds=time_us)).isoformat()


def seconds_us(text: Any) -> int | None:
    """A recorded ISO time as microseconds since the epoch (to bound a search window)."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - _EPOCH) // timedelta(microseconds=1)


class ActionView:
    """The facts of one action (or capture) as tshark shows them."""

    views: ClassVar[list[type[ActionView]]] = []
    kind: ClassVar[str] = ""
    #: Fact names that only this kind of record has (how a record finds its view).
    signature: ClassVar[frozenset[str]] = frozenset()
    tool: ClassVar[str] = "tshark -T fields"
    tools: ClassVar[dict[str, str]] = {}
    #: This kind's own facts that no tool shows, and why (besides :data:`UNREAD`).
    unread: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            if any(view.kind == cls.kind for view in ActionView.views):
                raise TypeError(f"two network views for {cls.kind!r}")
            ActionView.views.append(cls)

    def __init__(self, capture: TsharkCapture, record: dict[str, Any]) -> None:
        self.capture = capture
        self.record = record
        self.path = capture.path

    @classmethod
    def for_record(cls, record: dict[str, Any]) -> type[ActionView] | None:
        return next((view for view in cls.views if view.signature <= record.keys()), None)

    def observe(self, fact: str) -> Observation:
        """The value the fact ``fact_<name>`` reads, or None with the reason nothing was shown."""
        method = getattr(self, f"fact_{fact}", None)
        if method is None:
            why = self.unread.get(fact) or UNREAD.get(fact)
            return Observation(None, f"{NO_READER} ({why})" if why else NO_READER)
        tool = self.tools.get(fact, self.tool)
        try:
            return Observation(method(), tool)
        except NotShown as reason:
            return Observation(None, f"{tool}: {reason}")

    def frame(self, number: Any, reason: str) -> Frame:
        return need(self.capture.frame(number), f"{reason}: no frame {number!r}")


class ConnectionView(ActionView):
    """A TCP connection the action made (anchor: ``tcp_stream``); facts every connection records."""

    def stream(self) -> list[Frame]:
        return need(self.capture.tcp_stream(self.record.get("tcp_stream")), "no such tcp.stream")

    def syn(self) -> Frame:
        return need(next((f for f in self.stream() if f.is_syn), None), "the stream has no SYN")

    def closing(self) -> Frame:
        return need(next((f for f in self.stream() if f.closes), None), "the stream is never closed")

    def payload_after(self, frame: Frame, sender: str | None) -> Frame | None:
        """The first frame after ``frame`` in the stream in which ``sender`` (an IP) sends data."""
        return next(
            (
                later
                for later in self.stream()
                if later.number > frame.number and later.source == sender and (later.integer("tcp.len") or 0)
            ),
            None,
        )

    def first_with(self, field: str, value: str | None = None) -> Frame:
        """The stream's first frame showing ``field`` (with ``value`` among its values, if given)."""
        found = next(
            (f for f in self.stream() if f.get(field) and (value is None or value in f.all(field))), None
        )
        return need(found, f"no {field} {value} in the stream" if value else f"no {field} in the stream")

    def fact_tcp_stream(self) -> int:
        want = (self.record.get("client_ip"), str(self.record.get("client_port")))
        server = (self.record.get("server_ip"), str(self.record.get("server_port")))
        for frame in self.capture.frames:
            if frame.is_syn and (frame.source, frame.get("tcp.srcport")) == want:
                if (frame.destination, frame.get("tcp.dstport")) == server:
                    return need(frame.integer("tcp.stream"), "no stream index")
        raise NotShown("no SYN between the recorded endpoints")

    def fact_client_ip(self) -> str | None:
        return self.syn().source

    def fact_server_ip(self) -> str | None:
        return self.syn().destination

    def fact_client_port(self) -> int | None:
        return self.syn().integer("tcp.srcport")

    def fact_server_port(self) -> int | None:
        return self.syn().integer("tcp.dstport")

    def fact_client_mac(self) -> str | None:
        return self.syn().get("eth.src")

    def fact_first_frame(self) -> int:
        return self.syn().number

    def fact_last_frame(self) -> int:
        """The connection's last frame (the final ACK of the close, or a RST)."""
        return self.stream()[-1].number

    def fact_started(self) -> str:
        return iso(self.syn().time_us)

    def fact_finished(self) -> str:
        return iso(self.stream()[-1].time_us)


class CaptureFileView(ActionView):
    """A capture file's own facts: capinfos for its type, count and times; hashlib for its digests."""

    kind = "capture"
    signature = frozenset({"packets", "file_name", "format"})
    tool = "capinfos"
    tools: ClassVar[dict[str, str]] = {
        "md5": "hashlib",
        "sha1": "hashlib",
        "sha256": "hashlib",
        "file_name": "the evidence folder",
        "size": "the evidence folder",
    }

    @cached_property
    def info(self) -> CaptureInfo:
        return capinfos(self.path)

    def fact_file_name(self) -> str:
        return self.path.name

    def fact_format(self) -> str:
        return self.info.file_type

    def fact_size(self) -> int:
        return self.path.stat().st_size

    def fact_packets(self) -> int:
        count = self.info.packets
        if count != len(self.capture.frames):
            raise NotShown(f"capinfos counts {count} packets, tshark dissects {len(self.capture.frames)}")
        return count

    def fact_first_packet(self) -> str:
        return iso(need(self.info.first_us, "no packets"))

    def fact_last_packet(self) -> str:
        return iso(need(self.info.last_us, "no packets"))

    def _digest(self, algorithm: str) -> str:
        digest = hashlib.new(algorithm)
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def fact_md5(self) -> str:
        return self._digest("md5")

    def fact_sha1(self) -> str:
        return self._digest("sha1")

    def fact_sha256(self) -> str:
        return self._digest("sha256")


DNS_TYPES = {
    "1": "A",
    "2": "NS",
    "5": "CNAME",
    "6": "SOA",
    "12": "PTR",
    "15": "MX",
    "16": "TXT",
    "28": "AAAA",
}
DNS_RCODES = {"0": "NOERROR", "1": "FORMERR", "2": "SERVFAIL", "3": "NXDOMAIN", "4": "NOTIMP", "5": "REFUSED"}
_TRUE = ("1", "True", "true")


def is_dns_query(frame: Frame) -> bool:
    return frame.get("dns.qry.name") is not None and frame.get("dns.flags.response") not in _TRUE


def dns_response(capture: TsharkCapture, query: Frame) -> Frame:
    """The response tshark pairs with ``query`` (``dns.response_to``; one pass shows no ``response_in``)."""
    number = str(query.number)
    found = next((f for f in capture.frames[query.number :] if number in f.all("dns.response_to")), None)
    return need(found, f"no response to the query in frame {number}")

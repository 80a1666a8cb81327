"""Packet times as captured: integer nanoseconds since the Unix epoch (UTC), shown to the
precision the capture recorded (6 digits for µs pcap/pcapng, 9 for ns), never rounded
through a float."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

NS_PER_SECOND = 1_000_000_000


@dataclass(frozen=True, order=True)
class PacketTime:
    """One instant: ``ns`` since the epoch in UTC, ``digits`` of fraction the capture recorded."""

    ns: int
    digits: int = 6

    def iso(self, zone: tzinfo | None = None) -> str:
        """ISO 8601 with the zone's offset (UTC by default): ``2024-03-01T09:15:02.123456+05:00``."""
        seconds, fraction = divmod(self.ns, NS_PER_SECOND)
        moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone or UTC)
        offset = moment.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"
        shown = f".{fraction:09d}"[: self.digits + 1] if self.digits else ""
        return f"{moment:%Y-%m-%dT%H:%M:%S}{shown}{offset}"

    def readable(self, zone: tzinfo | None = None) -> str:
        """For tables: a space instead of ``T``; the offset always shown."""
        return self.iso(zone).replace("T", " ", 1)


def seconds_text(ns: int, digits: int = 6) -> str:
    """A duration or relative time in seconds with the capture's precision: ``12.000250``."""
    sign = "-" if ns < 0 else ""
    whole, fraction = divmod(abs(ns), NS_PER_SECOND)
    return (
        f"{sign}{whole}.{fraction:09d}"[: len(sign) + len(str(whole)) + 1 + digits]
        if digits
        else f"{sign}{whole}"
    )


def packet_time(ns: int | None, digits: int) -> PacketTime | None:
    return None if ns is None else PacketTime(ns, digits)

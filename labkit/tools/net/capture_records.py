"""What a capture file holds before any protocol is decoded: interfaces, packet records, damage."""

from __future__ import annotations

from dataclasses import dataclass

#: Link types the decoder understands (LINKTYPE_* values from tcpdump.org/linktypes.html).
LINK_TYPE_NAMES = {
    0: "NULL (BSD loopback)",
    1: "ETHERNET",
    101: "RAW (IP)",
    105: "IEEE802_11",
    113: "LINUX_SLL",
    127: "IEEE802_11_RADIOTAP",
    228: "IPV4",
    229: "IPV6",
    276: "LINUX_SLL2",
}

#: Wireshark's largest packet for ordinary link types (WTAP_MAX_PACKET_SIZE_STANDARD).
STANDARD_MAX_PACKET = 262_144
#: No packet record is larger than this; a bigger length is damage, not data.
ABSOLUTE_MAX_PACKET = 16 * 1024 * 1024


def link_type_name(link_type: int) -> str:
    return LINK_TYPE_NAMES.get(link_type, f"link type {link_type}")


@dataclass(frozen=True)
class Interface:
    """One capture interface: pcap has one; pcapng one per Interface Description Block.

    ``number`` counts interfaces across the whole file from 0 (pcapng numbers them per
    section; with one section, as almost every capture has, the two agree).
    """

    number: int
    link_type: int
    snaplen: int
    timestamp_digits: int  # decimal digits of the time resolution: 6 for µs, 9 for ns
    name: str = ""
    description: str = ""

    @property
    def link_type_name(self) -> str:
        return link_type_name(self.link_type)


#: The "interface" of a pcapng record that is not a packet (custom, systemd journal, sysdig block).
NOT_A_PACKET = Interface(-1, -1, 0, 6, "record that is not a packet")


@dataclass(frozen=True)
class FileFacts:
    """The container: format and version, byte order, and what a pcapng section header says."""

    file_format: str  # "pcap" or "pcapng"
    version: str
    byte_order: str  # "little-endian" or "big-endian" (of the first section for pcapng)
    hardware: str = ""
    operating_system: str = ""
    application: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Truncation:
    """The file ends inside its last record: what was read is usable, the rest is missing."""

    path: str
    frame: int | None  # the frame the file ends inside (None: inside a non-packet block)
    offset: int  # byte offset where that record starts
    missing: int  # bytes the record needs beyond the end of the file

    def message(self) -> str:
        inside = f"inside frame {self.frame}" if self.frame is not None else "inside its last block"
        read = f"frames 1-{self.frame - 1} were read" if self.frame and self.frame > 1 else "nothing was read"
        return (
            f"{self.path}: the capture ends {inside} (byte offset {self.offset}, {self.missing} bytes "
            f"missing): the file was cut short; {read}, the results cover only them; re-copy the file "
            "or drop the last record with `editcap`"
        )


class RawPacket:
    """One packet record, undecoded. ``time_ns`` is None for a pcapng Simple Packet Block."""

    __slots__ = ("captured_length", "data", "interface", "number", "offset", "original_length", "time_ns")

    def __init__(
        self,
        number: int,
        offset: int,
        interface: Interface,
        time_ns: int | None,
        original_length: int,
        data: bytes,
    ) -> None:
        self.number = number
        self.offset = offset
        self.interface = interface
        self.time_ns = time_ns
        self.original_length = original_length
        self.captured_length = len(data)
        self.data = data

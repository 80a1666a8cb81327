"""Classic libpcap files: both byte orders, microsecond and nanosecond magic.

A 24-byte file header, then per packet a 16-byte record header (seconds, fraction,
captured length, original length) and the captured bytes. Records are read one at
a time; a record cut short by the end of the file is a :class:`Truncation`, a record
whose captured length cannot be right is an error.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from labkit.tools.net.capture_damage import damaged
from labkit.tools.net.capture_records import (
    ABSOLUTE_MAX_PACKET,
    STANDARD_MAX_PACKET,
    FileFacts,
    Interface,
    RawPacket,
    Truncation,
)

#: magic bytes as they appear in the file -> (struct byte order, nanoseconds per fraction unit, digits)
PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1000, 6),
    b"\xa1\xb2\xc3\xd4": (">", 1000, 6),
    b"\x4d\x3c\xb2\xa1": ("<", 1, 9),
    b"\xa1\xb2\x3c\x4d": (">", 1, 9),
}
FILE_HEADER_SIZE = 24
RECORD_HEADER_SIZE = 16


class PcapReader:
    """Packets of a classic pcap file, in file order, numbered from 1 as Wireshark numbers frames."""

    def __init__(self, stream: BinaryIO, path: str, header: bytes) -> None:
        self._stream = stream
        self._path = path
        byte_order, self._fraction_ns, digits = PCAP_MAGICS[header[:4]]
        major, minor, _zone, _sigfigs, snaplen, network = struct.unpack(byte_order + "HHiIII", header[4:24])
        if major != 2:
            raise damaged(
                path,
                4,
                None,
                f"pcap version {major}.{minor} is not 2.x",
                "this is not a pcap file this tool (or Wireshark) can read",
            )
        self._record = struct.Struct(byte_order + "IIII")
        self.facts = FileFacts(
            "pcap", f"{major}.{minor}", "little-endian" if byte_order == "<" else "big-endian"
        )
        self.interfaces = [Interface(0, network & 0xFFFF, snaplen, digits)]
        self.truncation: Truncation | None = None
        self._limit = (
            max(STANDARD_MAX_PACKET, snaplen) if 0 < snaplen <= ABSOLUTE_MAX_PACKET else STANDARD_MAX_PACKET
        )

    def packets(self) -> Iterator[RawPacket]:
        read = self._stream.read
        unpack = self._record.unpack
        interface = self.interfaces[0]
        fraction_ns = self._fraction_ns
        offset = FILE_HEADER_SIZE
        number = 0
        while True:
            header = read(RECORD_HEADER_SIZE)
            if not header:
                return
            number += 1
            if len(header) < RECORD_HEADER_SIZE:
                self.truncation = Truncation(self._path, number, offset, RECORD_HEADER_SIZE - len(header))
                return
            seconds, fraction, captured, original = unpack(header)
            if captured > self._limit:
                raise damaged(
                    self._path,
                    offset,
                    number,
                    f"the record claims {captured} captured bytes, more than any packet can have "
                    f"(snapshot length {interface.snaplen})",
                )
            data = read(captured)
            if len(data) < captured:
                self.truncation = Truncation(self._path, number, offset, captured - len(data))
                return
            yield RawPacket(
                number, offset, interface, seconds * 1_000_000_000 + fraction * fraction_ns, original, data
            )
            offset += RECORD_HEADER_SIZE + captured

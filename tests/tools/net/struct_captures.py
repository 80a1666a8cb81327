"""Fast capture building with ``struct``: pcap/pcapng variants and a large capture for memory tests.

Independent of labkit's writers (and of scapy, which is too slow for 100k frames):
Ethernet/IPv4/TCP frames with correct IP and TCP checksums, written as classic pcap
(either byte order, µs or ns) or pcapng (either byte order, several interfaces with
their own ``if_tsresol``, Enhanced, Simple and obsolete Packet Blocks).
"""

from __future__ import annotations

import hashlib
import socket
import struct
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

MAC_CLIENT = bytes.fromhex("020000000010")
MAC_SERVER = bytes.fromhex("020000000001")


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(array("H", data))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return socket.htons(~total & 0xFFFF)


def tcp_frame(
    src: str,
    dst: str,
    sport: int,
    dport: int,
    seq: int,
    ack: int,
    flags: int,
    payload: bytes = b"",
    *,
    ident: int = 0,
) -> bytes:
    """Ethernet + IPv4 + TCP with correct checksums (flags: 0x02 SYN, 0x10 ACK, 0x01 FIN, 0x18 PSH|ACK)."""
    source, target = socket.inet_aton(src), socket.inet_aton(dst)
    header = struct.pack(
        "!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 64240, 0, 0
    )
    pseudo = source + target + struct.pack("!BBH", 0, 6, len(header) + len(payload))
    header = header[:16] + struct.pack("!H", checksum(pseudo + header + payload)) + header[18:]
    ip = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(header) + len(payload), ident, 0x4000, 64, 6, 0, source, target
    )
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    mac_src, mac_dst = (MAC_CLIENT, MAC_SERVER) if src < dst else (MAC_SERVER, MAC_CLIENT)
    return mac_dst + mac_src + b"\x08\x00" + ip + header + payload


def udp_frame(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    source, target = socket.inet_aton(src), socket.inet_aton(dst)
    header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = source + target + struct.pack("!BBH", 0, 17, len(header) + len(payload))
    header = header[:6] + struct.pack("!H", checksum(pseudo + header + payload) or 0xFFFF)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0x4000, 64, 17, 0, source, target)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return MAC_SERVER + MAC_CLIENT + b"\x08\x00" + ip + header + payload


def write_pcap(
    path: Path,
    frames: list[tuple[int, bytes]],
    *,
    big_endian: bool = False,
    nanoseconds: bool = False,
    link_type: int = 1,
) -> Path:
    """``frames``: (time in ns, frame bytes)."""
    order = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nanoseconds else 0xA1B2C3D4
    with path.open("wb") as stream:
        stream.write(struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, link_type))
        for time_ns, data in frames:
            seconds, fraction = divmod(time_ns, 1_000_000_000)
            fraction = fraction if nanoseconds else fraction // 1000
            stream.write(struct.pack(order + "IIII", seconds, fraction, len(data), len(data)) + data)
    return path


def _block(order: str, block_type: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    length = len(body) + 12
    return struct.pack(order + "II", block_type, length) + body + struct.pack(order + "I", length)


def _option(order: str, code: int, value: bytes) -> bytes:
    return struct.pack(order + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


@dataclass
class PcapngBuilder:
    """Blocks in file order; interfaces are (link type, tsresol byte)."""

    big_endian: bool = False
    blocks: list[bytes] = field(default_factory=list)

    @property
    def order(self) -> str:
        return ">" if self.big_endian else "<"

    def section(self, application: str = "struct-builder") -> PcapngBuilder:
        options = _option(self.order, 4, application.encode()) + _option(self.order, 0, b"")
        body = struct.pack(self.order + "IHHq", 0x1A2B3C4D, 1, 0, -1) + options
        self.blocks.append(_block(self.order, 0x0A0D0D0A, body))
        return self

    def interface(self, link_type: int = 1, tsresol: int | None = None, name: str = "") -> PcapngBuilder:
        options = b""
        if name:
            options += _option(self.order, 2, name.encode())
        if tsresol is not None:
            options += _option(self.order, 9, bytes([tsresol]))
        options += _option(self.order, 0, b"") if options else b""
        self.blocks.append(
            _block(self.order, 1, struct.pack(self.order + "HHI", link_type, 0, 262144) + options)
        )
        return self

    def enhanced(self, interface: int, units: int, data: bytes) -> PcapngBuilder:
        body = struct.pack(
            self.order + "IIIII", interface, units >> 32, units & 0xFFFFFFFF, len(data), len(data)
        )
        self.blocks.append(_block(self.order, 6, body + data))
        return self

    def simple(self, data: bytes) -> PcapngBuilder:
        self.blocks.append(_block(self.order, 3, struct.pack(self.order + "I", len(data)) + data))
        return self

    def obsolete(self, interface: int, units: int, data: bytes) -> PcapngBuilder:
        body = struct.pack(
            self.order + "HHIIII", interface, 0, units >> 32, units & 0xFFFFFFFF, len(data), len(data)
        )
        self.blocks.append(_block(self.order, 2, body + data))
        return self

    def unknown(self, block_type: int = 0x00000BAD) -> PcapngBuilder:
        self.blocks.append(_block(self.order, block_type, b"opaque custom data"))
        return self

    def write(self, path: Path) -> Path:
        path.write_bytes(b"".join(self.blocks))
        return path


@dataclass
class BigCapture:
    path: Path
    download_sha256: str
    download_size: int
    needle_position: int  # position of NEEDLE in the download's server->client direction
    small_flows: int


NEEDLE = b"LABKIT-NEEDLE-ACROSS-SEGMENTS"


def _download_body(size: int, needle_offset: int) -> Iterator[bytes]:
    """Deterministic bytes (a 64 KiB block repeated) with NEEDLE written at ``needle_offset``."""
    block = hashlib.sha256(b"seed").digest() * 2048
    for start in range(0, size, len(block)):
        chunk = bytearray(block[: min(len(block), size - start)])
        low, high = max(needle_offset, start), min(needle_offset + len(NEEDLE), start + len(chunk))
        if low < high:
            chunk[low - start : high - start] = NEEDLE[low - needle_offset : high - needle_offset]
        yield bytes(chunk)


def build_big_capture(path: Path, body_size: int = 140 * 1024 * 1024, small_flows: int = 3000) -> BigCapture:
    """One HTTP download of ``body_size`` bytes, with ``small_flows`` short connections woven in.

    NEEDLE sits across the border of two segments, half-way through the download.
    """
    mss = 1460
    client, server = "10.1.0.10", "10.1.0.80"
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % body_size
    )
    needle_position = ((len(head) + body_size // 2) // mss) * mss - len(NEEDLE) // 2
    digest = hashlib.sha256()
    time_ns = 1_700_000_000_000_000_000
    flows_done = 0
    with path.open("wb") as stream:
        stream.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

        def emit(frame: bytes) -> None:
            nonlocal time_ns
            time_ns += 20_000
            seconds, fraction = divmod(time_ns, 1_000_000_000)
            stream.write(struct.pack("<IIII", seconds, fraction // 1000, len(frame), len(frame)) + frame)

        emit(tcp_frame(client, server, 50000, 80, 99, 0, 0x02))
        emit(tcp_frame(server, client, 80, 50000, 499, 100, 0x12))
        request = b"GET /big.bin HTTP/1.1\r\nHost: big.example\r\n\r\n"
        acked = 100 + len(request)
        emit(tcp_frame(client, server, 50000, 80, 100, 500, 0x18, request))
        seq = 500
        pending = head
        segments = 0
        for block in _download_body(body_size, needle_position - len(head)):
            digest.update(block)
            data = pending + block
            whole = len(data) - len(data) % mss
            for start in range(0, whole, mss):
                emit(tcp_frame(server, client, 80, 50000, seq, acked, 0x10, data[start : start + mss]))
                seq += mss
                segments += 1
                if segments % 2 == 0:
                    emit(tcp_frame(client, server, 50000, 80, acked, seq, 0x10))
                if segments % 25 == 0 and flows_done < small_flows:
                    _small_flow(emit, flows_done)
                    flows_done += 1
            pending = data[whole:]
        if pending:
            emit(tcp_frame(server, client, 80, 50000, seq, acked, 0x18, pending))
            seq += len(pending)
        emit(tcp_frame(client, server, 50000, 80, acked, seq, 0x11))
        emit(tcp_frame(server, client, 80, 50000, seq, acked + 1, 0x11))
        emit(tcp_frame(client, server, 50000, 80, acked + 1, seq + 1, 0x10))
        while flows_done < small_flows:
            _small_flow(emit, flows_done)
            flows_done += 1
    return BigCapture(path, digest.hexdigest(), body_size, needle_position, flows_done)


def _small_flow(emit, number: int) -> None:  # type: ignore[no-untyped-def]
    client = f"10.2.{number // 250}.{number % 250 + 1}"
    server = "10.1.0.53"
    port = 20000 + number
    emit(tcp_frame(client, server, port, 7000, 1, 0, 0x02))
    emit(tcp_frame(server, client, 7000, port, 1, 2, 0x12))
    emit(tcp_frame(client, server, port, 7000, 2, 2, 0x18, b"hello %d\n" % number))
    emit(tcp_frame(server, client, 7000, port, 2, 2 + len(b"hello %d\n" % number), 0x18, b"bye\n"))
    emit(tcp_frame(client, server, port, 7000, 2 + len(b"hello %d\n" % number), 6, 0x11))
    emit(tcp_frame(server, client, 7000, port, 6, 3 + len(b"hello %d\n" % number), 0x11))


def write_frames(stream: BinaryIO, frames: list[tuple[int, bytes]]) -> None:
    for time_ns, data in frames:
        seconds, fraction = divmod(time_ns, 1_000_000_000)
        stream.write(struct.pack("<IIII", seconds, fraction // 1000, len(data), len(data)) + data)

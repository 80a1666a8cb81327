"""The pcap/pcapng writers, read back by our construct declarations, scapy and capinfos."""

from __future__ import annotations

import io
import random
import tracemalloc
from pathlib import Path

import pytest
from scapy.layers.l2 import Ether  # noqa: F401  (registers link type 1 with scapy's readers)
from scapy.utils import PcapNgReader, PcapReader
from wire_tshark import START_US, capinfos, fields

from labkit.errors import EvidenceError
from labkit.evidence.network.wire import PcapngWriter, PcapWriter, Route
from labkit.formats.pcap_structures import (
    EnhancedPacketBlock,
    InterfaceDescriptionBlock,
    PcapGlobalHeader,
    PcapngFile,
    PcapRecordHeader,
    SectionHeaderBlock,
)


def _frames(count: int, seed: int = 5) -> list[tuple[int, bytes]]:
    """Valid UDP frames of every length remainder modulo 4 (EPB padding), 1.3 ms apart."""
    rng = random.Random(seed)
    route = Route("02:00:00:00:00:01", "02:00:00:00:00:02", "10.9.8.7", "10.9.8.1", 64)
    return [
        (
            START_US + index * 1_300 + rng.randint(0, 999),
            route.udp_frame(40000, 9999, rng.randbytes(30 + index % 37)),
        )
        for index in range(count)
    ]


def _write(path: Path, writer_class: type, frames: list[tuple[int, bytes]], **options: object) -> None:
    with open(path, "wb") as stream, writer_class(stream, **options) as writer:
        for ts_us, frame in frames:
            writer.write(ts_us, frame)


def test_pcapng_blocks_parse_with_the_declarations(tmp_path: Path) -> None:
    path = tmp_path / "a.pcapng"
    frames = _frames(9)
    _write(
        path,
        PcapngWriter,
        frames,
        interface_name="ens18",
        interface_description="SPAN port, core switch",
        os_name="Linux 6.1.0-18-amd64",
        hardware="Intel(R) Xeon(R)",
        application="Dumpcap (Wireshark) 4.0.17",
        comment="Сегмент LAN / Kazakh: Қала",
    )
    raw = path.read_bytes()
    blocks = PcapngFile.parse(raw)
    assert [block.block_type for block in blocks] == [0x0A0D0D0A, 1] + [6] * 9
    section = SectionHeaderBlock.parse(raw)
    options = {option.code: option.value.decode("utf-8") for option in section.options}
    assert options == {
        2: "Intel(R) Xeon(R)",
        3: "Linux 6.1.0-18-amd64",
        4: "Dumpcap (Wireshark) 4.0.17",
        1: "Сегмент LAN / Kazakh: Қала",
        0: "",
    }
    interface = InterfaceDescriptionBlock.parse(raw[section.block_total_length :])
    assert (interface.linktype, interface.snaplen) == (1, 262144)
    assert {option.code: option.value for option in interface.options}[9] == b"\x06"
    offset = section.block_total_length + interface.block_total_length
    for ts_us, frame in frames:
        block = EnhancedPacketBlock.parse(raw[offset:])
        assert block.packet_data == frame and block.block_total_length % 4 == 0
        assert (block.timestamp_high << 32 | block.timestamp_low) == ts_us
        offset += block.block_total_length
    assert offset == len(raw)


def test_pcapng_read_by_scapy_and_capinfos(tmp_path: Path) -> None:
    path = tmp_path / "b.pcapng"
    frames = _frames(40)
    _write(path, PcapngWriter, frames, os_name="Windows 10", hardware="x86_64", comment="lab")
    with PcapNgReader(str(path)) as reader:
        read = [(round(packet.time * 1_000_000), bytes(packet)) for packet in reader]
    assert read == frames
    info = capinfos(path)
    assert info["File type"] == "pcapng" and info["Number of packets"] == "40"
    assert info["File timestamp precision"].startswith("microseconds")
    assert (info["Capture oper-sys"], info["Capture hardware"], info["Capture comment"]) == (
        "Windows 10",
        "x86_64",
        "lab",
    )
    assert info["Strict time order"] == "True"


def test_pcap_read_by_scapy_and_capinfos(tmp_path: Path) -> None:
    path = tmp_path / "c.pcap"
    frames = _frames(25)
    _write(path, PcapWriter, frames)
    raw = path.read_bytes()
    assert raw[:4] == b"\xd4\xc3\xb2\xa1"  # a1b2c3d4 little-endian: microsecond pcap
    header = PcapGlobalHeader.parse(raw)
    assert (header.version_major, header.version_minor, header.linktype, header.snaplen) == (2, 4, 1, 262144)
    record = PcapRecordHeader.parse(raw[24:])
    assert record.timestamp_seconds * 1_000_000 + record.timestamp_microseconds == frames[0][0]
    with PcapReader(str(path)) as reader:
        read = [(round(packet.time * 1_000_000), bytes(packet)) for packet in reader]
    assert read == frames
    info = capinfos(path)
    assert info["File type"].endswith("pcap") and info["Number of packets"] == "25"


@pytest.mark.parametrize("writer_class", [PcapngWriter, PcapWriter])
def test_snaplen_truncates_the_captured_bytes_only(tmp_path: Path, writer_class: type) -> None:
    path = tmp_path / "snap.cap"
    frames = _frames(3)
    _write(path, writer_class, frames, snaplen=64)
    rows = fields(path, ["frame.len", "frame.cap_len"])
    assert [(int(row["frame.len"]), int(row["frame.cap_len"])) for row in rows] == [
        (len(frame), min(64, len(frame))) for _, frame in frames
    ]


def test_200000_packets_stream_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "big.pcapng"
    frame = _frames(1)[0][1]
    tracemalloc.start()
    with open(path, "wb", buffering=1 << 16) as stream, PcapngWriter(stream) as writer:
        for index in range(200_000):
            writer.write(START_US + index * 10, frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000  # the frames would be 15 MB; only the stream's buffer is held
    header_bytes = path.stat().st_size - 200_000 * (32 + len(frame) + (-len(frame) % 4))
    assert 0 < header_bytes < 200
    assert capinfos(path)["Number of packets"] == "200000"


def test_timestamps_out_of_range_are_refused() -> None:
    with pytest.raises(EvidenceError, match="1970"):
        PcapngWriter(io.BytesIO()).write(-1, bytes(60))
    with pytest.raises(EvidenceError, match="2106"):
        PcapWriter(io.BytesIO()).write(2**32 * 1_000_000, bytes(60))

"""pcap and pcapng reading, checked frame by frame against tshark; damage gives one clear error."""

from __future__ import annotations

import gzip
import struct
from decimal import Decimal
from pathlib import Path

import pytest
from struct_captures import PcapngBuilder, tcp_frame, write_pcap
from tshark_reference import fields

from labkit.errors import CaptureFormatError, UsageError
from labkit.tools.net.capture_file import open_capture
from labkit.tools.net.capture_pass import PassListener, run_pass
from labkit.tools.net.decoded_packet import Packet

FRAME = tcp_frame("10.0.0.1", "10.0.0.2", 1000, 80, 1, 0, 0x02)
TIMES = [1_700_000_000_123_456_789, 1_700_000_001_000_001_000, 1_700_000_002_999_999_999]


def read_all(path: Path) -> list[tuple[int, int, int | None, int]]:
    with open_capture(path) as capture:
        return [(p.number, p.interface.number, p.time_ns, p.original_length) for p in capture.packets()]


def tshark_frames(path: Path) -> list[tuple[int, int, int | None, int]]:
    rows = fields(path, "frame.number", "frame.interface_id", "frame.time_epoch", "frame.len")
    return [
        (int(number), int(interface or -1), int(Decimal(time) * 10**9) if time else None, int(length))
        for number, interface, time, length in rows
    ]


@pytest.mark.parametrize("big_endian", [False, True])
@pytest.mark.parametrize("nanoseconds", [False, True])
def test_pcap_byte_orders_and_resolutions_match_tshark(
    tmp_path: Path, big_endian: bool, nanoseconds: bool
) -> None:
    path = write_pcap(
        tmp_path / "t.pcap", [(t, FRAME) for t in TIMES], big_endian=big_endian, nanoseconds=nanoseconds
    )
    ours = read_all(path)
    assert [(n, t, length) for n, _, t, length in ours] == [
        (n, t, length) for n, _, t, length in tshark_frames(path)
    ]
    with open_capture(path) as capture:
        assert capture.facts.byte_order == ("big-endian" if big_endian else "little-endian")
        assert capture.interfaces[0].timestamp_digits == (9 if nanoseconds else 6)
    expected_last = TIMES[-1] if nanoseconds else TIMES[-1] // 1000 * 1000
    assert ours[-1][2] == expected_last


def odd_pcapng(path: Path, big_endian: bool) -> Path:
    """Two sections, four interfaces (µs, ns, 2^-20 s, ms), EPB/SPB/obsolete PB, a custom block."""
    builder = (
        PcapngBuilder(big_endian=big_endian).section().interface(1, None, "eth0").interface(101, 9, "tun0")
    )
    builder.enhanced(0, 1_700_000_000_123_456, FRAME).unknown().enhanced(
        1, 1_700_000_000_123_456_789, FRAME[14:]
    )
    builder.simple(FRAME).obsolete(0, 1_700_000_001_000_000, FRAME).unknown(0x00000ACE)  # 0xACE: not a frame
    builder.interface(1, 0x80 | 20).enhanced(2, (1_700_000_002 << 20) + (1 << 19), FRAME)
    builder.section().interface(1, 3).enhanced(0, 1_700_000_003_123, FRAME)
    return builder.write(path)


@pytest.mark.parametrize("big_endian", [False, True])
def test_pcapng_sections_interfaces_and_blocks_match_tshark(tmp_path: Path, big_endian: bool) -> None:
    path = odd_pcapng(tmp_path / "odd.pcapng", big_endian)
    ours = read_all(path)
    theirs = tshark_frames(path)
    assert len(ours) == len(theirs) == 7  # the custom block is frame 2 in Wireshark too
    for (number, _, time_ns, length), (their_number, _, their_time, their_length) in zip(
        ours, theirs, strict=True
    ):
        assert number == their_number and time_ns == their_time
        if number != 2:
            assert length == their_length
    assert [interface for _, interface, _, _ in ours] == [0, -1, 1, 0, 0, 2, 3]
    with open_capture(path) as capture:
        list(capture.packets())
        assert [(i.link_type, i.timestamp_digits, i.name) for i in capture.interfaces] == [
            (1, 6, "eth0"),
            (101, 9, "tun0"),
            (1, 7, ""),
            (1, 3, ""),
        ]
        assert capture.facts.application == "struct-builder"


def test_not_a_capture_is_one_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_bytes(b"hello, this is not a capture at all")
    with pytest.raises(
        CaptureFormatError, match=r"notes\.txt: is not a pcap or pcapng capture .*68 65 6c 6c"
    ):
        read_all(text)
    packed = tmp_path / "lab.pcap.gz"
    packed.write_bytes(gzip.compress(b"\xd4\xc3\xb2\xa1" + bytes(40)))
    with pytest.raises(CaptureFormatError, match=r"gzip-compressed.*gunzip"):
        read_all(packed)
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    with pytest.raises(CaptureFormatError, match="empty"):
        read_all(empty)
    with pytest.raises(UsageError, match="folder"):
        read_all(tmp_path)
    with pytest.raises(UsageError, match="not found"):
        read_all(tmp_path / "missing.pcap")


def test_impossible_caplen_names_offset_and_frame(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "bad.pcap", [(t, FRAME) for t in TIMES])
    data = bytearray(path.read_bytes())
    third = 24 + 2 * (16 + len(FRAME))
    struct.pack_into("<I", data, third + 8, 0x7FFFFFFF)
    path.write_bytes(bytes(data))
    with pytest.raises(CaptureFormatError) as caught:
        read_all(path)
    message = caught.value.one_line()
    assert f"byte offset {third} (frame 3)" in message and "editcap" in message and str(path) in message


def test_pcapng_broken_block_structure_is_an_error(tmp_path: Path) -> None:
    path = odd_pcapng(tmp_path / "odd.pcapng", False)
    data = bytearray(path.read_bytes())
    blocks = []
    offset = 0
    while offset < len(data):
        blocks.append(offset)
        offset += struct.unpack_from("<I", data, offset + 4)[0]
    epb = blocks[3]  # SHB, IDB, IDB, then the first EPB
    struct.pack_into("<I", data, epb + struct.unpack_from("<I", data, epb + 4)[0] - 4, 12345)
    path.write_bytes(bytes(data))
    with pytest.raises(CaptureFormatError, match=rf"byte offset {epb} \(frame 1\): .*trailing length"):
        read_all(path)
    builder = PcapngBuilder().section().interface().enhanced(3, 0, FRAME)
    with pytest.raises(CaptureFormatError, match=r"frame 1\): the packet refers to interface 3"):
        read_all(builder.write(tmp_path / "iface.pcapng"))


@pytest.mark.parametrize("suffix", ["pcap", "pcapng"])
def test_capture_cut_in_its_last_record_reads_the_rest_and_says_where(tmp_path: Path, suffix: str) -> None:
    if suffix == "pcap":
        path = write_pcap(tmp_path / "cut.pcap", [(t, FRAME) for t in TIMES])
    else:
        builder = PcapngBuilder().section().interface()
        for t in TIMES:
            builder.enhanced(0, t // 1000, FRAME)
        path = builder.write(tmp_path / "cut.pcapng")
    whole = path.read_bytes()
    path.write_bytes(whole[:-10])
    with open_capture(path) as capture:
        numbers = [packet.number for packet in capture.packets()]
        truncation = capture.truncation
    assert numbers == [1, 2]
    assert truncation is not None and truncation.frame == 3 and truncation.missing == 10
    assert "ends inside frame 3" in truncation.message() and "editcap" in truncation.message()
    assert [int(row[0]) for row in fields(path, "frame.number")] == numbers  # tshark reads the same two


@pytest.mark.parametrize("link_type", [113, 276, 101, 0])
def test_cooked_raw_and_loopback_links_decode_like_tshark(tmp_path: Path, link_type: int) -> None:
    """Linux cooked SLL/SLL2, raw IP and BSD loopback: same ports and streams as tshark shows."""
    frames = [tcp_frame("10.0.0.1", "10.0.0.2", 1000 + n, 80, 1, 0, 0x02) for n in range(3)]
    frames += [tcp_frame("10.0.0.2", "10.0.0.1", 80, 1001, 7, 2, 0x12)]
    wrapped = []
    for frame in frames:
        ip, mac = frame[14:], frame[6:12]
        if link_type == 113:
            wrapped.append(struct.pack("!HHH", 4, 1, 6) + mac + b"\0\0" + b"\x08\x00" + ip)
        elif link_type == 276:
            wrapped.append(struct.pack("!HHIHBB", 0x0800, 0, 2, 1, 4, 6) + mac + b"\0\0" + ip)
        elif link_type == 101:
            wrapped.append(ip)
        else:
            wrapped.append(struct.pack("<I", 2) + ip)
    path = write_pcap(
        tmp_path / f"link{link_type}.pcap",
        [(TIMES[0] + n, f) for n, f in enumerate(wrapped)],
        link_type=link_type,
    )
    listener_rows = []

    class _Rows(PassListener):
        def packet(self, packet: Packet) -> None:
            listener_rows.append(
                (packet.number, packet.src_port, packet.dst_port, packet.stream, packet.src_mac)
            )

    run_pass(path, [_Rows()])
    theirs = fields(path, "frame.number", "tcp.srcport", "tcp.dstport", "tcp.stream")
    assert [row[:4] for row in listener_rows] == [tuple(int(value) for value in row) for row in theirs]
    if link_type in (113, 276):
        assert listener_rows[0][4] == "02:00:00:00:00:10"


def test_interface_options_that_cannot_be_true_are_one_clear_error(tmp_path: Path) -> None:
    """An empty if_tsresol, or an if_tsoffset of millions of years, names the block instead of crashing."""
    from struct_captures import _block, _option

    for code, value, words in ((9, b"", "empty if_tsresol"), (14, struct.pack("<q", 1 << 62), "if_tsoffset")):
        builder = PcapngBuilder().section()
        options = _option("<", code, value) + _option("<", 0, b"")
        builder.blocks.append(_block("<", 1, struct.pack("<HHI", 1, 0, 262144) + options))
        path = builder.enhanced(0, 0, FRAME).write(tmp_path / f"option{code}.pcapng")
        with pytest.raises(CaptureFormatError, match=rf"byte offset \d+: .*{words}"):
            read_all(path)

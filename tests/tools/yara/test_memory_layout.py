"""Physical memory from raw and LiME images (built here with struct), scanned without volatility."""

from __future__ import annotations

from pathlib import Path

import pytest
from yara_evidence import lime_bytes, seeded_bytes

from labkit.errors import ImageFormatError
from labkit.tools.yara import PhysicalMemory, matching, scan_target
from labkit.tools.yara.memory_layout import read_layout
from labkit.tools.yara.target_detection import LINUX_BANNER_PREFIX

BANNER = LINUX_BANNER_PREFIX + b"5.15.0-91-generic (buildd@lcy02-amd64-045) #101-Ubuntu SMP\n\0"
RULES = "rule m { strings: $m = /MEMORY-MARKER-[0-9]{2}/ condition: $m }"


def ram(size: int, markers: dict[int, bytes]) -> bytes:
    data = bytearray(seeded_bytes(size, size))
    data[0x2000 : 0x2000 + len(BANNER)] = BANNER
    for offset, marker in markers.items():
        data[offset : offset + len(marker)] = marker
    return bytes(data)


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "m.yar"
    path.write_text(RULES)
    return path


def physical_hits(report: object) -> list[int]:
    return [hit.offset for found in report.matches for hit in found.match.strings]  # type: ignore[attr-defined]


def test_raw_offsets_are_physical_and_a_missing_symbols_folder_is_one_warning(
    tmp_path: Path, rules: Path
) -> None:
    image = tmp_path / "pc-memory.raw"
    image.write_bytes(ram(1 << 20, {0x5000: b"MEMORY-MARKER-01", 0xFFFF0: b"MEMORY-MARKER-02"}))
    report = scan_target(rules, image)
    assert physical_hits(report) == [0x5000, 0xFFFF0]
    assert report.bytes_scanned == 1 << 20 and report.objects_scanned == 1
    (warning,) = report.warnings
    assert "no symbols/ folder next to pc-memory.raw" in warning and "physical offset only" in warning
    (found,) = report.matches
    assert found.target == PhysicalMemory("raw", ((0, (1 << 20) - 1),))
    assert all(hit.owners == () for f in report.matches for hit in f.match.strings)


def test_lime_ranges_give_physical_addresses_and_holes_break_matches(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "WINDOW", 4096)
    monkeypatch.setattr(matching, "OVERLAP", 64)
    low = ram(0x9F000, {0x3FF8: b"MEMORY-MARKER-03"})  # physical 0x1000-0x9FFFF; marker crosses a window
    low = low[: 0x9F000 - 8] + b"MEMORY-M"  # the first half of a marker at the end of the range
    high = b"ARKER-04" + ram(0x80000, {0x100: b"MEMORY-MARKER-05"})[8:]  # the rest, after a hole
    adjacent = b"MEMORY-MARKER-06" + bytes(4080)  # starts right where `high` ends: one stretch
    image = tmp_path / "ram.lime"
    image.write_bytes(
        lime_bytes([(0x1000, low), (0x100000, high), (0x180000, adjacent[:8]), (0x180008, adjacent[8:])])
    )
    layout = read_layout(image)
    assert [(r.first, r.last) for r in layout.ranges] == [
        (0x1000, 0x9FFFF), (0x100000, 0x17FFFF), (0x180000, 0x180007), (0x180008, 0x180FFF)
    ]  # fmt: skip
    assert len(layout.runs()) == 2
    report = scan_target(rules, image)
    assert physical_hits(report) == [0x1000 + 0x3FF8, 0x100100, 0x180000]
    assert report.matches[0].target.image_format == "lime"


def test_truncated_or_damaged_lime_is_refused(tmp_path: Path, rules: Path) -> None:
    whole = lime_bytes([(0x1000, ram(0x9F000, {})), (0x100000, bytes(4096))])
    cut = tmp_path / "cut.lime"
    cut.write_bytes(whole[:-100])
    with pytest.raises(ImageFormatError, match="truncated"):
        scan_target(rules, cut)
    damaged = tmp_path / "damaged.lime"
    damaged.write_bytes(whole[: 32 + 0x9F000] + b"\0" * 32 + whole[32 + 0x9F000 + 32 :])
    with pytest.raises(ImageFormatError, match="no LiME range header at offset"):
        scan_target(rules, damaged)


def test_symbols_volatility_cannot_use_give_one_warning(tmp_path: Path, rules: Path) -> None:
    image = tmp_path / "pc-memory.raw"
    image.write_bytes(ram(1 << 20, {0x7000: b"MEMORY-MARKER-07"}))
    (tmp_path / "symbols" / "linux").mkdir(parents=True)
    report = scan_target(rules, image)
    assert physical_hits(report) == [0x7000]
    (warning,) = report.warnings
    assert "volatility found no Linux kernel matching the symbols" in warning

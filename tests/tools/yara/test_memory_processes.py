"""Memory hits name the process that maps them: checked against the writer's facts and vol's vmayarascan."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from memory_case import HEAP_MARKER, HIDDEN_MARKER, INJECTED, MARKER_RULES, MemoryCase, build_memory_case

from labkit.tools.yara import PageOwner, ScanReport, scan_target


@pytest.fixture(scope="module", params=["raw", "lime"])
def scanned(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[MemoryCase, ScanReport]:
    folder = tmp_path_factory.mktemp(f"yara-mem-{request.param}")
    memory = build_memory_case(folder / "case", request.param)
    rules = folder / "markers.yar"
    rules.write_text(MARKER_RULES)
    import fpdf.image_parsing  # noqa: F401  (labkit's PDF writer: its urllib handler once broke volatility)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder / "user-cache"))
        return memory, scan_target(rules, memory.image)


def hits(report: ScanReport) -> dict[str, tuple[int, tuple[PageOwner, ...]]]:
    return {
        hit.identifier: (hit.offset, hit.owners) for found in report.matches for hit in found.match.strings
    }


def file_offset(image: Path, physical: int) -> int:
    """Where a physical address lies in the file, from the LiME headers read here with struct."""
    data = image.read_bytes()
    if data[:4] != b"EMiL":
        return physical
    position = 0
    while position < len(data):
        _, _, first, last = struct.unpack_from("<IIQQ", data, position)
        if first <= physical <= last:
            return position + 32 + physical - first
        position += 32 + last - first + 1
    raise AssertionError(f"{physical:#x} is in no LiME range")


def test_hits_are_at_their_physical_offsets(scanned: tuple[MemoryCase, ScanReport]) -> None:
    memory, report = scanned
    assert not report.warnings and report.kind.value == "memory"
    data = memory.image.read_bytes()
    found = hits(report)
    for identifier, marker in (("$b", HEAP_MARKER), ("$i", INJECTED[3:]), ("$h", HIDDEN_MARKER)):
        offset = file_offset(memory.image, found[identifier][0])
        assert data[offset : offset + len(marker)] == marker


def test_owners_are_the_processes_that_map_the_page(scanned: tuple[MemoryCase, ScanReport]) -> None:
    memory, report = scanned
    found = hits(report)
    (injected,) = memory.result.processes[1402].injected
    assert found["$i"][1] == (PageOwner(1402, ".m", injected.start + 3, False),)
    ((bash,),) = [found["$b"][1]]
    heap = next(m for m in memory.result.processes[1340].mappings if m.path == "[heap]")
    assert (bash.pid, bash.comm, bash.hidden) == (
        1340,
        "bash",
        False,
    ) and heap.start <= bash.virtual_address < heap.end
    ((hidden,),) = [found["$h"][1]]
    assert (hidden.pid, hidden.comm, hidden.hidden) == (1500, "kdevd", True)  # found by psscan only


def test_listed_processes_agree_with_vol_vmayarascan(
    scanned: tuple[MemoryCase, ScanReport], tmp_path: Path
) -> None:
    memory, report = scanned
    rules = tmp_path / "markers.yar"
    rules.write_text(MARKER_RULES)
    vol = str(Path(sys.executable).with_name("vol"))
    symbols = str(memory.image.parent / "symbols")
    command = [
        vol,
        "-q",
        "-r",
        "json",
        "-f",
        str(memory.image),
        "-s",
        symbols,
        "linux.vmayarascan.VmaYaraScan",
    ]
    environment = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    output = subprocess.run(
        [*command, "--yara-file", str(rules)], capture_output=True, text=True, check=True, env=environment
    ).stdout
    theirs = {(row["Component"], row["PID"], row["Offset"]) for row in json.loads(output)}
    ours = {
        (ident, owner.pid, owner.virtual_address)
        for ident, (_, owners) in hits(report).items()
        for owner in owners
    }
    assert theirs == {entry for entry in ours if entry[1] != 1500}  # vmayarascan walks pslist: no hidden task
    assert len(theirs) == 2

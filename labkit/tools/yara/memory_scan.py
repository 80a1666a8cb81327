"""Scan a memory image's physical address space, then say which process each hit belongs to.

Physical memory is read range by range (raw: one range from address 0; LiME: the ranges
its headers give) and matched in overlapping windows (:mod:`matching`), so a 16 GiB
image needs no more memory than a 16 MiB one. Offsets are physical addresses. When
there are hits and the image's symbols are at hand, volatility maps every process's
user pages (:mod:`process_pages`) and each hit gets the pid, name and virtual address of
every process that maps it; without symbols, or if volatility cannot find the kernel,
one warning says so and the hits keep their physical offsets only.
"""

from __future__ import annotations

from pathlib import Path

import yara

from labkit.errors import LabkitError
from labkit.tools.mem.cache_folder import volatility_cache_path
from labkit.tools.yara.matching import HitBudget, ObjectMatches
from labkit.tools.yara.memory_layout import read_layout
from labkit.tools.yara.process_pages import ProcessPages, map_process_pages
from labkit.tools.yara.results import PhysicalMemory, ScanMatch
from labkit.tools.yara.scan_tally import ScanTally


def scan_memory(
    path: str | Path, rules: yara.Rules, budget: HitBudget, tally: ScanTally, symbols: Path | None
) -> None:
    """Match ``rules`` against physical memory; attribute hits to processes when ``symbols`` allow."""
    image = Path(path)
    layout = read_layout(image)
    matches = ObjectMatches(rules, budget)
    for run in layout.runs():
        matches.match_windows(layout.iter_run(run), run[0].first)
        if budget.reached:
            break
    tally.count(layout.size)
    tally.warn_all(matches.warnings)
    found = matches.results()
    pages = _process_pages(image, symbols, tally) if any(match.strings for match in found) else None
    if pages is not None:
        found = matches.results(owners_of=pages.owners)
    described = PhysicalMemory(layout.image_format, tuple((item.first, item.last) for item in layout.ranges))
    tally.matches.extend(ScanMatch(described, match) for match in found)


def _process_pages(image: Path, symbols: Path | None, tally: ScanTally) -> ProcessPages | None:
    folder = symbols if symbols is not None else image.parent / "symbols"
    if not folder.is_dir():
        where = f"--symbols {symbols}" if symbols is not None else f"no symbols/ folder next to {image.name}"
        tally.warn(f"{where}: hits are reported by physical offset only (give --symbols DIR for pids)")
        return None
    try:
        return map_process_pages(image, folder, volatility_cache_path(image))
    except LabkitError as exc:
        tally.warn(f"{exc.one_line()}: hits are reported by physical offset only")
        return None

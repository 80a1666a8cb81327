"""The plain-text table of the FAT build benchmark: both sides, the ratio, memory, the check."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fat_build import BenchmarkResult, SideResult

MIB = 1024 * 1024
MAX_LISTED_PROBLEMS = 10


def _size(value: int) -> str:
    if value < 1024:
        return f"{value} B"
    if value >= 1 << 30 and value % (1 << 30) == 0:
        return f"{value >> 30} GiB"
    return f"{value / MIB:.0f} MiB" if value >= MIB else f"{value // 1024} KiB"


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f}"


def _row(side: SideResult) -> str:
    return (
        f"{side.name:<22}{side.median:>10.2f}{min(side.seconds):>9.2f}"
        f"{_mib(side.peak_rss_bytes):>15}{side.image_allocated_bytes / MIB:>17.1f}"
    )


def render_table(result: BenchmarkResult) -> str:
    """The human-readable report: header, one row per side, ratio, labkit's memory, the image check."""
    labkit, check = result.labkit, result.check
    lines = [
        f"FAT32 build: {_size(result.volume_size)} volume, "
        f"{result.files:,} files in {result.folders} folders, "
        f"{result.source_bytes / MIB:.1f} MiB of data, {_size(result.cluster_size)} clusters, "
        f"{result.repeat} run(s) each",
        "",
        f"{'side':<22}{'median s':>10}{'min s':>9}{'peak RSS MiB':>15}{'image data MiB':>17}",
        _row(labkit),
        _row(result.mtools),
        "",
        f"ratio labkit / (mkfs.fat + mcopy), median: {result.ratio:.2f}x"
        f" ({'labkit faster' if result.ratio < 1 else 'labkit slower'})",
    ]
    if labkit.build_seconds and labkit.bytes_written is not None:
        lines += [
            f"labkit peak memory: {_mib(labkit.peak_rss_bytes)} MiB "
            f"({_mib(labkit.baseline_rss_bytes)} MiB of it interpreter and imports) while writing "
            f"{labkit.bytes_written / MIB:.1f} MiB into a {_size(result.volume_size)} image",
            f"labkit build alone (no interpreter start, no imports): "
            f"median {statistics.median(labkit.build_seconds):.2f} s",
        ]
    lines.append("")
    for name, verdict in check.fsck.items():
        lines.append(f"fsck.fat -n {name}: {verdict}")
    if check.differences:
        lines.append(f"fls trees DIFFER from the source in {len(check.differences)} place(s):")
        lines += [f"  {difference}" for difference in check.differences[:MAX_LISTED_PROBLEMS]]
    else:
        lines.append(
            f"fls -r -p: both images hold the source tree "
            f"({check.entries:,} entries: names, kinds, file sizes and mtimes)"
        )
    if check.hash_mismatches:
        lines.append(f"icat SHA-256 MISMATCH: {', '.join(check.hash_mismatches[:MAX_LISTED_PROBLEMS])}")
    else:
        lines.append(f"icat SHA-256: {check.hashed} sampled files match the source in both images")
    lines.append(f"check: {'PASSED' if check.passed else 'FAILED'}")
    return "\n".join(lines)

"""The plain-text report of the memory benchmark: both sides, the ratio, labkit's memory, the checks."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from .report import MAX_LISTED_PROBLEMS, MIB

if TYPE_CHECKING:
    from .memory_results import MemoryBenchmarkResult

NAME_WIDTH = 46


def _size(value: int) -> str:
    if value >= 1 << 30 and value % (1 << 30) == 0:
        return f"{value >> 30} GiB"
    return f"{value / MIB:.0f} MiB"


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f}"


def _row(name: str, seconds: list[float], peak: int | None, allocated: int) -> str:
    return (
        f"{name:<{NAME_WIDTH}}{statistics.median(seconds):>10.2f}{min(seconds):>9.2f}"
        f"{_mib(peak):>15}{allocated / MIB:>17.1f}"
    )


def render_memory_table(result: MemoryBenchmarkResult) -> str:
    """The human-readable report: what was written, one row per side, the ratio, memory, the checks."""
    spec, labkit, dd, pslist = result.spec, result.labkit, result.dd, result.pslist
    fsync = statistics.median(labkit.fsync_seconds)
    lines = [
        f"Memory image: {_size(result.size)} of RAM as a raw image, {spec.hostname} "
        f"(kernel {spec.kernel_release}), fill {spec.fill:.2f}, {result.repeat} run(s) each",
        f"spec: {spec.processes} tasks ({spec.kernel_threads} kernel threads, "
        f"{spec.hidden_processes} hidden, {spec.injected_regions} with injected code), "
        f"{spec.sockets} sockets, {spec.files} files ({spec.cached_bytes / 1024:,.0f} KiB cached), "
        f"{spec.modules} modules ({spec.hidden_modules} hidden), {spec.kmsg_lines} kmsg lines, "
        f"{spec.noise_fragments} noise fragments",
        "both sides fsync the image before they exit: the times include writing it to the disk",
        "",
        f"{'side':<{NAME_WIDTH}}{'median s':>10}{'min s':>9}{'peak RSS MiB':>15}{'image data MiB':>17}",
        _row(labkit.name, labkit.seconds, labkit.peak_rss_bytes, labkit.image_allocated_bytes),
        _row(dd.name, dd.seconds, dd.peak_rss_bytes, dd.image_allocated_bytes),
        "",
        f"ratio labkit / dd, wall time, median: {result.ratio:.2f}x "
        f"({'labkit faster' if result.ratio < 1 else 'labkit slower'})",
        f"labkit peak memory: {_mib(labkit.peak_rss_bytes)} MiB ({_mib(labkit.start_rss_bytes)} MiB of it "
        f"interpreter, imports and the spec) while writing a {_size(result.size)} image",
        f"labkit write alone (no interpreter start, imports or spec): median "
        f"{labkit.write_and_fsync_median:.2f} s, of which fsync {fsync:.2f} s; "
        f"spec {statistics.median(labkit.spec_seconds):.2f} s",
        f"labkit image: {labkit.image_size:,} bytes, {labkit.image_allocated_bytes / MIB:.1f} MiB allocated "
        f"({labkit.image_allocated_bytes / labkit.image_size:.0%}, sparse), "
        f"{labkit.bytes_written / MIB:.1f} MiB passed to write(); "
        f"symbol table {labkit.isf_bytes / 1024:,.0f} KiB",
        "",
    ]
    for check in result.files:
        verdict = "as expected" if check.passed else f"EXPECTED {check.expected_size:,}"
        lines.append(
            f"{check.name}: {check.size:,} bytes ({verdict}), {check.allocated_bytes / MIB:.1f} MiB allocated"
        )
    seconds = f"{pslist.seconds:.1f} s, fresh symbol cache"
    if pslist.passed:
        lines.append(
            f"vol {pslist.command[-1]} on labkit's image ({seconds}): {pslist.listed} tasks, "
            f"the spec's pids, ppids and comms; its {pslist.hidden} hidden task(s) absent, as they must be"
        )
    else:
        lines.append(f"vol {pslist.command[-1]} on labkit's image DIFFERS from the spec ({seconds}):")
        lines += [f"  {difference}" for difference in pslist.differences[:MAX_LISTED_PROBLEMS]]
    lines.append(f"check: {'PASSED' if result.passed else 'FAILED'}")
    return "\n".join(lines)

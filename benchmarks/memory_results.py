"""What the memory benchmark measured: the spec, labkit's writer, dd, the checks, the ratio."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from labkit.evidence.memory.spec import MemoryImageSpec

from .memory_check import FileCheck, PslistCheck


@dataclass(frozen=True)
class SpecSummary:
    """What the image holds, counted from the spec, so a reader knows what the seconds bought."""

    hostname: str
    kernel_release: str
    processes: int
    kernel_threads: int
    hidden_processes: int
    injected_regions: int
    sockets: int
    files: int
    cached_bytes: int  # file contents held in the page cache
    modules: int
    hidden_modules: int
    kmsg_lines: int
    noise_fragments: int
    fill: float

    @classmethod
    def of(cls, spec: MemoryImageSpec) -> SpecSummary:
        processes = spec.processes
        return cls(
            hostname=spec.hostname,
            kernel_release=spec.kernel.release,
            processes=len(processes),
            kernel_threads=sum(process.kernel_thread for process in processes),
            hidden_processes=sum(process.hidden for process in processes),
            injected_regions=sum(len(process.injected) for process in processes),
            sockets=len(spec.sockets),
            files=len(spec.files),
            cached_bytes=sum(len(record.cached) for record in spec.files),
            modules=len(spec.modules),
            hidden_modules=sum(module.hidden for module in spec.modules),
            kmsg_lines=len(spec.kmsg),
            noise_fragments=len(spec.noise),
            fill=spec.fill,
        )


@dataclass(frozen=True)
class LabkitSide:
    """labkit's runs: the child's wall seconds, and what the child timed and measured itself."""

    name: str
    seconds: list[float]  # the child process, start to exit: interpreter, imports, spec, write, fsync
    spec_seconds: list[float]  # building the spec with the story layer
    write_seconds: list[float]  # write_memory_image alone
    fsync_seconds: list[float]  # fsync of the image and the symbol table after it returned
    peak_rss_bytes: int  # the child's VmHWM, largest over the runs
    start_rss_bytes: int  # resident when the write began: interpreter, imports, the spec
    bytes_written: int  # wchar during the write: what went through write() and its kin
    image_size: int
    image_allocated_bytes: int  # st_blocks: the image is sparse, holes are not written
    isf_bytes: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def write_and_fsync_median(self) -> float:
        return statistics.median(w + f for w, f in zip(self.write_seconds, self.fsync_seconds, strict=True))


@dataclass(frozen=True)
class DdSide:
    """dd's runs: wall seconds of each, peak memory from GNU time (None when it is not installed)."""

    name: str
    command: list[str]
    seconds: list[float]
    peak_rss_bytes: int | None
    image_allocated_bytes: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class MemoryBenchmarkResult:
    """Everything one benchmark run measured, for the table or ``--json``."""

    size: int
    seed: int
    repeat: int
    spec: SpecSummary
    labkit: LabkitSide
    dd: DdSide
    files: list[FileCheck]
    pslist: PslistCheck

    @property
    def ratio(self) -> float:
        """labkit's median wall time over dd's: below 1 means labkit is faster."""
        return self.labkit.median / self.dd.median

    @property
    def passed(self) -> bool:
        return self.pslist.passed and all(check.passed for check in self.files)

"""The labkit side of the memory benchmark, run as its own process: write one RAM image and fsync it.

``python -m benchmarks.memory_labkit_side IMAGE SYMBOLS SIZE SEED`` prints one JSON object.

It builds the benchmark's spec (a compromised web server, ``benchmarks.memory_spec``), then calls
``write_memory_image`` and fsyncs the image and its symbol table, so that its time, like ``dd
conv=fsync``'s, includes getting the data onto the disk and not only into the page cache. Running
apart from the harness keeps its peak memory (VmHWM) that of this work alone: it shows whether the
writer holds the image in memory (it must not).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from labkit.errors import LabkitError
from labkit.evidence.memory.writer import write_memory_image

from .memory_spec import benchmark_spec
from .process_memory import peak_resident_bytes, resident_bytes


def _io_field(field: str) -> int:
    """A counter of /proc/self/io (``wchar``: bytes passed to write and its kin)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == field:
            return int(value)
    raise KeyError(field)


def fsync_file(path: Path) -> None:
    """Flush a finished file's dirty pages to the disk, as ``dd conv=fsync`` does before it exits."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def main(argv: list[str]) -> int:
    """Build the spec, write and fsync the image; print the times, memory and what was written as JSON."""
    image, symbols, size, seed = Path(argv[0]), Path(argv[1]), int(argv[2]), int(argv[3])
    started = time.perf_counter()
    spec = benchmark_spec(size, seed)
    spec_seconds = time.perf_counter() - started
    start_rss = resident_bytes()  # interpreter, imports and the spec
    written_before = _io_field("wchar")
    started = time.perf_counter()
    try:
        result = write_memory_image(spec, image, symbols)
    except LabkitError as error:
        sys.stderr.write(error.one_line() + "\n")
        return error.exit_code
    write_seconds = time.perf_counter() - started
    fsync_file(image)
    fsync_file(Path(result.isf_path))
    fsync_seconds = time.perf_counter() - started - write_seconds
    report = {
        "spec_seconds": spec_seconds,
        "write_seconds": write_seconds,
        "fsync_seconds": fsync_seconds,
        "peak_rss_bytes": peak_resident_bytes(),
        "start_rss_bytes": start_rss,
        "bytes_written": _io_field("wchar") - written_before,
        "image_size": result.image_size,
        "isf_path": result.isf_path,
        "isf_bytes": Path(result.isf_path).stat().st_size,
        "sha256": result.sha256,
        "processes": len(result.processes),
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The labkit side, run as its own process: copy a source tree into a new FAT32 image.

``python -m benchmarks.labkit_side SOURCE IMAGE SIZE`` prints one JSON object.
Running apart from the harness keeps its peak memory (VmHWM) that of this work
alone. Files are read one at a time, the way a generator hands data to the
writer, so the peak shows whether the writer holds the image (it should not).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from labkit.errors import LabkitError
from labkit.evidence.disk.fat import FatTimes, FatVolume, FatVolumeFacts

SERIAL = 0x1AB5EED5
FORMAT_TIME = datetime(2024, 3, 1, 9, 0)


def build_image(source: Path, image: Path, size: int) -> tuple[FatVolumeFacts, int, int]:
    """Write every folder and file under ``source`` into a new ``size``-byte FAT32 image.

    Returns the volume facts, the number of folders and the number of files.
    Modification times are taken from the source files, in local time, as mcopy
    ``-m`` does, so the two images can be compared entry for entry.
    """
    folders = files = 0
    with image.open("xb") as sink:
        sink.truncate(size)
        volume = FatVolume(
            sink, offset=0, size=size, serial=SERIAL, format_time=FORMAT_TIME, fat_type="fat32"
        )
        for directory, subdirectories, names in os.walk(source):
            subdirectories.sort()
            relative = Path(directory).relative_to(source)
            prefix = "" if relative == Path(".") else "/" + relative.as_posix()
            for name in subdirectories:
                volume.mkdir(f"{prefix}/{name}")
                folders += 1
            for name in sorted(names):
                path = Path(directory, name)
                modified = datetime.fromtimestamp(path.stat().st_mtime)
                volume.create_file(f"{prefix}/{name}", path.read_bytes(), FatTimes(modified=modified))
                files += 1
        facts = volume.finalize()
    return facts, folders, files


def _proc_field(path: str, field: str) -> int:
    """One numeric field of a /proc/self file (``VmHWM`` in kB, ``wchar`` in bytes)."""
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition(":")
        if key == field:
            return int(value.split()[0])
    raise KeyError(field)


def main(argv: list[str]) -> int:
    """Build the image and print build time, peak memory and bytes written as JSON."""
    source, image, size = Path(argv[0]), Path(argv[1]), int(argv[2])
    baseline = _proc_field("/proc/self/status", "VmHWM") * 1024  # interpreter and imports, before any work
    started = time.perf_counter()
    try:
        facts, folders, files = build_image(source, image, size)
    except LabkitError as error:
        sys.stderr.write(error.one_line() + "\n")
        return error.exit_code
    seconds = time.perf_counter() - started
    result = {
        "build_seconds": seconds,
        "peak_rss_bytes": _proc_field("/proc/self/status", "VmHWM") * 1024,
        "baseline_rss_bytes": baseline,
        "bytes_written": _proc_field("/proc/self/io", "wchar"),
        "cluster_size": facts.cluster_size,
        "fat_type": facts.fat_type,
        "folders": folders,
        "files": files,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The resident memory of this process, for child processes that report their own peak.

Linux keeps the high-water mark in ``VmHWM``. Writing ``5`` to
``/proc/self/clear_refs`` (Linux 4.0+) resets it to the current size, so a
child can load its input, reset the mark, and report the peak of the work
alone instead of the peak of unpickling its input.
"""

from __future__ import annotations

import gc
from pathlib import Path


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == field:
            return int(value.split()[0])
    raise KeyError(field)


def resident_bytes() -> int:
    """Resident memory now (``VmRSS``)."""
    return _status_kib("VmRSS") * 1024


def peak_resident_bytes() -> int:
    """Peak resident memory since start or since the last :func:`reset_peak` (``VmHWM``)."""
    return _status_kib("VmHWM") * 1024


def reset_peak() -> bool:
    """Collect garbage, then start a new high-water mark; False where the kernel does not allow it."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True

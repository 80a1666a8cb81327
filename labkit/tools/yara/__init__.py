"""``labkit yara``: YARA rules over disk images (file by file), memory images and captures.

The target's kind is told from its content. A disk image is scanned file by file through
The Sleuth Kit (:mod:`labkit.tools.disk`), deleted files included; a memory image over
its physical address space, with hits attributed to processes through volatility3; a
capture over reassembled TCP streams, datagrams and the objects they carried
(:mod:`labkit.tools.net`). Nothing here prints; :func:`scan_target` returns a
:class:`ScanReport`.
"""

from __future__ import annotations

from labkit.tools.yara.results import (
    CaptureData,
    DiskFile,
    PageOwner,
    PhysicalMemory,
    RuleMatch,
    ScanMatch,
    ScanReport,
    StringHit,
    TargetKind,
)
from labkit.tools.yara.rule_loading import RuleSet, load_rules
from labkit.tools.yara.scanning import DEFAULT_MAX_HITS, scan_target
from labkit.tools.yara.target_detection import detect_target

__all__ = [
    "DEFAULT_MAX_HITS",
    "CaptureData",
    "DiskFile",
    "PageOwner",
    "PhysicalMemory",
    "RuleMatch",
    "RuleSet",
    "ScanMatch",
    "ScanReport",
    "StringHit",
    "TargetKind",
    "detect_target",
    "load_rules",
    "scan_target",
]

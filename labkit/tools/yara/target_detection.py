"""Tell what TARGET is from its bytes, never its name: a capture, a disk image or a memory image.

pcap, pcapng, E01 and LiME have magic numbers. A raw file is a disk image when The Sleuth
Kit finds a partition table or a file system in it, and a memory image when it holds a
Linux kernel banner (``Linux version ...``, which every kernel keeps in RAM and which
volatility looks for too). Anything else is refused with one line saying what to do.
"""

from __future__ import annotations

from pathlib import Path

import pytsk3

from labkit.errors import ImageFormatError, UsageError
from labkit.formats.ewf_structures import EVF_SIGNATURE
from labkit.tools.disk.image_access import EWF2_SIGNATURE, detect_image_format, open_image
from labkit.tools.disk.volumes import read_partition_table
from labkit.tools.net.pcap_reader import PCAP_MAGICS
from labkit.tools.yara.memory_layout import LIME_MAGIC_BYTES
from labkit.tools.yara.results import TargetKind

PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
LINUX_BANNER_PREFIX = b"Linux version "
_SEARCH_CHUNK = 16 * 1024 * 1024


def detect_target(path: str | Path) -> TargetKind:
    """The kind of evidence in ``path``.

    Raises:
        UsageError: the path is missing, a folder or unreadable.
        ImageFormatError: the content is none of the kinds a scan knows.
    """
    target = checked_file(path)
    with target.open("rb") as stream:
        head = stream.read(4096)
    if not head:
        raise ImageFormatError(f"{target}: the file is empty; there is nothing to scan")
    if head[:4] in PCAP_MAGICS or head[:4] == PCAPNG_MAGIC:
        return TargetKind.CAPTURE
    if head.startswith(EVF_SIGNATURE) or head.startswith(EWF2_SIGNATURE):
        return TargetKind.DISK
    if head.startswith(LIME_MAGIC_BYTES):
        return TargetKind.MEMORY
    detect_image_format(target)  # names gzip, zip, QCOW, VMDK... with what to do
    if _holds_volume_or_file_system(target):
        return TargetKind.DISK
    if holds_linux_banner(target):
        return TargetKind.MEMORY
    raise ImageFormatError(
        f"{target}: unknown format: not a pcap/pcapng capture, not a disk image (no partition table or "
        "file system The Sleuth Kit can read), not a memory image (no LiME header, no Linux kernel "
        "banner); if you know what it is, say so with --kind disk|memory|capture"
    )


def checked_file(path: str | Path) -> Path:
    target = Path(path)
    if not target.exists():
        raise UsageError(f"{target}: no such file; check the path")
    if target.is_dir():
        raise UsageError(f"{target}: is a folder; give the image or capture file itself")
    if not target.is_file():
        raise UsageError(f"{target}: not a regular file (a device, pipe or socket); save it to a file first")
    try:
        with target.open("rb"):
            pass
    except OSError as exc:
        raise UsageError(f"{target}: cannot be read: {exc.strerror}; check its permissions") from None
    return target


def holds_linux_banner(path: Path) -> bool:
    """Whether ``Linux version `` occurs anywhere in the file (read in chunks, stops at the first)."""
    keep = len(LINUX_BANNER_PREFIX) - 1
    tail = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_SEARCH_CHUNK):
            if LINUX_BANNER_PREFIX in tail + chunk:
                return True
            tail = chunk[-keep:]
    return False


def _holds_volume_or_file_system(path: Path) -> bool:
    with open_image(path) as image:
        if read_partition_table(image) is not None:
            return True
        try:
            pytsk3.FS_Info(image.tsk_image, offset=0)
        except OSError:
            return False
        return True

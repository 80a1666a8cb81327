"""Open a capture file (pcap or pcapng, told apart by their magic) and read it one packet at a time.

Memory stays flat in the size of the file: records are read through a buffered
reader and handed on one by one. Anything that is not a regular file, or not a
capture, is refused with one line that says what it is and what to do.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from labkit.errors import CaptureFormatError, UsageError
from labkit.tools.net.capture_records import FileFacts, Interface, RawPacket, Truncation
from labkit.tools.net.pcap_reader import FILE_HEADER_SIZE, PCAP_MAGICS, PcapReader
from labkit.tools.net.pcapng_reader import PcapngReader

_PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
_KNOWN_OTHERS = {
    b"\x1f\x8b": "a gzip-compressed file: decompress it first (`gunzip -k FILE`)",
    b"\x28\xb5\x2f\xfd": "a zstd-compressed file: decompress it first (`unzstd FILE`)",
    b"\x04\x22\x4d\x18": "an lz4-compressed file: decompress it first (`unlz4 FILE`)",
    b"\xa1\xb2\xcd\x34": "a modified (Kuznetzov) pcap: convert it with `editcap -F pcap FILE OUT`",
    b"\x34\xcd\xb2\xa1": "a modified (Kuznetzov) pcap: convert it with `editcap -F pcap FILE OUT`",
    b"PK\x03\x04": "a zip archive: extract the capture from it first",
    b"EVF\x09": "an E01 disk image: use `labkit disk`",
}
READ_BUFFER = 1024 * 1024


class CaptureFile:
    """An open capture: its container facts, its interfaces, its packets (read once, in order)."""

    def __init__(self, path: str, stream: BinaryIO, reader: PcapReader | PcapngReader, size: int) -> None:
        self.path = path
        self.size = size
        self._stream = stream
        self._reader = reader

    @property
    def facts(self) -> FileFacts:
        return self._reader.facts

    @property
    def interfaces(self) -> list[Interface]:
        """Every interface described so far (pcapng may describe more as it goes)."""
        return self._reader.interfaces

    @property
    def truncation(self) -> Truncation | None:
        """Set once :meth:`packets` has reached a last record cut short by the end of the file."""
        return self._reader.truncation

    def packets(self) -> Iterator[RawPacket]:
        return self._reader.packets()


@contextmanager
def open_capture(path: str | Path) -> Iterator[CaptureFile]:
    """Open ``path`` read-only as a pcap or pcapng capture.

    Raises:
        UsageError: the path is missing, a folder, or not a regular file.
        CaptureFormatError: the file is not a capture this reader knows, or its header is damaged.
    """
    name = str(path)
    stream = _open_regular(name)
    try:
        size = os.fstat(stream.fileno()).st_size
        head = stream.peek(FILE_HEADER_SIZE)[:FILE_HEADER_SIZE]
        reader: PcapReader | PcapngReader
        if head[:4] in PCAP_MAGICS:
            header = stream.read(FILE_HEADER_SIZE)
            if len(header) < FILE_HEADER_SIZE:
                raise CaptureFormatError(
                    f"{name}: the pcap file header is cut short ({len(header)} of {FILE_HEADER_SIZE} bytes); "
                    "the file is truncated: re-copy it"
                )
            reader = PcapReader(stream, name, header)
        elif head[:4] == _PCAPNG_MAGIC:
            reader = PcapngReader(stream, name)
        else:
            raise CaptureFormatError(f"{name}: {_not_a_capture(head, size)}")
        yield CaptureFile(name, stream, reader, size)
    finally:
        stream.close()


def _open_regular(name: str) -> BinaryIO:
    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UsageError(f"{name}: file not found; check the path") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a folder; give the capture file itself") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read the file: {exc.strerror}; check its permissions") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
        raise UsageError(f"{name}: is {what}; give a capture file saved on disk")
    return os.fdopen(descriptor, "rb", buffering=READ_BUFFER)


def _not_a_capture(head: bytes, size: int) -> str:
    if size == 0:
        return "the file is empty; it holds no capture (re-copy it)"
    for magic, meaning in _KNOWN_OTHERS.items():
        if head.startswith(magic):
            return f"is not a pcap or pcapng capture but {meaning}"
    if size < 4:
        return f"the file is only {size} bytes long, too short to be a capture; re-copy it"
    shown = " ".join(f"{byte:02x}" for byte in head[:4])
    return (
        f"is not a pcap or pcapng capture (it starts with bytes {shown}; a capture starts with "
        "d4 c3 b2 a1, a1 b2 c3 d4, 4d 3c b2 a1 or 0a 0d 0d 0a); check that this is the capture file"
    )

"""How the operating system that used a disk writes FAT, as far as evidence shows it.

The same story leaves slightly different traces under Windows and Linux: Windows
rounds modification times up to the next even second, formats with OEM name
``MSDOS5.0`` and, on first mount of a removable FAT volume, creates a hidden
``System Volume Information`` folder holding ``IndexerVolumeGuid`` and
``WPSettings.dat``. Linux truncates times and leaves no such folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Literal

from labkit.scenario.model import HostSpec


@dataclass(frozen=True)
class DriverProfile:
    name: Literal["windows", "linux"]
    oem_name: str
    modified_rounding: Literal["up", "down"]
    system_volume_information: bool


WINDOWS = DriverProfile("windows", "MSDOS5.0", "up", True)
LINUX = DriverProfile("linux", "mkfs.fat", "down", False)


def profile_for(host: HostSpec) -> DriverProfile:
    """Windows when the host's ``os`` says so (or is not given: most seized media met Windows)."""
    os_name = host.os.strip().lower()
    if os_name and not os_name.startswith("windows"):
        return LINUX
    return WINDOWS


def dos_volume_serial(formatted: datetime, hundredths: int) -> int:
    """The volume serial DOS and Windows derive from the format date and time.

    High word: (hour << 8 | minute) + year; low word: (month << 8 | day) + (second << 8 | hundredths).
    So an examiner can check a serial against the claimed format time.
    """
    low = ((formatted.month << 8) | formatted.day) + ((formatted.second << 8) | hundredths)
    high = ((formatted.hour << 8) | formatted.minute) + formatted.year
    return ((high & 0xFFFF) << 16) | (low & 0xFFFF)


def indexer_volume_guid(rng: Random) -> str:
    """A GUID as Windows Search writes it into IndexerVolumeGuid (upper case, braced)."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF << 76)) | (4 << 76)  # version 4
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    text = f"{value:032X}"
    return f"{{{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}}}"


def indexer_volume_guid_bytes(guid: str) -> bytes:
    """The file's bytes: UTF-16LE with a byte-order mark."""
    return b"\xff\xfe" + guid.encode("utf-16-le")


def wpsettings_bytes(rng: Random) -> bytes:
    """WPSettings.dat as Windows 10 leaves it on removable media: 12 bytes, a length then 8 opaque bytes."""
    return (12).to_bytes(4, "little") + rng.randbytes(8)

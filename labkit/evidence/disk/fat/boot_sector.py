"""Boot sector and FSInfo of a FAT volume, built from its geometry."""

from __future__ import annotations

from labkit.formats.fat_structures import BootSectorFat16, BootSectorFat32, FsInfoSector

from .geometry import FatGeometry

MEDIA_FIXED_DISK = 0xF8
SECTORS_PER_TRACK = 63
HEADS = 255
FSINFO_SECTOR = 1
BACKUP_BOOT_SECTOR = 6
_MESSAGE = b"This is not a bootable disk. Press any key to restart.\r\n\x00"


def _boot_code(start: int, size: int) -> bytes:
    """A tiny real-mode stub at the jump target: print a message, wait for a key, reboot (int 19h)."""
    message_address = 0x7C00 + start + 27
    code = (
        b"\x0e\x1f"  # push cs; pop ds
        + b"\xbe"
        + message_address.to_bytes(2, "little")  # mov si, message
        + b"\xac\x84\xc0\x74\x09"  # next: lodsb; test al, al; jz done
        + b"\xb4\x0e\xbb\x07\x00\xcd\x10\xeb\xf2"  # mov ah, 0Eh; mov bx, 7; int 10h; jmp next
        + b"\x30\xe4\xcd\x16\xcd\x19\xeb\xfe"  # done: xor ah, ah; int 16h; int 19h; jmp $
        + _MESSAGE
    )
    return code.ljust(size, b"\x00")


def build_boot_sector(
    geometry: FatGeometry, *, oem_name: bytes, label: bytes, serial: int, hidden_sectors: int
) -> bytes:
    """The whole boot sector (``sector_size`` bytes, signature at offset 510)."""
    is_fat32 = geometry.fat_type == "fat32"
    small_total = geometry.total_sectors < 0x10000 and not is_fat32
    bpb = {
        "bytes_per_sector": geometry.sector_size,
        "sectors_per_cluster": geometry.sectors_per_cluster,
        "reserved_sectors": geometry.reserved_sectors,
        "fat_count": geometry.fat_count,
        "root_entries": geometry.root_entries,
        "total_sectors_16": geometry.total_sectors if small_total else 0,
        "media": MEDIA_FIXED_DISK,
        "fat_size_16": 0 if is_fat32 else geometry.fat_size_sectors,
        "sectors_per_track": SECTORS_PER_TRACK,
        "heads": HEADS,
        "hidden_sectors": hidden_sectors,
        "total_sectors_32": 0 if small_total else geometry.total_sectors,
    }
    extended = {
        "drive_number": 0x80,
        "reserved": 0,
        "volume_serial": serial,
        "volume_label": label,
        "file_system_type": {"fat12": b"FAT12   ", "fat16": b"FAT16   ", "fat32": b"FAT32   "}[
            geometry.fat_type
        ],
    }
    if is_fat32:
        sector = BootSectorFat32.build(
            {
                "jump": b"\xeb\x58\x90",
                "oem_name": oem_name,
                "bpb": bpb,
                "fat32": {
                    "fat_size_32": geometry.fat_size_sectors,
                    "extended_flags": 0,
                    "file_system_version": 0,
                    "root_cluster": 2,
                    "fsinfo_sector": FSINFO_SECTOR,
                    "backup_boot_sector": BACKUP_BOOT_SECTOR,
                },
                "extended": extended,
                "boot_code": _boot_code(0x5A, 420),
            }
        )
    else:
        sector = BootSectorFat16.build(
            {
                "jump": b"\xeb\x3c\x90",
                "oem_name": oem_name,
                "bpb": bpb,
                "extended": extended,
                "boot_code": _boot_code(0x3E, 448),
            }
        )
    return sector.ljust(geometry.sector_size, b"\x00")


def build_fsinfo(geometry: FatGeometry, *, free_count: int, next_free: int) -> bytes:
    """The FAT32 FSInfo sector."""
    sector = FsInfoSector.build({"free_count": free_count, "next_free": next_free})
    return sector.ljust(geometry.sector_size, b"\x00")

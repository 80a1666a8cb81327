"""The reader parses with the writer's declarations, tolerantly, and agrees with fsstat/istat."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC
from pathlib import Path

import disk_images
import pytest
from tsk_reference import fls, istat, tsk

from labkit.errors import ImageFormatError, UsageError
from labkit.tools.disk.entry_details import read_entry_details
from labkit.tools.disk.fat_decoding import (
    BOOT_SECTOR_SIZE,
    attribute_names,
    decode_oem_text,
    parse_boot_sector,
    parse_directory_entry,
    short_name,
)
from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.file_system_info import describe_file_system
from labkit.tools.disk.listing import list_files
from labkit.tools.disk.metadata import stat_file

EXTENDED_SIGNATURE_OFFSET_FAT16 = 38


def _patched(source, copy_of, name: str, offset: int, value: bytes):
    target = copy_of(source, name)
    data = bytearray(target.read_bytes())
    data[offset : offset + len(value)] = value
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(("signature", "serial"), [(b"\x28", "1234-ABCD"), (b"\x00", None)])
def test_a_damaged_extended_boot_signature_is_read_not_refused(
    superfloppy, copy_of, signature: bytes, serial: str | None
) -> None:
    """The writer's strict Const(0x29) would reject these; TSK still reads them, so must we."""
    image = _patched(superfloppy.path, copy_of, "damaged.dd", EXTENDED_SIGNATURE_OFFSET_FAT16, signature)
    report = str(tsk("fsstat", image))
    with open_evidence(image) as file_system:
        summary = describe_file_system(file_system)
    assert summary.type_name == re.search(r"File System Type: (\S+)", report).group(1) == "FAT16"
    assert summary.cluster_size == int(re.search(r"Cluster Size: (\d+)", report).group(1))
    # 0x28 carries the serial but no label text; without a signature neither field is defined
    assert (summary.serial, summary.label_boot_sector) == (serial, None)
    assert summary.label_root_directory == "STICK"


def test_boot_sector_of_the_wrong_size_is_a_clear_error() -> None:
    with pytest.raises(
        ImageFormatError, match=r"stick\.dd: the FAT boot sector cannot be read \(100 bytes\)"
    ):
        parse_boot_sector(bytes(100), where="stick.dd")
    with pytest.raises(ImageFormatError, match="a directory entry is 32 bytes, got 31"):
        parse_directory_entry(bytes(31))


def test_boot_sector_fields_match_fsstat(gpt_fat32) -> None:
    report = str(tsk("fsstat", "-o", str(gpt_fat32.offset_sectors), gpt_fat32.path))
    raw = gpt_fat32.path.read_bytes()[gpt_fat32.offset_sectors * 512 :][:BOOT_SECTOR_SIZE]
    boot = parse_boot_sector(raw)
    assert boot.oem_name == re.search(r"OEM Name: (.*)", report).group(1).strip()
    assert boot.volume_serial == int(re.search(r"Volume ID: (0x[0-9a-f]+)", report).group(1), 16)
    assert boot.file_system_type_label == re.search(r"File System Type Label: (.*)", report).group(1).strip()
    fat_start, fat_end = map(int, re.search(r"\* FAT 0: (\d+) - (\d+)", report).group(1, 2))
    assert (boot.first_fat_sector, boot.sectors_per_fat) == (fat_start, fat_end - fat_start + 1)


def test_entry_times_names_and_attributes_match_istat(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        root = file_system.open_inode(file_system.root_inode)
        items = {item.name: item for item in file_system.iter_directory(root)}
        secret, gone = (
            read_entry_details(file_system, items[name].inode, items[name].tsk_file)
            for name in ("secret.txt", "_one.bin")
        )
        inodes = items["secret.txt"].inode, items["_one.bin"].inode
    report, gone_report = (istat(superfloppy.path, 0, inode) for inode in inodes)
    # istat shows the name with the NT lower-case flags applied; we show the stored 8.3 bytes
    assert secret.short_name == "SECRET.TXT" == re.search(r"Name: (\S+)", report).group(1).upper()
    assert gone.short_name == "_ONE.BIN" == re.search(r"Name: (\S+)", gone_report).group(1).upper()
    assert secret.attributes == ("hidden", "archive") and "File, Hidden, Archive" in report
    written = re.search(r"Written:\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", report).group(1)
    assert secret.modified is not None and secret.modified.stored.isoformat(sep=" ") == written
    accessed = re.search(r"Accessed:\s+(\d{4}-\d\d-\d\d)", report).group(1)
    assert secret.accessed is not None and secret.accessed.iso(UTC) == accessed
    assert secret.recorded_size == len(b"hello, trainee\n") == int(re.search(r"Size: (\d+)", report).group(1))


def test_short_name_markers_and_attribute_words() -> None:
    assert short_name(b"HELLO   TXT") == "HELLO.TXT"
    assert short_name(b"\xe5ELLO   TXT") == "_ELLO.TXT"  # deleted, shown as TSK shows it
    assert short_name(b"\x05ELLO   TXT") == "\u03c3ELLO.TXT"  # 0x05 stands for a real 0xE5: cp437 sigma
    assert short_name(b"\x05\x8b\x85\x81    TXT", "cp866") == "хЛЕБ.TXT"  # ... cp866 small ha
    assert short_name(b"\xe5\x8b\x85\x81    TXT", "cp866") == "_ЛЕБ.TXT"  # deleted stays "_"
    assert short_name(b"README     ") == "README"
    assert attribute_names(0x22) == ("hidden", "archive")
    assert attribute_names(0x0F) == ("long-name-slot",)


def test_oem_text_escapes_controls_and_rejects_unknown_code_pages() -> None:
    assert decode_oem_text(b"A\x07\x8e  ") == "A\\x07\\x8e"  # no code page: nothing guessed
    assert decode_oem_text(b"A\x07\x8e", "cp866") == "A\\x07О"  # a control byte never reaches a terminal
    assert decode_oem_text(b"\x8e", "cp850") == "Ä" and decode_oem_text(b"\x8e", "cp852") == "Ä"
    with pytest.raises(UsageError, match="unknown OEM code page 'cp1251'"):
        decode_oem_text(b"X", "cp1251")


@pytest.fixture(scope="module")
def cp866_stick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return disk_images.build_cp866_stick(tmp_path_factory.mktemp("cp866")).path


def _raw_short_name(image: Path, inode: int) -> bytes:
    """The 11 stored 8.3 bytes, cut out with dd at the entry fsstat and TSK's numbering locate."""
    root_sector = int(re.search(r"\*\* Root Directory: (\d+)", str(tsk("fsstat", image))).group(1))
    offset = root_sector * 512 + (inode - 3) * 32  # TSK: inode 3 is the first root entry
    command = ["dd", f"if={image}", "bs=1", f"skip={offset}", "count=11", "status=none"]
    return subprocess.run(command, check=True, capture_output=True).stdout


def test_cp866_short_names_read_through_the_chosen_code_page(cp866_stick: Path) -> None:
    inodes = {path: inode for _, inode, path, _ in fls(cp866_stick, 0)}
    alias_inode, bare_inode = inodes[disk_images.CP866_LONG_NAME], inodes["^^^^.TXT"]  # TSK: '^' per byte
    assert _raw_short_name(cp866_stick, alias_inode) == "ДОГОВО~1DOC".encode("cp866")
    assert _raw_short_name(cp866_stick, bare_inode) == "ЁЛКА    TXT".encode("cp866")
    assert re.search(r"Name: (\S+)", istat(cp866_stick, 0, alias_inode)).group(1) == "^^^^^^~1.DOC"
    with open_evidence(cp866_stick) as file_system:
        russian = stat_file(file_system, inode=alias_inode, codepage="cp866")
        default = stat_file(file_system, inode=alias_inode)
        listed = {e.inode: e for e in list_files(file_system, codepage="cp866")}
    assert (russian.short_name, russian.short_name_codepage) == ("ДОГОВО~1.DOC", "cp866")
    assert (default.short_name, default.short_name_codepage) == ("äÄâÄéÄ~1.DOC", "cp437")
    assert default.short_name == "ДОГОВО~1.DOC".encode("cp866").decode("cp437")
    assert listed[bare_inode].short_name == disk_images.CP866_SHORT_ONLY
    assert listed[alias_inode].name == disk_images.CP866_LONG_NAME  # the long name is UTF-16: no code page

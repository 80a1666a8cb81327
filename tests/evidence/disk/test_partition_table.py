"""MBR and GPT layouts, checked against mmls, sgdisk and pytsk3 (independent readers)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import pytsk3

from labkit.errors import DiskFullError, UsageError
from labkit.evidence.disk.partition_table import PartitionFacts, chs_from_lba, mbr_type_code
from labkit.evidence.disk.raw_image import DiskFacts, PartitionSpec, RawDiskImage
from labkit.formats.partition_structures import MASTER_BOOT_RECORD, ChsAddress

MIB = 1024 * 1024
_MMLS_ROW = re.compile(r"^\d+:\s+\S+\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _mmls_allocated(path: Path, *options: str) -> list[tuple[int, int, int, str]]:
    """(start, end, length, description) of every allocated mmls row."""
    rows = []
    for line in _run("mmls", "-a", *options, str(path)).splitlines():
        if match := _MMLS_ROW.match(line):
            start, end, length, description = match.groups()
            rows.append((int(start), int(end), int(length), description.strip()))
    return rows


def _tsk_partitions(path: Path) -> list[tuple[int, int, str]]:
    volume = pytsk3.Volume_Info(pytsk3.Img_Info(str(path)))
    return [
        (part.start, part.len, part.desc.decode())
        for part in volume
        if part.flags == pytsk3.TSK_VS_PART_FLAG_ALLOC
    ]


def _first_sector(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(512)


def _make(path: Path, size: int, scheme: str, specs: list[PartitionSpec], **options: int) -> DiskFacts:
    with RawDiskImage(path, size, scheme=scheme, disk_id=0x5EED1234, **options) as image:  # type: ignore[arg-type]
        for spec in specs:
            image.add_partition(spec)
    return image.close()


def test_chs_encoding_follows_the_ibm_geometry_and_saturates() -> None:
    assert chs_from_lba(0) == (0, 0, 1)
    assert chs_from_lba(2048) == (0, 32, 33)
    assert chs_from_lba(1024 * 255 * 63 - 1) == (1023, 254, 63)
    assert chs_from_lba(1024 * 255 * 63) == (1023, 254, 63)
    assert ChsAddress.build((1023, 254, 63)) == b"\xfe\xff\xff"
    assert ChsAddress.parse(ChsAddress.build((700, 17, 5))) == (700, 17, 5)


def test_mbr_partitions_are_what_mmls_and_pytsk3_show(tmp_path: Path) -> None:
    specs = [
        PartitionSpec(4 * MIB, "fat12"),
        PartitionSpec(20 * MIB, "fat16"),
        PartitionSpec(10 * MIB, "ntfs"),
        PartitionSpec(None, "fat32"),
    ]
    facts = _make(tmp_path / "disk.img", 64 * MIB, "mbr", specs)

    expected_codes = [0x01, 0x06, 0x07, 0x0C]
    assert [partition.type_code for partition in facts.partitions] == expected_codes
    assert facts.partitions[0].start_sector == 2048
    assert facts.partitions[-1].last_sector == 64 * MIB // 512 - 1
    mmls = _mmls_allocated(facts.path)
    assert [(start, end, length) for start, end, length, _ in mmls] == [
        (p.start_sector, p.last_sector, p.sector_count) for p in facts.partitions
    ]
    assert [description[-5:-1] for *_, description in mmls] == [f"0x{code:02x}" for code in expected_codes]
    assert [(start, length) for start, length, _ in _tsk_partitions(facts.path)] == [
        (p.start_sector, p.sector_count) for p in facts.partitions
    ]
    assert all(p.start_sector % 2048 == 0 for p in facts.partitions)


def test_mbr_sector_carries_signature_chs_and_boot_marker(tmp_path: Path) -> None:
    facts = _make(tmp_path / "disk.img", 16 * MIB, "mbr", [PartitionSpec(None, "fat16")])
    sector = _first_sector(facts.path)
    assert sector[440:444] == (0x5EED1234).to_bytes(4, "little")
    assert sector[510:512] == b"\x55\xaa"
    entry = MASTER_BOOT_RECORD.parse(sector).partitions[0]
    assert entry.first_chs == chs_from_lba(2048)
    assert entry.last_chs == chs_from_lba(facts.partitions[0].last_sector)
    assert facts.disk_signature == 0x5EED1234


def test_partition_beyond_chs_reach_gets_lba_type_and_the_feffff_triple(tmp_path: Path) -> None:
    size = 9 * 1024 * MIB  # sparse: costs nothing on disk
    facts = _make(tmp_path / "big.img", size, "mbr", [PartitionSpec(None, "fat16")])
    assert facts.partitions[0].type_code == 0x0E
    assert mbr_type_code("fat16", 1000) == 0x06
    entry = MASTER_BOOT_RECORD.parse(_first_sector(facts.path)).partitions[0]
    assert entry.last_chs == (1023, 254, 63)
    assert _mmls_allocated(facts.path)[0][3].endswith("(0x0e)")


def test_gpt_partitions_are_what_sgdisk_mmls_and_pytsk3_show(tmp_path: Path) -> None:
    specs = [PartitionSpec(8 * MIB, "fat32", "EFI data"), PartitionSpec(None, "linux", "Данные")]
    facts = _make(tmp_path / "disk.img", 32 * MIB, "gpt", specs)

    verify = _run("sgdisk", "-v", str(facts.path))
    assert "No problems found" in verify
    assert f"Disk identifier (GUID): {facts.disk_guid}" in _run("sgdisk", "-p", str(facts.path))
    for partition in facts.partitions:
        info = _run("sgdisk", "-i", str(partition.index), str(facts.path))
        assert f"Partition GUID code: {partition.type_guid}" in info
        assert f"Partition unique GUID: {partition.unique_guid}" in info
        assert f"First sector: {partition.start_sector} " in info
        assert f"Last sector: {partition.last_sector} " in info
        assert f"Partition name: '{partition.name}'" in info
    assert facts.partitions[0].type_guid == "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
    assert facts.partitions[1].type_guid == "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
    assert [(start, length, name) for start, _, length, name in _mmls_allocated(facts.path)] == [
        (p.start_sector, p.sector_count, p.name) for p in facts.partitions
    ]
    assert [(start, length) for start, length, _ in _tsk_partitions(facts.path)] == [
        (p.start_sector, p.sector_count) for p in facts.partitions
    ]
    protective = MASTER_BOOT_RECORD.parse(_first_sector(facts.path)).partitions[0]
    assert (protective.type_code, protective.first_lba) == (0xEE, 1)


def test_gpt_with_4096_byte_sectors_is_read_by_mmls(tmp_path: Path) -> None:
    facts = _make(
        tmp_path / "4kn.img", 64 * MIB, "gpt", [PartitionSpec(None, "ntfs", "data")], sector_size=4096
    )
    assert facts.partitions[0].start_sector == 256  # 1 MiB in 4 KiB sectors
    rows = _mmls_allocated(facts.path, "-b", "4096")
    assert rows == [(256, facts.partitions[0].last_sector, facts.partitions[0].sector_count, "data")]


def test_gpt_guids_derive_from_disk_id_only(tmp_path: Path) -> None:
    spec = [PartitionSpec(None, "fat16", "x")]
    first = _make(tmp_path / "a.img", 8 * MIB, "gpt", spec)
    second = _make(tmp_path / "b.img", 8 * MIB, "gpt", spec)
    assert first.path.read_bytes() == second.path.read_bytes()
    with RawDiskImage(tmp_path / "c.img", 8 * MIB, scheme="gpt", disk_id=99) as other:
        other_partition: PartitionFacts = other.add_partition(spec[0])
    assert other.close().disk_guid != first.disk_guid
    assert other_partition.unique_guid != first.partitions[0].unique_guid


@pytest.mark.parametrize(
    ("scheme", "specs", "error"),
    [
        ("mbr", [PartitionSpec(MIB, "fat12")] * 5, UsageError),
        ("mbr", [PartitionSpec(64 * MIB, "fat32")], DiskFullError),
        ("mbr", [PartitionSpec(None, "fat32"), PartitionSpec(MIB, "fat12")], DiskFullError),
        ("gpt", [PartitionSpec(MIB, "fat16", "n" * 37)], UsageError),
        ("none", [PartitionSpec(MIB, "fat12")], UsageError),
        ("mbr", [PartitionSpec(0, "fat12")], UsageError),
    ],
)
def test_impossible_layouts_raise_and_leave_nothing(
    tmp_path: Path, scheme: str, specs: list[PartitionSpec], error: type[Exception]
) -> None:
    path = tmp_path / "disk.img"
    with pytest.raises(error), RawDiskImage(path, 16 * MIB, scheme=scheme, disk_id=1) as image:  # type: ignore[arg-type]
        for spec in specs:
            image.add_partition(spec)
    assert list(tmp_path.iterdir()) == []

from __future__ import annotations

import re

import pytest
from tsk_reference import tsk

from labkit.errors import ImageFormatError, UsageError
from labkit.tools.disk.file_system import open_file_system
from labkit.tools.disk.image_access import open_image
from labkit.tools.disk.volumes import read_partition_table

_MMLS_ROW = re.compile(r"^(\d{3}):\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$")


@pytest.mark.parametrize("fixture_name, scheme", [("mbr_fat12", "dos"), ("gpt_fat32", "gpt")])
def test_partition_table_matches_mmls(request: pytest.FixtureRequest, fixture_name: str, scheme: str) -> None:
    fixture = request.getfixturevalue(fixture_name)
    expected = [
        (int(m[1]), m[2], int(m[3]), int(m[4]), int(m[5]), m[6].strip())
        for line in str(tsk("mmls", fixture.path)).splitlines()
        if (m := _MMLS_ROW.match(line))
    ]
    with open_image(fixture.path) as image:
        table = read_partition_table(image)
    assert table is not None and table.scheme == scheme
    got = [
        (e.index, e.slot, e.start_sector, e.end_sector, e.length_sectors, e.description)
        for e in table.entries
    ]
    assert got == expected


def test_superfloppy_has_no_partition_table(superfloppy) -> None:
    with open_image(superfloppy.path) as image:
        assert read_partition_table(image) is None
        with pytest.raises(UsageError, match="no partition table"):
            open_file_system(image, 2)


def test_partition_selection_by_mmls_index(mbr_fat12) -> None:
    with open_image(mbr_fat12.path) as image:
        assert open_file_system(image).offset == 2048 * 512
        assert open_file_system(image, 2).offset == 2048 * 512
        with pytest.raises(UsageError, match="Unallocated"):
            open_file_system(image, 1)
        with pytest.raises(UsageError, match="no partition #9"):
            open_file_system(image, 9)


def test_partition_without_file_system(mbr_fat12, copy_of) -> None:
    broken = copy_of(mbr_fat12.path, "wiped.img")
    with broken.open("r+b") as stream:
        stream.seek(2048 * 512)
        stream.write(b"\0" * 512)
    with open_image(broken) as image:
        with pytest.raises(ImageFormatError, match="no file system found in partition #2"):
            open_file_system(image, 2)

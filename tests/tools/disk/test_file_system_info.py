from __future__ import annotations

import re

from tsk_reference import tsk

from labkit.tools.disk.file_system_info import survey_image
from labkit.tools.disk.image_access import open_image


def _fsstat(fixture) -> str:
    return str(tsk("fsstat", "-o", str(fixture.offset_sectors), fixture.path))


def test_summary_matches_fsstat(any_image) -> None:
    report = _fsstat(any_image)
    with open_image(any_image.path) as image:
        survey = survey_image(image)
    (fs,) = survey.file_systems
    assert fs.type_name == re.search(r"File System Type: (\S+)", report).group(1)
    volume_id = int(re.search(r"Volume ID: (0x[0-9a-f]+)", report).group(1), 16)
    assert fs.serial == f"{volume_id >> 16:04X}-{volume_id & 0xFFFF:04X}"
    assert (
        fs.label_root_directory
        == re.search(r"Volume Label \(Root Directory\): (.*)", report).group(1).strip()
    )
    assert fs.label_boot_sector == re.search(r"Volume Label \(Boot Sector\): (.*)", report).group(1).strip()
    assert fs.cluster_size == int(re.search(r"Cluster Size: (\d+)", report).group(1))
    low, high = map(int, re.search(r"Total Cluster Range: (\d+) - (\d+)", report).group(1, 2))
    assert fs.cluster_count == high - low + 1
    assert fs.offset == any_image.offset_sectors * 512


def test_free_clusters_agree_with_fsck(any_image, tmp_path) -> None:
    with open_image(any_image.path) as image:
        (fs,) = survey_image(image).file_systems
    volume = tmp_path / "volume.fat"  # fsck.fat has no offset option: cut the volume out
    volume.write_bytes(any_image.path.read_bytes()[fs.offset : fs.offset + fs.total_sectors * 512])
    # fsck.fat -n -v: "<used>/<total> clusters"
    output = tsk("fsck.fat", "-n", "-v", volume)
    used, total = map(int, re.search(r"(\d+)/(\d+) clusters", str(output)).group(1, 2))
    assert (fs.cluster_count, fs.cluster_count - fs.free_cluster_count) == (total, used)


def test_serial_and_label_as_created(superfloppy) -> None:
    with open_image(superfloppy.path) as image:
        (fs,) = survey_image(image).file_systems
    assert fs.serial == "1234-ABCD" and fs.label_root_directory == "STICK"

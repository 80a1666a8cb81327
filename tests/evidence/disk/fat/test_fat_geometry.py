"""FAT type and cluster size: the Microsoft rule, default tables, clear errors."""

from __future__ import annotations

import pytest
from fat_readers import fsck_clean, run

from labkit.errors import EvidenceError
from labkit.evidence.disk.fat import plan_geometry

MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "fat_type", "cluster_size"),
    [
        (1440 * 1024, "fat12", 512),
        (15 * MIB, "fat16", 1024),
        (16 * MIB, "fat16", 2048),
        (200 * MIB, "fat16", 4096),
        (511 * MIB, "fat16", 8192),
        (512 * MIB, "fat32", 4096),
        (9 * 1024 * MIB, "fat32", 8192),
    ],
)
def test_defaults_follow_microsoft_tables(size: int, fat_type: str, cluster_size: int) -> None:
    geometry = plan_geometry(size)
    assert (geometry.fat_type, geometry.cluster_size) == (fat_type, cluster_size)


@pytest.mark.parametrize(
    ("size", "fat_type", "cluster_size", "message"),
    [
        (16 * MIB, "fat32", None, "too small for FAT32"),
        (32 * MIB, "fat16", 32768, "take for FAT12"),
        (256 * MIB, "fat12", None, "take for FAT16"),
        (64 * MIB, None, 3000, "power of two"),
        (2048, None, None, "no room"),
    ],
)
def test_impossible_volumes_are_refused_clearly(
    size: int, fat_type: str | None, cluster_size: int | None, message: str
) -> None:
    with pytest.raises(EvidenceError, match=message):
        plan_geometry(size, fat_type=fat_type, cluster_size=cluster_size)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fat_type", "cluster_size"), [("fat12", 1024), ("fat16", 512), ("fat32", 512)])
def test_requested_cluster_size_reaches_the_boot_sector(new_volume, fat_type: str, cluster_size: int) -> None:
    volume, image = new_volume(fat_type, cluster_size=cluster_size)
    facts = volume.finalize()
    fsck_clean(image)
    fsstat = run("fsstat", image)
    assert f"Cluster Size: {cluster_size}" in fsstat and f"File System Type: {fat_type.upper()}" in fsstat
    assert facts.cluster_size == cluster_size


def test_sector_size_4096(new_volume) -> None:
    volume, image = new_volume("fat32", size=512 * MIB, sector_size=4096)
    entry = volume.create_file("/big sectors.txt", b"4k")
    facts = volume.finalize()
    assert facts.sector_size == 4096
    fsstat = run("fsstat", image)
    assert "Sector Size: 4096" in fsstat
    assert run("icat", image, str(entry.inode)) == "4k"

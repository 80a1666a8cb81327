from __future__ import annotations

from tsk_reference import blkstat_allocated

from labkit.tools.disk.allocation import cluster_allocated
from labkit.tools.disk.file_system import open_evidence


def test_cluster_status_matches_blkstat_on_fat12_16_32(any_image) -> None:
    with open_evidence(any_image.path) as file_system:
        boot = file_system.boot_sector
        assert boot is not None
        clusters = range(2, 2 + min(boot.cluster_count, 80))
        ours = [cluster_allocated(file_system, c) for c in clusters]
        assert cluster_allocated(file_system, 1) is None
        assert cluster_allocated(file_system, boot.cluster_count + 2) is None
    first = boot.first_cluster_sector
    theirs = [
        blkstat_allocated(
            any_image.path, any_image.offset_sectors, first + (c - 2) * boot.sectors_per_cluster
        )
        for c in clusters
    ]
    assert ours == theirs
    assert True in ours and False in ours  # both states occur, so the comparison means something

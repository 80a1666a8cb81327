from __future__ import annotations

import pytest
from disk_images import BIG_CONTENT, CYRILLIC_DIR, CYRILLIC_FILE
from tsk_reference import icat, istat, istat_sectors

from labkit.errors import EvidenceError, UsageError
from labkit.tools.disk.content import iter_file_content, iter_file_slack, open_target
from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.metadata import DELETED_DATA_NOTE, FIRST_CLUSTER_TAKEN_NOTE, stat_file


def test_content_and_slack_match_icat(any_image) -> None:
    offset = any_image.offset_sectors
    with open_evidence(any_image.path) as file_system:
        for path in ("/short.txt", f"/{CYRILLIC_DIR}/{CYRILLIC_FILE}", "/_one.bin"):
            target = open_target(file_system, path=path)
            content = b"".join(iter_file_content(file_system, target, chunk_size=4096))
            slack = b"".join(iter_file_slack(file_system, target))
            with_slack = icat(any_image.path, offset, target.inode, "-s")
            assert content == icat(any_image.path, offset, target.inode)
            assert content + slack == with_slack
    assert content == BIG_CONTENT  # the deleted file, recovered


def test_slack_holds_residue_of_the_deleted_file(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        target = open_target(file_system, path="/short.txt")
        slack = b"".join(iter_file_slack(file_system, target))
    assert slack[:8] == b"\xab" * 8  # left by fill.bin, deleted before short.txt took its cluster
    assert len(slack) == 1024 - 4


def test_content_is_streamed(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        target = open_target(file_system, path=f"/{CYRILLIC_DIR}/{CYRILLIC_FILE}")
        chunks = list(iter_file_content(file_system, target, chunk_size=1000))
    assert len(chunks) == 26 and max(map(len, chunks)) == 1000


def test_stat_of_deleted_file_matches_istat(any_image) -> None:
    with open_evidence(any_image.path) as file_system:
        deleted = stat_file(file_system, path="/_one.bin")
        by_inode = stat_file(file_system, inode=deleted.inode)
        boot = file_system.boot_sector
    assert by_inode == deleted
    assert deleted.deleted and not deleted.allocated and deleted.note
    assert deleted.size == len(BIG_CONTENT)
    sectors = [
        s for run in deleted.sectors for s in range(run.first_block, run.first_block + run.block_count)
    ]
    # istat lists the sectors that hold the file's bytes (then pads its last row with 0)
    used = -(-deleted.size // 512)
    assert (
        sectors[:used] == istat_sectors(istat(any_image.path, any_image.offset_sectors, deleted.inode))[:used]
    )
    assert deleted.clusters[0] == deleted.first_cluster
    assert len(deleted.clusters) == -(-len(BIG_CONTENT) // boot.cluster_size)
    assert len(sectors) == len(deleted.clusters) * boot.sectors_per_cluster


def test_stat_names_and_attributes(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        document = stat_file(file_system, path=f"/{CYRILLIC_DIR}/{CYRILLIC_FILE}")
        secret = stat_file(file_system, path="/SECRET.TXT")
    assert document.name == CYRILLIC_FILE and document.short_name and "~1" in document.short_name
    assert secret.attributes == ("hidden", "archive") and secret.slack_size == 1024 - 15


def test_bad_targets_are_usage_errors(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        with pytest.raises(UsageError, match="no such file"):
            open_target(file_system, path="/nope.txt")
        with pytest.raises(UsageError, match="out of range"):
            open_target(file_system, inode=10**9)
        with pytest.raises(UsageError, match=r"name the file: give a PATH inside the image or -i INODE$"):
            open_target(file_system)
        with pytest.raises(UsageError, match=r"either a PATH .* not both"):
            open_target(file_system, path="/hello.txt", inode=3)
        with pytest.raises(UsageError, match="is a directory"):
            list(iter_file_content(file_system, open_target(file_system, path=f"/{CYRILLIC_DIR}")))


def test_deleted_file_skips_allocated_clusters_as_tsk_does(reused) -> None:
    """/around.bin was written around the live /d: TSK (and we) skip d's cluster."""
    with open_evidence(reused.path) as file_system:
        meta = stat_file(file_system, path="/_round.bin")
        content = b"".join(iter_file_content(file_system, open_target(file_system, path="/_round.bin")))
        live = stat_file(file_system, path="/d")
    assert meta.note == DELETED_DATA_NOTE and meta.first_cluster_allocated is False
    assert meta.clusters == (8, 10, 11) and live.clusters == (9,)
    assert content == reused.around == icat(reused.path, 0, meta.inode)
    used = -(-meta.size // 512)
    assert [s for r in meta.sectors for s in range(r.first_block, r.first_block + r.block_count)][:used] == (
        istat_sectors(istat(reused.path, 0, meta.inode))[:used]
    )
    # reading the clusters contiguously from the first one would have put d's data in the middle
    raw = reused.path.read_bytes()
    contiguous = raw[110 * 512 : 110 * 512 + meta.size]
    assert contiguous != content and b"D" * 1024 in contiguous


def test_deleted_file_whose_first_cluster_is_taken(reused) -> None:
    """TSK gives up on /other/taken.bin: it places one cluster, the one /sub/new now holds."""
    with open_evidence(reused.path) as file_system:
        meta = stat_file(file_system, path="/other/_aken.bin")
        owner = stat_file(file_system, path=reused.taken_owner)
        target = open_target(file_system, path="/other/_aken.bin")
        with pytest.raises(EvidenceError, match="first cluster is allocated to another file"):
            b"".join(iter_file_content(file_system, target))
    assert meta.note == FIRST_CLUSTER_TAKEN_NOTE and meta.first_cluster_allocated is True
    assert meta.first_cluster == owner.first_cluster and meta.clusters == owner.clusters
    assert len(icat(reused.path, 0, meta.inode)) == 1024 < meta.size  # icat stops after that cluster

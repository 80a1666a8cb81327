"""Forensic traces: deletion, overwriting, wiping, renaming, slack and unallocated space."""

from __future__ import annotations

import hashlib

import pytest
from fat_readers import fls_inodes, fsck_clean, run, run_bytes

from labkit.evidence.disk.fat import FatTimes


def test_slack_is_shown_by_icat_s_only(new_volume) -> None:
    volume, image = new_volume("fat16", cluster_size=2048)
    file = volume.create_file("/invoice.pdf", b"%PDF-1.4 body")
    placement = volume.write_slack("/invoice.pdf", b"HIDDEN-IN-SLACK")
    volume.finalize()
    fsck_clean(image)
    assert placement.inode == file.inode and placement.offset == file.data_offset + 13
    assert run_bytes("icat", image, str(file.inode)) == b"%PDF-1.4 body"
    with_slack = run_bytes("icat", "-s", image, str(file.inode))
    assert len(with_slack) == 2048 and with_slack[13:28] == b"HIDDEN-IN-SLACK"
    with pytest.raises(Exception, match="slack do not fit"):
        volume.write_slack("/invoice.pdf", b"x" * 2048)


def test_unallocated_data_is_in_blkls_and_in_no_file(new_volume) -> None:
    volume, image = new_volume("fat32")
    volume.create_file("/a.txt", b"A" * 10000)
    marker = b"UNALLOCATED-MARKER-" + hashlib.sha256(b"seed").hexdigest().encode()
    placement = volume.write_unallocated(marker)
    volume.finalize()
    fsck_clean(image)
    assert marker in run_bytes("blkls", image)  # unallocated blocks only
    assert marker not in run_bytes("blkls", "-a", image)  # allocated blocks only
    assert image.read_bytes()[placement.offset : placement.offset + len(marker)] == marker
    assert volume.is_intact(placement)
    for inode, _deleted in fls_inodes(image).values():
        assert marker not in run_bytes("icat", "-s", image, str(inode))


def test_first_fit_reuses_deleted_clusters_and_marks_overwritten(new_volume) -> None:
    volume, image = new_volume("fat16", allocation="first-fit")
    victim = volume.create_file("/victim.txt", b"V" * 5000)
    volume.create_file("/keeper.txt", b"K" * 100)
    volume.delete("/victim.txt")
    assert volume.entry(victim).overwritten is False
    newcomer = volume.create_file("/newcomer.txt", b"N" * 3000)
    assert newcomer.first_cluster == victim.first_cluster
    after = volume.entry(victim)
    assert after.deleted and after.overwritten
    volume.finalize()
    fsck_clean(image)
    listing = fls_inodes(image)
    # The slot is not reused, so the entry stays visible; an 8.3-only name loses its first letter.
    assert listing["_ictim.txt"] == (victim.inode, True)
    assert run_bytes("icat", image, str(newcomer.inode)) == b"N" * 3000
    assert run_bytes("icat", image, str(victim.inode)) != b"V" * 5000


def test_next_fit_does_not_reuse_until_it_wraps(new_volume) -> None:
    volume, _image = new_volume("fat16")
    victim = volume.create_file("/victim.txt", b"V" * 5000)
    volume.delete("/victim.txt")
    later = volume.create_file("/later.txt", b"L" * 5000)
    assert later.first_cluster > victim.clusters[-1]
    assert not volume.entry(victim).overwritten


def test_wipe_overwrites_clusters_and_slack_then_deletes(new_volume) -> None:
    volume, image = new_volume("fat32")
    wiped = volume.create_file("/wiped.txt", b"W" * 700)
    volume.write_slack("/wiped.txt", b"SLACK")
    result = volume.wipe("/wiped.txt", fill=b"\xaa")
    volume.finalize()
    fsck_clean(image)
    assert result.deleted and result.overwritten
    raw = image.read_bytes()
    region = raw[wiped.data_offset : wiped.data_offset + len(wiped.clusters) * 512]
    assert region == b"\xaa" * len(region)
    assert fls_inodes(image, "-d")["_iped.txt"] == (wiped.inode, True)


def test_overwrite_grows_and_shrinks_the_chain(new_volume) -> None:
    volume, image = new_volume("fat12")
    first = volume.create_file("/log.txt", b"1" * 1000)
    volume.create_file("/block.txt", b"b")
    grown = volume.overwrite_file(
        "/log.txt", b"2" * 5000, FatTimes(modified=first.modified.replace(year=2025))
    )
    assert grown.clusters[: len(first.clusters)] == first.clusters and len(grown.clusters) > len(
        first.clusters
    )
    assert grown.modified.year == 2025
    shrunk = volume.overwrite_file("/log.txt", b"3" * 10)
    assert shrunk.clusters == first.clusters[:1]
    volume.finalize()
    fsck_clean(image)
    assert run_bytes("icat", image, str(shrunk.inode)) == b"3" * 10


def test_rename_moves_across_directories_and_leaves_the_old_slots_deleted(new_volume) -> None:
    volume, image = new_volume("fat32")
    volume.mkdir("/inbox")
    volume.mkdir("/archive")
    volume.mkdir("/inbox/sub")
    original = volume.create_file("/inbox/Планы на май.docx", b"plans")
    moved = volume.rename("/inbox/Планы на май.docx", "/archive/old plans.docx")
    moved_dir = volume.rename("/inbox/sub", "/archive/sub2")
    volume.create_file("/archive/sub2/inner.txt", b"inner")
    volume.finalize()
    fsck_clean(image)  # also checks '..' of the moved directory
    listing = fls_inodes(image)
    assert listing["archive/old plans.docx"] == (moved.inode, False)
    assert listing["inbox/Планы на май.docx"] == (original.inode, True)
    assert moved.handle == original.handle and moved.first_cluster == original.first_cluster
    assert listing["archive/sub2/inner.txt"][1] is False and moved_dir.path == "/archive/sub2"
    assert run_bytes("icat", image, str(moved.inode)) == b"plans"
    remnant = next(entry for entry in volume.entries() if entry.deleted and entry.inode == original.inode)
    assert remnant.clusters == moved.clusters and not remnant.overwritten  # same data, new name
    volume.overwrite_file("/archive/old plans.docx", b"PLANS")
    assert volume.entry(remnant).overwritten


def test_deleting_a_directory_deletes_its_tree_and_keeps_it_listable(new_volume) -> None:
    volume, image = new_volume("fat16")
    volume.mkdir("/Тайник")
    hidden = volume.create_file("/Тайник/ключ.txt", b"key material")
    folder = volume.delete("/Тайник")
    volume.finalize()
    fsck_clean(image)
    deleted = fls_inodes(image, "-d")
    assert deleted["Тайник"] == (folder.inode, True)
    assert deleted["Тайник/ключ.txt"] == (hidden.inode, True)
    assert run_bytes("icat", image, str(hidden.inode)) == b"key material"


def test_volume_inside_a_larger_image_at_an_offset(new_volume) -> None:
    volume, image = new_volume("fat32", offset=1024 * 1024, hidden_sectors=2048)
    entry = volume.create_file("/at offset.txt", b"offset works")
    volume.finalize()
    listing = run("fls", "-r", "-p", "-o", "2048", image)
    assert f"r/r {entry.inode}:\tat offset.txt" in listing
    assert run_bytes("icat", "-o", "2048", image, str(entry.inode)) == b"offset works"
    assert image.read_bytes()[: 1024 * 1024] == bytes(1024 * 1024)


def test_same_calls_give_byte_identical_images(new_volume) -> None:
    digests = []
    for name in ("one.img", "two.img"):
        volume, image = new_volume("fat12", name=name, label="SAME", allocation="first-fit")
        volume.mkdir("/d")
        volume.create_file("/d/Ғылым.txt", b"x" * 3000)
        volume.delete("/d/Ғылым.txt")
        volume.create_file("/d/y.txt", b"y" * 100)
        volume.write_unallocated(b"u" * 10)
        volume.finalize()
        digests.append(hashlib.sha256(image.read_bytes()).hexdigest())
    assert digests[0] == digests[1]

"""The raw image writer: sparse, whole-or-nothing, and usable by file-system writers (checked with TSK)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from labkit.errors import OutputExistsError, UsageError
from labkit.evidence.disk.raw_image import DiskFacts, PartitionFacts, PartitionSpec, RawDiskImage, hash_file

MIB = 1024 * 1024


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _make_fat(image: Path, partition: PartitionFacts, fat_bits: int, file_name: str, content: bytes) -> None:
    """A FAT file system inside ``partition`` with one file, made by dosfstools and mtools (test-only)."""
    kibibytes = partition.size // 1024
    made = _run(
        "mkfs.fat", "-F", str(fat_bits), "--offset", str(partition.start_sector), "-n", "LABKIT",
        str(image), str(kibibytes),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    source = image.parent / "payload.bin"
    source.write_bytes(content)
    copied = _run("mcopy", "-i", f"{image}@@{partition.offset}", str(source), f"::{file_name}")
    assert copied.returncode == 0, copied.stderr
    source.unlink()


def test_image_is_created_sparse_at_the_requested_size(tmp_path: Path) -> None:
    path = tmp_path / "disk.img"
    with RawDiskImage(path, 256 * MIB, scheme="gpt", disk_id=3) as image:
        image.add_partition(PartitionSpec(None, "fat32"))
    assert path.stat().st_size == 256 * MIB
    assert path.stat().st_blocks * 512 < MIB  # only the partition tables were written
    assert [entry.name for entry in tmp_path.iterdir()] == ["disk.img"]


def test_fat_made_inside_a_gpt_partition_is_read_by_fls_and_icat(tmp_path: Path) -> None:
    path = tmp_path / "disk.img"
    with RawDiskImage(path, 48 * MIB, scheme="gpt", disk_id=11) as image:
        image.add_partition(PartitionSpec(8 * MIB, "fat12", "first"))
        second = image.add_partition(PartitionSpec(None, "fat16", "second"))
    _make_fat(path, second, 16, "REPORT.TXT", b"partition two\n")

    listing = _run("fls", "-o", str(second.start_sector), str(path))
    assert listing.returncode == 0, listing.stderr
    inode = next(line.split()[1].rstrip(":") for line in listing.stdout.splitlines() if "REPORT.TXT" in line)
    content = subprocess.run(
        ["icat", "-o", str(second.start_sector), str(path), inode], capture_output=True, check=True
    ).stdout
    assert content == b"partition two\n"
    fsstat = _run("fsstat", "-o", str(second.start_sector), str(path)).stdout
    assert "FAT16" in fsstat


def test_file_handle_writes_at_absolute_offsets(tmp_path: Path) -> None:
    path = tmp_path / "disk.img"
    with RawDiskImage(path, 8 * MIB, scheme="mbr", disk_id=5) as image:
        partition = image.add_partition(PartitionSpec(MIB, "linux"))
        image.file.seek(partition.offset)
        image.file.write(b"MARK")
    with open(path, "rb") as stream:
        stream.seek(MIB)
        assert stream.read(4) == b"MARK"
        assert stream.read(508) == bytes(508)


def test_superfloppy_has_no_table_and_the_file_system_at_offset_zero(tmp_path: Path) -> None:
    path = tmp_path / "stick.img"
    with RawDiskImage(path, 16 * MIB, scheme="none", disk_id=0) as image:
        whole = image.add_partition(PartitionSpec(None, "fat16"))
    facts = image.close()
    assert (whole.start_sector, whole.offset, whole.size, whole.type_code) == (0, 0, 16 * MIB, None)
    assert path.read_bytes() == bytes(16 * MIB)  # nothing written but the caller's file system
    _make_fat(path, whole, 16, "NOTE.TXT", b"stick\n")
    assert _run("mmls", str(path)).returncode != 0  # no volume system for mmls to find
    assert "NOTE.TXT" in _run("fls", str(path)).stdout
    assert facts == DiskFacts(path, 16 * MIB, 512, "none", (whole,), None, None)


def test_an_error_inside_the_block_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "disk.img"
    with pytest.raises(RuntimeError), RawDiskImage(path, 8 * MIB, scheme="mbr", disk_id=1) as image:
        image.add_partition(PartitionSpec(None, "fat16"))
        raise RuntimeError("file-system writer failed")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_image_is_not_overwritten_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "disk.img"
    path.write_bytes(b"precious")
    with pytest.raises(OutputExistsError):
        RawDiskImage(path, 8 * MIB, scheme="mbr", disk_id=1)
    assert path.read_bytes() == b"precious"
    with RawDiskImage(path, 8 * MIB, scheme="mbr", disk_id=1, overwrite=True):
        pass
    assert path.stat().st_size == 8 * MIB


@pytest.mark.parametrize(
    ("size", "options"),
    [(8 * MIB + 100, {}), (8 * MIB, {"sector_size": 1024}), (8 * MIB, {"alignment": 1000})],
)
def test_bad_geometry_is_a_usage_error(tmp_path: Path, size: int, options: dict[str, int]) -> None:
    with pytest.raises(UsageError):
        RawDiskImage(tmp_path / "disk.img", size, scheme="mbr", disk_id=1, **options)
    assert list(tmp_path.iterdir()) == []


def test_mbr_disk_id_must_fit_the_32_bit_signature(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        RawDiskImage(tmp_path / "disk.img", 8 * MIB, scheme="mbr", disk_id=2**32)


def test_hash_file_streams_and_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    content = bytes(range(256)) * 1000 + b"tail"
    path.write_bytes(content)
    digests = hash_file(path, chunk=4096)
    assert digests == {
        "md5": hashlib.md5(content).hexdigest(),
        "sha1": hashlib.sha1(content).hexdigest(),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    assert hash_file(path, ("sha512",)) == {"sha512": hashlib.sha512(content).hexdigest()}
    with pytest.raises(UsageError):
        hash_file(path, ("no-such-hash",))

"""The E01 writer, checked with libewf's tools (ewfverify, ewfinfo, pyewf) and The Sleuth Kit."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pyewf
import pytest

from labkit.errors import ImageFormatError, OutputExistsError, UsageError
from labkit.evidence.disk import ewf_segment_set
from labkit.evidence.disk.ewf_writer import EwfFacts, EwfMetadata, segment_path, write_e01
from labkit.evidence.disk.raw_image import PartitionSpec, RawDiskImage, hash_file
from labkit.formats.ewf_structures import (
    SECTION_DESCRIPTOR,
    SECTION_DESCRIPTOR_SIZE,
    TABLE_ENTRY_COMPRESSED,
    TABLE_HEADER,
    TABLE_HEADER_SIZE,
    table_entries,
)

MIB = 1024 * 1024
ALMATY = timezone(timedelta(hours=5))
METADATA = EwfMetadata(
    case_number="KZ-2024-0117",
    evidence_number="EV-03",
    description="Flash drive seized at the office",
    examiner="Айгүл Серікқызы",
    notes="Найден в столе; sealed bag 42",
    acquired_at=datetime(2024, 3, 5, 14, 20, 30, tzinfo=ALMATY),
    system_at=datetime(2024, 3, 5, 14, 21, 0, tzinfo=ALMATY),
    acquiry_software_version="labkit 0.1.0",
    serial_number="AA00112233",
)
_TOOL_ENVIRONMENT = {**os.environ, "TZ": "UTC", "LC_ALL": "C.UTF-8"}


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, env=_TOOL_ENVIRONMENT
    )


def _noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture(scope="module")
def raw_disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 64 MiB, mostly sparse MBR disk: FAT16 with a text file and an incompressible file."""
    folder = tmp_path_factory.mktemp("raw")
    path = folder / "disk.img"
    with RawDiskImage(path, 64 * MIB, scheme="mbr", disk_id=0xC0FFEE) as image:
        fat = image.add_partition(PartitionSpec(32 * MIB, "fat16"))
        image.add_partition(PartitionSpec(None, "linux"))
    made = _run(
        "mkfs.fat",
        "-F",
        "16",
        "--offset",
        str(fat.start_sector),
        "-n",
        "EVIDENCE",
        path,
        str(fat.size // 1024),
    )
    assert made.returncode == 0, made.stderr
    for name, content in (
        ("LEDGER.TXT", b"payments to account 4400\n" * 50),
        ("PHOTO.JPG", _noise(200_000, 7)),
    ):
        (folder / name).write_bytes(content)
        assert _run("mcopy", "-i", f"{path}@@{fat.offset}", folder / name, f"::{name}").returncode == 0
    return path


@pytest.fixture(scope="module")
def single(raw_disk: Path, tmp_path_factory: pytest.TempPathFactory) -> EwfFacts:
    return write_e01(raw_disk, tmp_path_factory.mktemp("e01") / "evidence.E01", METADATA)


def _pyewf_digests(first_segment: Path) -> tuple[int, str, str]:
    handle = pyewf.handle()
    handle.open(pyewf.glob(str(first_segment)))
    md5, sha256 = hashlib.md5(), hashlib.sha256()
    try:
        while data := handle.read(4 * MIB):
            md5.update(data)
            sha256.update(data)
        return handle.get_media_size(), md5.hexdigest(), sha256.hexdigest()
    finally:
        handle.close()


def test_ewfverify_succeeds_and_the_stored_hashes_are_the_media_hashes(
    raw_disk: Path, single: EwfFacts
) -> None:
    expected = hash_file(raw_disk, ("md5", "sha1"))
    assert (single.md5, single.sha1) == (expected["md5"], expected["sha1"])
    verified = _run("ewfverify", "-q", "-d", "sha1", single.segments[0])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ewfverify: SUCCESS" in verified.stdout
    assert f"MD5 hash stored in file:\t\t{single.md5}" in verified.stdout
    assert f"MD5 hash calculated over data:\t\t{single.md5}" in verified.stdout
    assert f"SHA1 hash stored in file:\t\t{single.sha1}" in verified.stdout


def test_ewfinfo_shows_the_case_metadata_media_and_hashes(single: EwfFacts) -> None:
    info = _run("ewfinfo", single.segments[0]).stdout
    for line in (
        "Case number:\t\tKZ-2024-0117",
        "Evidence number:\tEV-03",
        "Description:\t\tFlash drive seized at the office",
        "Examiner name:\t\tАйгүл Серікқызы",
        "Notes:\t\t\tНайден в столе; sealed bag 42",
        "Acquisition date:\tTue Mar  5 09:20:30 2024",  # 14:20:30 +05:00, shown in TZ=UTC
        "System date:\t\tTue Mar  5 09:21:00 2024",
        "Operating system used:\tLinux",
        "Software version used:\tlabkit 0.1.0",
        "File format:\t\tEnCase 6",
        "Sectors per chunk:\t64",
        "Media type:\t\tfixed disk",
        "Is physical:\t\tyes",
        f"Media size:\t\t64 MiB ({64 * MIB} bytes)",
        f"MD5:\t\t\t{single.md5}",
        f"SHA1:\t\t\t{single.sha1}",
    ):
        assert line in info, line


def test_pyewf_reads_back_every_byte(raw_disk: Path, single: EwfFacts) -> None:
    size, md5, sha256 = _pyewf_digests(single.segments[0])
    assert (size, md5, sha256) == (
        raw_disk.stat().st_size,
        single.md5,
        hash_file(raw_disk, ("sha256",))["sha256"],
    )
    assert single.chunk_count == 64 * MIB // (64 * 512)


def test_sleuthkit_reads_partitions_and_files_straight_from_the_e01(raw_disk: Path, single: EwfFacts) -> None:
    assert _run("mmls", single.segments[0]).stdout == _run("mmls", raw_disk).stdout
    listing = _run("fls", "-o", "2048", single.segments[0]).stdout
    assert "LEDGER.TXT" in listing and "PHOTO.JPG" in listing
    inode = next(line.split()[1].rstrip(":") for line in listing.splitlines() if "PHOTO.JPG" in line)
    photo = subprocess.run(
        ["icat", "-o", "2048", str(single.segments[0]), inode], capture_output=True, check=True
    )
    assert photo.stdout == _noise(200_000, 7)


def test_incompressible_chunks_are_stored_raw_and_the_rest_compressed(single: EwfFacts) -> None:
    data = single.segments[0].read_bytes()
    offset, flags = 13, []
    while True:
        section = SECTION_DESCRIPTOR.parse(data[offset : offset + SECTION_DESCRIPTOR_SIZE]).body.value
        if section.type == "table":
            start = offset + SECTION_DESCRIPTOR_SIZE
            count = TABLE_HEADER.parse(data[start : start + TABLE_HEADER_SIZE]).body.value.entry_count
            entries = table_entries(count).parse(data[start + TABLE_HEADER_SIZE :]).body.value
            flags += [bool(entry & TABLE_ENTRY_COMPRESSED) for entry in entries]
        if section.next_offset == offset:
            break
        offset = section.next_offset
    assert len(flags) == single.chunk_count
    assert 0 < flags.count(False) < 10  # the noise file's chunks only
    assert len(data) < MIB  # the sparse rest compresses to almost nothing


def test_same_input_and_metadata_give_a_byte_identical_e01(
    raw_disk: Path, single: EwfFacts, tmp_path: Path
) -> None:
    again = write_e01(raw_disk, tmp_path / "other-name.E01", METADATA)
    assert again.segments[0].read_bytes() == single.segments[0].read_bytes()
    changed = write_e01(raw_disk, tmp_path / "changed.E01", replace(METADATA, notes="x"))
    assert changed.segments[0].read_bytes() != single.segments[0].read_bytes()


def test_a_three_segment_set_verifies_and_reads_back(tmp_path: Path) -> None:
    raw = tmp_path / "noise.img"
    raw.write_bytes(_noise(5 * MIB // 2, 1))  # incompressible: about 1 MiB of segment per MiB of media
    facts = write_e01(raw, tmp_path / "set.E01", METADATA, segment_size=MIB)
    assert [path.name for path in facts.segments] == ["set.E01", "set.E02", "set.E03"]
    assert all(path.stat().st_size <= MIB for path in facts.segments)
    verified = _run("ewfverify", "-q", facts.segments[0])
    assert "ewfverify: SUCCESS" in verified.stdout, verified.stdout + verified.stderr
    assert _pyewf_digests(facts.segments[0])[1] == hashlib.md5(raw.read_bytes()).hexdigest() == facts.md5
    assert sorted(tmp_path.iterdir()) == sorted([raw, *facts.segments])  # no temporary files left


def test_many_tables_per_segment_and_uncompressed_storage(
    raw_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ewf_segment_set, "MAXIMUM_TABLE_ENTRIES", 100)
    facts = write_e01(raw_disk, tmp_path / "plain.E01", METADATA, compression_level=0, chunk_sectors=128)
    assert facts.segments[0].stat().st_size > 64 * MIB  # every chunk stored raw, with its Adler-32
    assert b"Compression level:\tno compression" in _run("ewfinfo", facts.segments[0]).stdout.encode()
    assert "ewfverify: SUCCESS" in _run("ewfverify", "-q", facts.segments[0]).stdout
    assert _pyewf_digests(facts.segments[0])[1] == facts.md5


def test_segment_extensions_follow_the_encase_sequence() -> None:
    base = Path("/cases/disk.E01")
    names = {
        number: segment_path(base, number).suffix for number in (1, 9, 99, 100, 101, 126, 775, 776, 1451)
    }
    assert names == {
        1: ".E01", 9: ".E09", 99: ".E99", 100: ".EAA", 101: ".EAB",
        126: ".EBA", 775: ".EZZ", 776: ".FAA", 1451: ".FZZ",
    }  # fmt: skip
    assert segment_path(base, 14295).suffix.isupper()  # libewf's last supported segment
    with pytest.raises(UsageError):
        segment_path(base, 14296)


def test_bad_requests_fail_cleanly_and_write_nothing(raw_disk: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.E01"
    naive = replace(METADATA, acquired_at=datetime(2024, 1, 1))
    odd_raw = tmp_path / "odd.img"
    odd_raw.write_bytes(b"x" * 1000)
    for call, error in (
        (lambda: write_e01(raw_disk, tmp_path / "out.raw", METADATA), UsageError),
        (lambda: write_e01(raw_disk, target, naive), UsageError),
        (lambda: write_e01(odd_raw, target, METADATA), ImageFormatError),
        (lambda: write_e01(raw_disk, target, METADATA, chunk_sectors=100), UsageError),
        (lambda: write_e01(raw_disk, target, METADATA, segment_size=MIB, chunk_sectors=32768), UsageError),
    ):
        with pytest.raises(error):
            call()
    assert sorted(tmp_path.iterdir()) == [odd_raw]


def test_an_existing_set_is_kept_unless_overwrite_and_stale_segments_go(
    raw_disk: Path, tmp_path: Path
) -> None:
    target = tmp_path / "case.E01"
    noise = tmp_path / "noise.img"
    noise.write_bytes(_noise(5 * MIB // 2, 2))
    write_e01(noise, target, METADATA, segment_size=MIB)
    with pytest.raises(OutputExistsError):
        write_e01(raw_disk, target, METADATA)
    facts = write_e01(raw_disk, target, METADATA, overwrite=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["case.E01", "noise.img"]
    assert _pyewf_digests(facts.segments[0])[1] == facts.md5


def test_metadata_dates_must_fit_the_32_bit_posix_field(raw_disk: Path, tmp_path: Path) -> None:
    early = replace(METADATA, system_at=datetime(1960, 1, 1, tzinfo=UTC))
    with pytest.raises(UsageError):
        write_e01(raw_disk, tmp_path / "x.E01", early)


def test_removable_logical_media_and_device_details_reach_ewfinfo(raw_disk: Path, tmp_path: Path) -> None:
    stick = replace(METADATA, model="SanDisk Cruzer Blade", serial_number="4C530001230605117293")
    facts = write_e01(
        raw_disk, tmp_path / "stick.E01", stick, media_type="removable", physical=False, compression_level=9
    )
    info = _run("ewfinfo", facts.segments[0]).stdout
    for line in (
        "Model:\t\t\tSanDisk Cruzer Blade",
        "Serial number:\t\t4C530001230605117293",
        "Compression level:\tbest compression",
        "Media type:\t\tremovable disk",
        "Is physical:\t\tno",
    ):
        assert line in info, line

"""Short names as Windows makes them, and clear errors for what cannot be written."""

from __future__ import annotations

from datetime import datetime

import pytest
from fat_readers import fsck_clean, run

from labkit.errors import DiskFullError, EvidenceError
from labkit.evidence.disk.fat import FatTimes, windows_name_hash
from labkit.evidence.disk.fat.short_names import long_name_checksum, make_short_name


def _short(name: str, taken: set[bytes] | None = None) -> str:
    return make_short_name(name, lambda raw: raw in (taken or set())).text()


def test_windows_hash_matches_values_observed_on_windows() -> None:
    # Observed with GetShortPathName on Windows: a.txt3 -> AEE90~1.TXT, a.txt7 -> AB720~1.TXT.
    assert windows_name_hash("a.txt3") == "EE90"
    assert _short("a.txt3") == "AEE90~1.TXT"
    assert _short("a.txt7") == "AB720~1.TXT"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("README.TXT", "README.TXT"),
        ("readme.txt", "README.TXT"),
        ("Readme.txt", "README.TXT"),
        ("My Document.docx", "MYDOCU~1.DOC"),
        ("foo.bar.txt", "FOOBAR~1.TXT"),
        (".bashrc", "BASHRC~1"),
        ("x+y;z.txt", "X_Y_Z~1.TXT"),
        ("Отчёт.xlsx", "_____~1.XLS"),
        ("résumé.doc", "RÉSUMÉ.DOC"),
    ],
)
def test_basis_names(name: str, short: str) -> None:
    assert _short(name) == short


def test_numeric_tails_then_hashed_basis() -> None:
    taken: set[bytes] = set()
    shorts = []
    for number in range(6):
        result = make_short_name(f"Long file name {number}.txt", lambda raw: raw in taken)
        taken.add(result.raw)
        shorts.append(result.text())
    assert shorts[:4] == ["LONGFI~1.TXT", "LONGFI~2.TXT", "LONGFI~3.TXT", "LONGFI~4.TXT"]
    assert shorts[4] == "LO" + windows_name_hash("Long file name 4.txt") + "~1.TXT"


def test_lfn_checksum_of_known_name() -> None:
    # Worked example of the VFAT checksum algorithm.
    assert long_name_checksum(b"README  TXT") == 0x73


@pytest.mark.parametrize("name", ["a/b", "what?.txt", "trailing.", "CON\x01", "x" * 256])
def test_invalid_long_names_are_refused(new_volume, name: str) -> None:
    volume, _image = new_volume("fat12")
    with pytest.raises(EvidenceError):
        volume.create_file("/" + name if "/" not in name else "/dir/" + name, b"")


def test_case_insensitive_duplicates_are_refused(new_volume) -> None:
    volume, _image = new_volume("fat12")
    volume.create_file("/Қала.txt", b"")
    with pytest.raises(EvidenceError, match="already exists"):
        volume.create_file("/ҚАЛА.TXT", b"")


def test_fixed_root_directory_fills_up_clearly(new_volume) -> None:
    volume, image = new_volume("fat16", root_entries=16)
    for number in range(16):
        volume.create_file(f"/F{number}.TXT", b"")
    with pytest.raises(DiskFullError, match="root directory is full"):
        volume.create_file("/ONE_MORE.TXT", b"")
    volume.finalize()
    fsck_clean(image)


def test_data_that_does_not_fit_is_refused_before_anything_changes(new_volume) -> None:
    volume, image = new_volume("fat12")
    before = volume.finalize().free_clusters
    with pytest.raises(DiskFullError, match="does not fit"):
        volume.create_file("/huge.bin", bytes(8 * 1024 * 1024))
    assert volume.finalize().free_clusters == before
    assert "huge" not in run("fls", image)


def test_times_outside_fat_range_are_refused(new_volume) -> None:
    volume, _image = new_volume("fat12")
    with pytest.raises(EvidenceError, match="1980-2107"):
        volume.create_file("/old.txt", b"", FatTimes(modified=datetime(1979, 12, 31)))
    with pytest.raises(EvidenceError, match="1980-2107"):
        volume.create_file("/new.txt", b"", FatTimes(created=datetime(2108, 1, 1)))


def test_subdirectory_grows_beyond_one_cluster(new_volume) -> None:
    volume, image = new_volume("fat32")
    volume.mkdir("/many")
    entries = [volume.create_file(f"/many/Файл номер {n}.txt", b"%d" % n) for n in range(60)]
    folder = volume.entry("/many")
    assert len(folder.clusters) > 1
    volume.finalize()
    fsck_clean(image)
    listing = run("fls", "-p", "-r", image)
    for entry in entries:
        assert f"r/r {entry.inode}:\t{entry.path.lstrip('/')}\n" in listing

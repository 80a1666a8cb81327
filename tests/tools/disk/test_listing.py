from __future__ import annotations

from datetime import datetime

from disk_images import CYRILLIC_DIR, CYRILLIC_FILE
from tsk_reference import fls, istat, istat_field, istat_time, tsk

from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.listing import list_files
from labkit.tools.disk.timestamps import resolve_zone


def test_recursive_listing_matches_fls(any_image) -> None:
    expected = [
        (t, inode, "/" + path, deleted)
        for t, inode, path, deleted in fls(any_image.path, any_image.offset_sectors)
    ]
    with open_evidence(any_image.path) as file_system:
        got = [(e.type, e.inode, e.path, e.deleted) for e in list_files(file_system, recursive=True)]
    assert got == expected
    assert ("r/r", got[3][1], f"/{CYRILLIC_DIR}/{CYRILLIC_FILE}", False) in got
    assert any(deleted for *_, deleted in got)


def test_listing_a_subdirectory_and_deleted_only(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        inside = list_files(file_system, f"/{CYRILLIC_DIR.lower()}")
        deleted = list_files(file_system, "/", recursive=True, deleted_only=True)
        single = list_files(file_system, "/secret.txt")
    assert [e.path for e in inside] == [f"/{CYRILLIC_DIR}/{CYRILLIC_FILE}"]
    assert inside[0].components == (CYRILLIC_DIR, CYRILLIC_FILE)
    assert deleted and all(e.deleted for e in deleted)
    assert [e.name for e in single] == ["secret.txt"]


def test_attributes_and_times_agree_with_istat(superfloppy) -> None:
    with open_evidence(superfloppy.path) as file_system:
        entries = {e.path: e for e in list_files(file_system, recursive=True)}
    secret = entries["/secret.txt"]
    report = istat(superfloppy.path, 0, secret.inode)
    assert "Hidden" in istat_field(report, "File Attributes")
    assert secret.attributes == ("hidden", "archive")
    assert "hidden" not in entries["/hello.txt"].attributes
    # TZ=UTC for istat: the digits TSK prints are the stored wall-clock digits
    written = datetime.strptime(istat_field(report, "Written").removesuffix(" (UTC)"), "%Y-%m-%d %H:%M:%S")
    assert secret.modified is not None and secret.modified.stored == written
    assert secret.accessed is not None and secret.accessed.is_date_only
    assert secret.changed is None
    assert secret.short_name == "SECRET.TXT"


def test_times_without_zone_are_istat_digits_and_with_zone_carry_its_offset(any_image) -> None:
    """No zone: the digits istat prints under TZ=UTC, no offset. --tz: istat -z's digits and offset."""
    almaty = resolve_zone("Asia/Almaty")
    offset = any_image.offset_sectors
    with open_evidence(any_image.path) as file_system:
        entries = [e for e in list_files(file_system, recursive=True) if e.modified and not e.is_volume_label]
    assert entries
    for entry in entries:
        plain = istat(any_image.path, offset, entry.inode)
        zoned = str(tsk("istat", "-z", "Asia/Almaty", "-o", str(offset), any_image.path, str(entry.inode)))
        for label, value in (("Written", entry.modified), ("Created", entry.created)):
            assert value is not None
            utc_digits, utc_zone = istat_time(plain, label)
            local_digits, local_zone = istat_time(zoned, label)
            assert (utc_zone, local_zone) == ("UTC", "+05")
            assert value.readable()[:19] == utc_digits == local_digits  # the zone never shifts digits
            assert "+" not in value.readable() and value.readable(almaty).endswith("+05:00")
            assert value.iso(almaty)[:19].replace("T", " ") == local_digits

"""Volumes of each FAT type read back by fsck.fat, The Sleuth Kit, pytsk3 and mtools."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import pytsk3
from fat_readers import fls_inodes, fsck_clean, run, run_bytes

from labkit.evidence.disk.fat import FatAttributes, FatTimes

KAZAKH = "Қазақ тілі әліпбиі Ә ә Ғ ғ Қ қ Ң ң Ө ө Ұ ұ Ү ү Һ һ І і.txt"
RUSSIAN = "Отчёт за 2024 год.xlsx"
TIMES = FatTimes(
    created=datetime(2023, 11, 14, 8, 30, 15, 678901),
    modified=datetime(2024, 2, 29, 23, 59, 59),
    accessed=datetime(2024, 3, 1, 12, 0, 0),
)


CONTENT = {
    "russian": b"report " * 3000,
    "kazakh": "Сәлем, әлем!\n".encode(),
    "deleted": b"SECRET PLANS " * 700,
}


def _local(seconds: int, nanoseconds: int = 0) -> datetime:
    """A pytsk3 epoch (computed in a UTC process) back to FAT's naive wall-clock time."""
    moment = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    return moment.replace(microsecond=nanoseconds // 1000)


def _plant(volume):
    entries = {
        "docs": volume.mkdir("/Документы", TIMES),
        "russian": volume.create_file(f"/Документы/{RUSSIAN}", CONTENT["russian"], TIMES),
        "kazakh": volume.create_file(f"/{KAZAKH}", CONTENT["kazakh"]),
        "lower": volume.create_file("/readme.txt", b"lower-case 8.3 name\n"),
        "mixed": volume.create_file("/ReadMe.TXT.bak", b"mixed case\n"),
        "empty": volume.create_file("/Документы/empty.dat", b""),
        "hidden": volume.create_file(
            "/SYSTEM.INI", b"[boot]\n", attributes=FatAttributes(hidden=True, system=True)
        ),
        "deleted": volume.create_file("/Документы/секрет.docx", CONTENT["deleted"]),
    }
    volume.delete("/Документы/секрет.docx")
    for number in range(30):  # grows a subdirectory past one cluster on small clusters
        volume.create_file(f"/Документы/Long file name number {number}.txt", b"n%d" % number)
    return entries


@pytest.mark.parametrize("fat_type", ["fat12", "fat16", "fat32"])
def test_tsk_fsck_and_mtools_agree_with_the_facts(new_volume, utc_process, fat_type: str) -> None:
    volume, image = new_volume(fat_type, label="EVIDENCE")
    entries = _plant(volume)
    facts = volume.finalize()
    fsck_clean(image)

    fsstat = run("fsstat", image)
    assert f"File System Type: {fat_type.upper()}" in fsstat
    assert "Volume ID: 0x1234abcd" in fsstat
    assert "Volume Label (Root Directory): EVIDENCE" in fsstat
    assert facts.fat_type == fat_type

    listing = fls_inodes(image)
    for key, written in entries.items():
        current = volume.entry(written)
        path = current.path.lstrip("/")
        assert listing[path] == (current.inode, current.deleted), key
        if key in CONTENT:
            assert run_bytes("icat", image, str(current.inode)) == CONTENT[key], key
    deleted = volume.entry(entries["deleted"])
    assert deleted.deleted and not deleted.overwritten
    assert run_bytes("icat", image, str(deleted.inode)) == b"SECRET PLANS " * 700
    assert fls_inodes(image, "-d")["Документы/секрет.docx"] == (deleted.inode, True)
    assert listing["readme.txt"][0] == entries["lower"].inode  # lower-case flags, no long name
    assert entries["lower"].long_name_slots == 0 and entries["lower"].short_name == "README.TXT"
    assert entries["mixed"].short_name == "README~1.BAK" and entries["mixed"].long_name_slots == 2

    filesystem = pytsk3.FS_Info(pytsk3.Img_Info(str(image)))
    russian = entries["russian"]
    handle = filesystem.open(russian.path)
    meta = handle.info.meta
    assert meta.addr == russian.inode and meta.size == russian.size
    assert handle.read_random(0, meta.size) == b"report " * 3000
    assert _local(meta.crtime, meta.crtime_nano) == russian.created
    assert russian.created == datetime(2023, 11, 14, 8, 30, 15, 670000)
    assert _local(meta.mtime) == russian.modified == datetime(2024, 2, 29, 23, 59, 58)
    assert _local(meta.atime).date() == russian.accessed == date(2024, 3, 1)

    istat = run("istat", "-z", "UTC", image, str(russian.inode))
    assert "Written:\t2024-02-29 23:59:58 (UTC)" in istat
    assert "Accessed:\t2024-03-01 00:00:00 (UTC)" in istat
    assert "Created:\t2023-11-14 08:30:15 (UTC)" in istat
    hidden = run("istat", "-z", "UTC", image, str(entries["hidden"].inode))
    assert "Hidden" in hidden and "System" in hidden

    mdir = run("mdir", "-i", image, "::/Документы")
    assert RUSSIAN in mdir and "______~1 XLS" in mdir
    assert KAZAKH in run("mdir", "-i", image, "::/")
    assert run_bytes("mtype", "-i", image, f"::/{KAZAKH}") == "Сәлем, әлем!\n".encode()
    assert "readme   txt" in run("mdir", "-i", image, "::/")


@pytest.mark.parametrize("fat_type", ["fat12", "fat16", "fat32"])
def test_fat_bookkeeping_is_what_fsck_and_tsk_expect(new_volume, fat_type: str) -> None:
    volume, image = new_volume(fat_type, hidden_sectors=2048)
    volume.create_file("/a.bin", bytes(range(256)) * 40)
    volume.create_file("/b.bin", b"b" * 3)
    volume.delete("/a.bin")
    facts = volume.finalize()
    fsck_clean(image)
    raw = image.read_bytes()
    assert raw[510:512] == b"\x55\xaa"
    assert int.from_bytes(raw[28:32], "little") == 2048  # hidden sectors = partition start
    fat_bytes = facts.fat_size_sectors * facts.sector_size
    first = facts.reserved_sectors * facts.sector_size
    assert raw[first : first + fat_bytes] == raw[first + fat_bytes : first + 2 * fat_bytes]
    assert raw[first] == 0xF8
    if fat_type == "fat32":
        assert raw[6 * 512 : 7 * 512] == raw[0:512]  # backup boot sector
        fsinfo = raw[512:1024]
        assert int.from_bytes(fsinfo[488:492], "little") == facts.free_clusters
        assert int.from_bytes(fsinfo[492:496], "little") == facts.next_free_hint
        assert facts.free_clusters == facts.cluster_count - 2  # root + b.bin
    assert "NO NAME" not in run("fls", image)  # no label entry for the default label

"""Disk images are scanned file by file as The Sleuth Kit reads them (fls + icat are the referee)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import disk_images
import pytest
import yara
from tsk_reference import fls, icat
from yara_evidence import BORDER, MARKER_RULES, MarkedStick

from labkit.errors import ImageFormatError
from labkit.tools.yara import DiskFile, TargetKind, matching, scan_target

RULES = yara.compile(source=MARKER_RULES)


def reference(image: Path, offset_sectors: int) -> set[tuple[str, int, bool, str, str, int]]:
    """(path, inode, deleted, rule, string, offset) from yara-python over each file ``icat`` gives."""
    expected = set()
    for kind, inode, path, deleted in fls(image, offset_sectors):
        if not kind.startswith("r/") or "Volume Label" in path:
            continue
        for match in RULES.match(data=icat(image, offset_sectors, inode)):
            strings = [(s.identifier, i.offset) for s in match.strings for i in s.instances] or [("", -1)]
            expected |= {("/" + path, inode, deleted, match.rule, ident, offset) for ident, offset in strings}
    return expected


def scanned(report: object) -> set[tuple[str, int, bool, str, str, int]]:
    rows = set()
    for found in report.matches:  # type: ignore[attr-defined]
        target = found.target
        assert isinstance(target, DiskFile)
        hits = [(hit.identifier, hit.offset) for hit in found.match.strings] or [("", -1)]
        rows |= {(target.path, target.inode, target.deleted, found.match.rule, i, o) for i, o in hits}
    return rows


def test_every_file_deleted_ones_too_as_icat_reads_them(marked_stick: MarkedStick, rules_file: Path) -> None:
    report = scan_target(rules_file, marked_stick.path)
    assert report.kind is TargetKind.DISK and report.rule_count == 4 and not report.warnings
    assert scanned(report) == reference(marked_stick.path, 0)
    rows = scanned(report)
    assert ("/_rased.doc", 9, True, "confidential", "$s", 300) in rows  # the deleted file, by TSK's name
    assert ("/work/wide.bin", 518, False, "exfil", "$w", 10) in rows
    assert ("/tiny.txt", 7, False, "tiny_file", "", -1) in rows  # a condition without strings
    big = next(f for f in report.matches if f.target.path == "/big.bin")
    assert big.target.partition is None and big.target.size == 20_000 and not big.target.deleted
    assert report.objects_scanned == 7  # the seven regular files, the label entry and $FAT1... excluded


def test_large_files_in_windows_give_the_same_hits(
    marked_stick: MarkedStick, rules_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "WHOLE_LIMIT", 1024)
    monkeypatch.setattr(matching, "WINDOW", 4096)
    monkeypatch.setattr(matching, "OVERLAP", 64)
    rows = scanned(scan_target(rules_file, marked_stick.path))
    big = {row for row in rows if row[0] == "/big.bin"}
    assert big == {
        ("/big.bin", 6, False, "border", "$b", 4090),
        ("/big.bin", 6, False, "confidential", "$s", 15000),
    }
    assert marked_stick.contents["/big.bin"][4090 : 4090 + len(BORDER)] == BORDER  # crosses byte 4096
    assert rows == reference(marked_stick.path, 0)


def test_partitioned_and_e01_images(tmp_path: Path) -> None:
    (tmp_path / "mbr").mkdir()
    mbr = disk_images.build_mbr_fat12(tmp_path / "mbr")
    rules = tmp_path / "hello.yar"
    rules.write_text('rule hello { strings: $h = "hello, trainee" condition: $h }')
    report = scan_target(rules, mbr.path)
    mmls = subprocess.run(["mmls", str(mbr.path)], capture_output=True, text=True, check=True).stdout
    row = next(line for line in mmls.splitlines() if "000:000" in line)
    partition = int(row.split(":", 1)[0])
    assert {(f.target.partition, f.target.path) for f in report.matches} == {
        (partition, "/hello.txt"),
        (partition, "/secret.txt"),
    }
    e01 = disk_images.build_e01(mbr.path, tmp_path / "evidence")
    from_e01 = scan_target(rules, e01)
    assert [(f.target, f.match) for f in from_e01.matches] == [(f.target, f.match) for f in report.matches]


def test_unreadable_deleted_file_is_a_warning_not_the_end(tmp_path: Path) -> None:
    reused = disk_images.build_reused_clusters(tmp_path)
    rules = tmp_path / "a.yar"
    rules.write_text(
        'rule seam { strings: $a = "11112222" condition: $a } rule t { strings: $t = "TTT" condition: $t }'
    )
    report = scan_target(rules, reused.path)
    unreadable = next(
        (i, p) for kind, i, p, deleted in fls(reused.path, 0) if deleted and p.endswith("aken.bin")
    )
    (warning,) = report.warnings
    assert f"/{unreadable[1]} (inode {unreadable[0]}) not scanned" in warning and "data ends" in warning
    (seam,) = [f for f in report.matches if f.match.rule == "seam"]  # deleted /around.bin, rebuilt whole
    assert (seam.target.deleted, [hit.offset for hit in seam.match.strings]) == (True, [1020])
    assert icat(reused.path, 0, seam.target.inode) == reused.around
    for found in report.matches:  # whatever else matched is what icat gives for that inode
        hits = [hit.offset for hit in found.match.strings]
        assert hits[0] == icat(reused.path, 0, found.target.inode).find(found.match.strings[0].data)


def test_truncated_image_is_refused(marked_stick: MarkedStick, tmp_path: Path, rules_file: Path) -> None:
    cut = tmp_path / "cut.dd"
    with marked_stick.path.open("rb") as source, cut.open("wb") as target:
        shutil.copyfileobj(source, target)
        target.truncate(marked_stick.path.stat().st_size // 2)
    with pytest.raises(ImageFormatError, match="shorter than its boot sector"):
        scan_target(rules_file, cut)

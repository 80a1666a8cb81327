from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from disk_images import CYRILLIC_DIR, CYRILLIC_FILE
from tsk_reference import icat

from labkit.errors import OutputExistsError, UsageError
from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.recovery import recover_files
from labkit.tools.disk.safe_names import NameRegistry, sanitise_component


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_recovers_everything_with_hashes_matching_icat(any_image, tmp_path: Path) -> None:
    out = tmp_path / "recovered"
    with open_evidence(any_image.path) as file_system:
        report = recover_files(file_system, out)
    written = {item.output_path: item for item in report.files}
    assert set(written) == {
        "hello.txt",
        "secret.txt",
        "short.txt",
        "_one.bin",
        f"{CYRILLIC_DIR}/{CYRILLIC_FILE}",
    }
    for item in report.files:
        data = (out / item.output_path).read_bytes()
        assert data == icat(any_image.path, any_image.offset_sectors, item.inode)
        assert item.sha256 == hashlib.sha256(data).hexdigest() and item.error is None
    assert written["_one.bin"].deleted
    assert not [p for p in out.rglob("*") if p.name.startswith(".labkit-partial")]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_deleted_only_and_selected_paths(superfloppy, tmp_path: Path) -> None:
    with open_evidence(superfloppy.path) as file_system:
        deleted = recover_files(file_system, tmp_path / "deleted", deleted_only=True)
        recover_files(file_system, tmp_path / "chosen", [f"/{CYRILLIC_DIR}", "/hello.txt"])
    assert [item.output_path for item in deleted.files] == ["_one.bin"]
    assert _tree(tmp_path / "chosen") == {CYRILLIC_DIR, f"{CYRILLIC_DIR}/{CYRILLIC_FILE}", "hello.txt"}


def test_hostile_names_cannot_leave_the_output_directory(hostile, tmp_path: Path) -> None:
    case = tmp_path / "case"
    case.mkdir()
    out = case / "out"
    before = {str(p) for p in tmp_path.rglob("*")}
    with open_evidence(hostile.path) as file_system:
        report = recover_files(file_system, out)
    after = {str(p) for p in tmp_path.rglob("*")}
    assert {p for p in after - before if not p.startswith(str(out) + os.sep)} == {str(out)}
    assert not (tmp_path / "evil").exists() and not Path("/etc/pwned").exists()
    names = {item.image_path: item.output_path for item in report.files}
    assert names["/../../evil"] == ".._.._evil"
    assert names["/sub//etc/pwned"] == "sub/_etc_pwned"
    assert names["/CON.TXT"] == "_CON.TXT"
    assert names["/sub/a\x01b\x1b[2Jcd\u202e"] == "sub/a_b_[2Jcd_"
    assert sorted([names["/dup:name.txt"], names["/dup?name.txt"]]) == ["dup_name (2).txt", "dup_name.txt"]
    assert all(item.renamed for item in report.files)
    assert len(_tree(out)) == len(report.files) + 1  # + the "sub" directory
    for item in report.files:
        assert (out / item.output_path).read_bytes() == b"payload\n"


def test_output_directory_rules(superfloppy, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with open_evidence(superfloppy.path) as file_system:
        with pytest.raises(OutputExistsError, match="not empty"):
            recover_files(file_system, busy)
        with pytest.raises(UsageError, match="symbolic link"):
            recover_files(file_system, link)
        with pytest.raises(UsageError, match="system directory"):
            recover_files(file_system, "/etc/labkit-recovered")
        with pytest.raises(UsageError, match="parent directory"):
            recover_files(file_system, tmp_path / "no" / "such")
        recover_files(file_system, empty)
    assert (busy / "keep.txt").read_text() == "x" and (empty / "hello.txt").exists()
    assert not Path("/etc/labkit-recovered").exists()


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("..", "__"),
        (".", "_"),
        ("", "_"),
        ("a/b\\c", "a_b_c"),
        ("nul\x00byte", "nul_byte"),
        ("aux.txt", "_aux.txt"),
        ("LPT1", "_LPT1"),
        ("trailing. . ", "trailing"),
        ("Отчёт.docx", "Отчёт.docx"),
    ],
)
def test_sanitise_component(raw: str, safe: str) -> None:
    assert sanitise_component(raw) == safe


def test_overlong_names_keep_their_extension_and_duplicates_are_numbered() -> None:
    long = sanitise_component("я" * 300 + ".pdf")
    assert long.endswith("~.pdf") and len(long.encode()) <= 200
    registry = NameRegistry()
    assert [registry.claim(n) for n in ("a.txt", "A.TXT", "a.txt")] == ["a.txt", "A (2).TXT", "a (3).txt"]


def test_unrecoverable_deleted_file_names_the_owner_of_its_first_cluster(reused, tmp_path: Path) -> None:
    with open_evidence(reused.path) as file_system:
        report = recover_files(file_system, tmp_path / "out", deleted_only=True)
    items = {item.image_path: item for item in report.files}
    taken = items["/other/_aken.bin"]
    assert taken.error and "data ends at offset 1024" in taken.error and taken.sha256 is None
    assert taken.first_cluster_owner == reused.taken_owner
    around = items["/_round.bin"]
    assert around.error is None and around.first_cluster_owner is None
    assert (
        (tmp_path / "out" / around.output_path).read_bytes()
        == reused.around
        == icat(reused.path, 0, around.inode)
    )

"""Finding the case, its memory images and their symbols from wherever the trainee stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.errors import UsageError
from labkit.tools.mem import find_case_folder, find_memory_evidence, memory_images


def test_case_is_found_from_a_subfolder(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case / "notes")
    assert find_case_folder(Path.cwd()) == case.resolve()
    assert [p.name for p in memory_images(case)] == ["db01.lime", "web01-memory.raw"]  # not the E01


def test_several_images_need_image_by_host_name_or_path(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case / "notes")
    with pytest.raises(
        UsageError, match=r"2 memory images \(db01.lime, web01-memory.raw\): choose one with --image"
    ):
        find_memory_evidence()
    web = find_memory_evidence(image="web01")
    assert (web.image.name, web.symbols, web.case) == (
        "web01-memory.raw",
        case.resolve() / "evidence" / "symbols",
        case.resolve(),
    )
    assert find_memory_evidence(image="db01.lime").image.name == "db01.lime"
    elsewhere = find_memory_evidence(image=str(case / "evidence" / "web01-memory.raw"))
    assert elsewhere.image.name == "web01-memory.raw" and elsewhere.symbols.name == "symbols"
    with pytest.raises(
        UsageError, match=r"--image mail01: no such memory image .*\(there: db01.lime, web01-memory.raw\)"
    ):
        find_memory_evidence(image="mail01")


def test_no_case_no_image_no_symbols(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(UsageError, match="no case folder here"):
        find_memory_evidence()
    with pytest.raises(UsageError, match="not a case folder"):
        find_memory_evidence(case=outside)
    (case / "evidence" / "db01.lime").unlink()
    (case / "evidence" / "symbols" / "linux").rmdir()
    (case / "evidence" / "symbols").rmdir()
    with pytest.raises(UsageError, match="no symbols/ folder next to it"):
        find_memory_evidence(case=case)

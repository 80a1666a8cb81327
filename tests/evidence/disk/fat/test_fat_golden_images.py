"""Speed work on the writer must not change a byte: four representative volumes are pinned by hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from fat_readers import fsck_clean, run
from golden_volumes import GOLDEN_VOLUMES, build_golden

# Produced by `.venv/bin/python tests/evidence/disk/fat/golden_volumes.py` with the writer as of
# commit dfa424b, before the directory-entry speed-up (struct-packed entries, one build per entry).
# First hash: the whole image file; second: repr of finalize() and entries() (every reported fact).
# If a change is MEANT to alter the output, re-run that command and explain why in the commit.
GOLDEN_HASHES = {
    "fat12-next-fit": (
        "ed394d744960c49f61ecee16be487290a956f4ff584769c963dbba2dd51f73df",
        "326a4eaf33879169ef683d96af027d7d7f54bc8c896ea737cc7e1c0184f15c98",
    ),
    "fat16-first-fit-cp866": (
        "48ff05e73b12081a04141513b6975f7b5bbaa568ec2c6de89d9460dcc2641a51",
        "5acd7539b47d284e3d9de3310bed273add83b120f4bd236250acb98942e639b1",
    ),
    "fat32-next-fit": (
        "ca3f4ba2147a707cf7cdc71660b60cb74a9dddbbde9b0bea2356c782328d6b1c",
        "9fd54da3397661834f9012196f97cdddc49ab565953b05ad5b6f5dc41e551a42",
    ),
    "fat32-first-fit": (
        "54e07fefcd5e581342d35686e010f7b88688c9752e4287f30088f56eff21b32f",
        "c2634ee7b9a3e43fd35d03436060b4c01ddffc7e700a6fc6b94a7a471ac64284",
    ),
}


@pytest.mark.parametrize("kind", sorted(GOLDEN_VOLUMES))
def test_golden_volume_is_byte_identical(kind: str, tmp_path: Path) -> None:
    image = tmp_path / f"{kind}.img"
    assert build_golden(kind, image) == GOLDEN_HASHES[kind]


@pytest.mark.parametrize("kind", sorted(GOLDEN_VOLUMES))
def test_golden_volume_is_clean_and_exercises_what_it_pins(kind: str, tmp_path: Path) -> None:
    image = tmp_path / f"{kind}.img"
    build_golden(kind, image)
    offset = ["-o", "2048"] if kind.startswith("fat16") else []
    if not offset:  # fsck.fat reads a volume at offset 0 only
        fsck_clean(image)
    listing = run("fls", *offset, "-r", "-p", image)
    assert "Report 2024 final version 7.txt" in listing  # past ~4: the hashed short-name tail
    assert "\tDocs/Отчёт за май.docx\n" in listing and "\tß and ǅ.txt\n" in listing
    deleted = [line for line in listing.splitlines() if "*" in line.split("\t")[0]]
    assert any("Renamed Mixed.txt" not in line and "Mixed.Txt" in line for line in deleted)
    assert any(line.endswith("\tTemp/Архив перенесён") for line in deleted)  # renamed, then deleted
    assert any(line.endswith("\tTemp/временный файл 005.tmp") for line in deleted)

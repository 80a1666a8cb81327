"""Session-wide test images, built once with dosfstools/mtools/sgdisk/ewfacquire."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import disk_images
import tsk_reference  # noqa: F401


@pytest.fixture(scope="session")
def superfloppy(tmp_path_factory: pytest.TempPathFactory) -> disk_images.FatFixture:
    return disk_images.build_superfloppy(tmp_path_factory.mktemp("superfloppy"))


@pytest.fixture(scope="session")
def mbr_fat12(tmp_path_factory: pytest.TempPathFactory) -> disk_images.FatFixture:
    return disk_images.build_mbr_fat12(tmp_path_factory.mktemp("mbr"))


@pytest.fixture(scope="session")
def gpt_fat32(tmp_path_factory: pytest.TempPathFactory) -> disk_images.FatFixture:
    return disk_images.build_gpt_fat32(tmp_path_factory.mktemp("gpt"))


@pytest.fixture(scope="session", params=["superfloppy", "mbr_fat12", "gpt_fat32"])
def any_image(request: pytest.FixtureRequest) -> disk_images.FatFixture:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def e01(superfloppy: disk_images.FatFixture, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return disk_images.build_e01(superfloppy.path, tmp_path_factory.mktemp("e01") / "evidence")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> disk_images.FatFixture:
    return disk_images.build_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def reused(tmp_path_factory: pytest.TempPathFactory) -> disk_images.ReusedClusters:
    return disk_images.build_reused_clusters(tmp_path_factory.mktemp("reused"))


@pytest.fixture()
def copy_of(tmp_path: Path):
    def make(source: Path, name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(source, target)
        return target

    return make

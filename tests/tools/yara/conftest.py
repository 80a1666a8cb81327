"""Evidence for the yara scan tests, built with independent tools (mkfs.fat/mtools, scapy, struct)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).parents[1]
sys.path[:0] = [str(Path(__file__).parent), str(_TESTS / "disk"), str(_TESTS / "net"), str(_TESTS / "mem")]

import lab_capture  # noqa: E402
import yara_evidence  # noqa: E402


@pytest.fixture(scope="session")
def marked_stick(tmp_path_factory: pytest.TempPathFactory) -> yara_evidence.MarkedStick:
    return yara_evidence.build_marked_stick(tmp_path_factory.mktemp("yara-stick"))


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> lab_capture.Lab:
    return lab_capture.build_lab(tmp_path_factory.mktemp("yara-lab") / "lab.pcapng", pcapng=True)


@pytest.fixture(scope="session")
def rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "markers.yar"
    path.write_text(yara_evidence.MARKER_RULES)
    return path

"""Session-wide test captures, built once with scapy (and struct for the odd formats)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import lab_capture


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> lab_capture.Lab:
    """The protocol-rich capture as classic pcap (wrpcap)."""
    return lab_capture.build_lab(tmp_path_factory.mktemp("lab") / "lab.pcap")


@pytest.fixture(scope="session")
def lab_ng(tmp_path_factory: pytest.TempPathFactory) -> lab_capture.Lab:
    """The same traffic as pcapng (scapy's PcapNgWriter)."""
    return lab_capture.build_lab(tmp_path_factory.mktemp("lab-ng") / "lab.pcapng", pcapng=True)


@pytest.fixture(params=["pcap", "pcapng"])
def any_lab(request: pytest.FixtureRequest) -> lab_capture.Lab:
    return request.getfixturevalue("lab" if request.param == "pcap" else "lab_ng")

"""Shared endpoints and readers for the wire tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib does not put test folders on sys.path: the shared readers live here.
sys.path.insert(0, str(Path(__file__).parent))

from labkit.evidence.network.wire import Endpoint


@pytest.fixture
def windows_client() -> Endpoint:
    return Endpoint("ws-017", "02:1a:4b:00:00:17", "192.168.10.17", ttl=128, ip_id="counter")


@pytest.fixture
def linux_server() -> Endpoint:
    # A remote server: its frames carry the gateway's MAC at the client-side capture point.
    return Endpoint(
        "files.example.net",
        "02:1a:4b:00:00:01",
        "203.0.113.80",
        ttl=52,
        timestamps=True,
        ip_id="zero",
        window_scale=7,
    )


@pytest.fixture
def linux_client() -> Endpoint:
    return Endpoint(
        "lx-04", "02:1a:4b:00:00:04", "192.168.10.4", ttl=64, timestamps=True, ip_id="zero", window_scale=7
    )

"""Shared readers for the protocol tests: scapy builds the packets around our payloads, tshark reads them."""

from __future__ import annotations

import sys
from pathlib import Path

# --import-mode=importlib does not put test folders on sys.path: the shared helpers live here.
sys.path.insert(0, str(Path(__file__).parent))

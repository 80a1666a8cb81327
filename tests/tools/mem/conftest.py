"""A case folder shaped like the ones labkit hands out, with stand-in memory images."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture()
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """case/evidence/{web01-memory.raw, db01.lime, symbols/linux/}, case/notes/; cache in tmp."""
    folder = tmp_path / "case"
    (folder / "evidence" / "symbols" / "linux").mkdir(parents=True)
    (folder / "notes").mkdir()
    (folder / "evidence" / "web01-memory.raw").write_bytes(random.Random(1).randbytes(65536))
    (folder / "evidence" / "db01.lime").write_bytes(random.Random(2).randbytes(4096))
    (folder / "evidence" / "stick.E01").write_bytes(b"EVF\x09\x0d\x0a\xff\x00")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return folder

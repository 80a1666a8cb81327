"""Same parameters + same random stream = same bytes, whatever the machine's clock, zone or hash seed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

import pytest

from labkit.evidence.documents import generate_document

from .helpers import make_context

# One rich document of every kind; the zip nests the others so it covers them twice.
CASES: dict[str, dict] = {
    "txt": {"topic": "letter", "paragraphs": 4},
    "csv": {"topic": "payments", "row_count": 30, "include_rows": [{"amount": 4999000}]},
    "docx": {"topic": "invoice", "paragraphs": 4, "modified": "2024-03-12T12:00:00"},
    "xlsx": {"topic": "payments", "row_count": 30, "include_rows": [{"payee": "ТОО «Фантом»"}]},
    "pdf": {"topic": "meeting_notes", "paragraphs": 3},
    "jpg": {"width": 160, "height": 120, "gps": {"lat": 51.1282, "lon": 71.4307}},
    "zip": {
        "members": [
            {"name": "a/letter.docx", "kind": "docx", "params": {"topic": "letter"}},
            {"name": "a/sheet.xlsx", "kind": "xlsx", "params": {"topic": "inventory", "row_count": 5}},
            {"name": "b.pdf", "kind": "pdf", "params": {"topic": "invoice"}},
        ],
        "comment": "backup",
    },
}

_SCRIPT = """
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
from tests.evidence.documents.helpers import make_context
from tests.evidence.documents.test_determinism import CASES
from labkit.evidence.documents import generate_document
print(json.dumps({kind: hashlib.sha256(generate_document(kind, params, make_context(seed=7, lang="ru")).data)
                  .hexdigest() for kind, params in CASES.items()}))
"""


def digests(seed: int, lang: str = "ru") -> dict[str, str]:
    return {
        kind: hashlib.sha256(
            generate_document(kind, params, make_context(seed=seed, lang=lang)).data
        ).hexdigest()
        for kind, params in CASES.items()
    }


def test_same_seed_same_bytes_and_other_seed_other_bytes() -> None:
    first, again, other = digests(7), digests(7), digests(8)
    assert first == again
    assert all(first[kind] != other[kind] for kind in CASES)


def test_bytes_do_not_depend_on_time_zone_hash_seed_or_wall_clock() -> None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    expected = digests(7)
    time.sleep(1.1)  # a later wall-clock second must not show up in any timestamp
    for zone, hash_seed in (("America/Los_Angeles", "1"), ("Asia/Almaty", "4242")):
        environment = {**os.environ, "TZ": zone, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", _SCRIPT, root], env=environment, check=True, capture_output=True, text=True
        )
        assert json.loads(result.stdout) == expected, zone


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_every_language_is_deterministic(lang: str) -> None:
    assert digests(11, lang) == digests(11, lang)

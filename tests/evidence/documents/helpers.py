"""Helpers shared by the document generator tests."""

from __future__ import annotations

import random
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from labkit.evidence.documents import DocumentContext

CREATED = datetime(2024, 3, 12, 10, 15, 30)
# Every Kazakh-specific letter (ә ғ қ ң ө ұ ү һ і) in lower case, then all of them in upper case.
# Every Kazakh-specific letter (ә ғ қ ң ө ұ ү һ і) in lower case, then all of them in upper case.
KAZAKH_LETTERS = "Ғалым өз үйіне жиһаз бен қағаз әкелді, теңгемен ұстады. ӘҒҚҢӨҰҮҺІ"


def make_context(seed: int = 7, lang: str = "kk", **changes: object) -> DocumentContext:
    values: dict[str, object] = {
        "rng": random.Random(seed),
        "lang": lang,
        "author": "Асқар Жұмабаев",
        "created": CREATED,
        "utc_offset": timedelta(hours=5),
    }
    values.update(changes)
    return DocumentContext(**values)  # type: ignore[arg-type]


def file_type(path: Path) -> str:
    """What libmagic's `file` says, independently of our own descriptors."""
    return subprocess.run(
        ["file", "--brief", str(path)], check=True, capture_output=True, text=True
    ).stdout.strip()

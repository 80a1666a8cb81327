"""plaso (log2timeline + psort, unmodified) builds a timeline from a generated image.

Times are deliberately not compared: libfsfat-python 20260826 (plaso's FAT back-end) reports FAT dates
one month late (see shared KNOWN-TOOL-ISSUES.md); TSK, pytsk3 and our facts agree with each other.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import labkit

DATA = Path(__file__).resolve().parents[1] / "data"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else shutil.which(name) or name


def test_plaso_timeline_lists_planted_files_with_their_hashes(tmp_path: Path) -> None:
    out = tmp_path / "lab"
    labkit.generate(labkit.load_scenario(DATA / "all-actions.yaml"), 5, out, verify=False)
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))["facts"]
    storage, timeline = tmp_path / "t.plaso", tmp_path / "t.csv"
    subprocess.run(
        [
            _tool("log2timeline"),
            "--status_view",
            "none",
            "--partitions",
            "all",
            "--storage-file",
            str(storage),
            str(out / "case" / "evidence" / "card.dd"),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,  # plaso writes its logs into the working folder
    )
    subprocess.run(
        [_tool("psort"), "--status_view", "none", "-o", "l2tcsv", "-w", str(timeline), str(storage)],
        check=True,
        capture_output=True,
        cwd=tmp_path,  # plaso writes its logs into the working folder
    )
    with timeline.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    hashes: dict[str, set[str]] = {}
    for row in rows:
        for part in row["extra"].split("; "):
            if part.startswith("sha256_hash: "):
                hashes.setdefault(row["short"], set()).add(part.removeprefix("sha256_hash: "))
    notes = facts["notes_v2"]
    windows_path = notes["path"].replace("/", "\\")
    assert hashes.get(windows_path) == {notes["sha256"]}
    assert hashes.get("\\new.bin") == {facts["overwriter"]["sha256"]}

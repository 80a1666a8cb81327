"""Same scenario + seed: byte-identical lab; another seed: other answers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import labkit
from labkit.scenario.catalog import scenarios_dir

SCENARIO = scenarios_dir() / "usb-fraud.yaml"


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_is_byte_identical_across_processes_and_clocks(tmp_path: Path) -> None:
    scenario = labkit.load_scenario(SCENARIO)
    labkit.generate(scenario, 7, tmp_path / "a", verify=False)
    # A second run in another process, another time zone and hash seed, must give the same bytes.
    env = {**os.environ, "TZ": "America/Los_Angeles", "PYTHONHASHSEED": "12345"}
    code = (
        "import labkit; "
        f"labkit.generate(labkit.load_scenario({str(SCENARIO)!r}), 7, {str(tmp_path / 'b')!r}, verify=False)"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first == second
    assert "case/evidence/usb.E01" in first and "key.json" in first


def test_different_seeds_give_different_answers(tmp_path: Path) -> None:
    scenario = labkit.load_scenario(SCENARIO)
    keys = []
    for seed in (1, 2):
        result = labkit.generate(scenario, seed, tmp_path / str(seed), verify=False)
        keys.append({q["id"]: q["answer"] for q in json.loads(result.key_path.read_text())["questions"]})
    differing = [qid for qid in keys[0] if keys[0][qid] != keys[1][qid]]
    # Hashes, serials, paths, times and hidden text all depend on the seed (the true type may not).
    assert len(differing) >= len(keys[0]) - 1, differing

"""Generating an N GiB image must not hold N GiB in memory (measured, not timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCENARIO = """\
labkit: 1
id: big-disk
title: Big disk
level: basic
estimated_minutes: 5
briefing: A large, mostly empty disk.
variables:
  t0: {type: datetime, between: ["2026-01-01 09:00", "2026-01-02 09:00"]}
hosts:
  - id: pc
    disks:
      - id: big
        size: 2 GiB
        format: e01
        filesystem: {type: fat32}
timeline:
  - action: file.create
    id: blob
    at: t0
    path: /blob.bin
    content: {random_bytes: 8388608}
questions:
  - {id: q1, type: hash, answer: blob.sha256, prompt: hash}
"""

CHILD = """
import sys, labkit
labkit.generate(labkit.load_scenario(sys.argv[1]), 1, sys.argv[2], verify=False)
"""

# Linux keeps a process's peak RSS across exec, so a child forked straight from a large pytest worker
# would report the worker's size. A small wrapper starts the real child and reports its peak alone.
WRAPPER = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_two_gib_e01_is_generated_in_bounded_memory(tmp_path: Path) -> None:
    scenario = tmp_path / "big.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "lab"
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, sys.executable, "-c", CHILD, str(scenario), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mib = int(result.stdout.strip().splitlines()[-1]) / 1024
    image = out / "case" / "evidence" / "big.E01"
    assert image.is_file()
    # 2 GiB of media, a few MiB of E01, and well under 10% of the media size in memory.
    assert peak_mib < 200, f"peak RSS {peak_mib:.0f} MiB"

"""Acceptance for every bundled scenario and seeds 1..20.

For each variant: generation succeeds (its own verify step included); Debian's
sleuthkit (`fls -r -d`, `icat`) agrees with every disk answer of the key;
`fsck.fat -n` is clean; grading the key itself scores 100%; a sheet with one
answer changed loses exactly that question's points.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

import labkit
from labkit.grading import grade_files
from labkit.scenario.catalog import bundled_scenarios
from labkit.verify import verify_report

SEEDS = range(1, 21)
#: Scenarios with a memory image have their own acceptance (tests/acceptance/test_memory_scenarios.py).
WITHOUT_MEMORY = [
    p for p in bundled_scenarios() if not any(h.memory for h in labkit.load_scenario(p).spec.hosts)
]
CASES = [(path, seed) for path in WITHOUT_MEMORY for seed in SEEDS]


def _sheet(answers: dict[str, object]) -> str:
    return "".join(f"{qid}: {json.dumps(str(value), ensure_ascii=False)}\n" for qid, value in answers.items())


def _wrong(value: object, qtype: str, choices: list[str]) -> str:
    if qtype == "choice":
        return next(c for c in choices if c != value)
    if qtype == "hash":
        return "0" * len(str(value))
    if qtype == "datetime":
        return "1999-01-01 00:00:00"
    return f"{value}-wrong"


@pytest.mark.parametrize(("scenario_path", "seed"), CASES, ids=[f"{p.stem}-seed{s}" for p, s in CASES])
def test_variant(scenario_path: Path, seed: int, tmp_path: Path) -> None:
    scenario = labkit.load_scenario(scenario_path)
    out = tmp_path / "lab"
    result = labkit.generate(scenario, seed, out)  # runs verify: raises on any disagreement
    key = json.loads(result.key_path.read_text(encoding="utf-8"))
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))["facts"]

    # Every disk (and network) answer read back independently, and the volume is clean.
    report = verify_report(out)
    verified = [q for q in key["questions"] if q["medium"] in ("disk", "network", "several") and q["source"]]
    assert len(report.checks) == len(verified)
    assert all(check.agrees for check in report.checks), [c for c in report.checks if not c.agrees]
    assert report.volume_checks and all(ok for _, ok, _ in report.volume_checks)

    # fls -r -d lists exactly the deleted planted files, icat returns their recorded bytes.
    for disk_id, disk in facts.items():
        if "image_sha256" not in disk:
            continue
        image = out / "case" / "evidence" / disk["file_name"]
        offset = str(disk["partition_offset_sectors"])
        deleted = subprocess.run(
            ["fls", "-r", "-d", "-p", "-o", offset, str(image)], capture_output=True, text=True, check=True
        ).stdout
        for owner, record in facts.items():
            if record.get("disk") != disk_id or "inode" not in record or record.get("is_directory"):
                continue
            listed = f"* {record['inode']}:\t{record['path'].lstrip('/')}" in deleted
            assert listed == record["deleted"], (owner, record["path"])
            content = subprocess.run(
                ["icat", "-o", offset, str(image), str(record["inode"])], capture_output=True, check=True
            ).stdout
            if not record["deleted"] or record["recoverable"]:
                assert hashlib.sha256(content).hexdigest() == record["sha256"], owner

    # The key graded against itself scores 100%; one changed answer loses exactly its points.
    answers = {q["id"]: q["answer"] for q in key["questions"]}
    sheet = tmp_path / "answers.yaml"
    sheet.write_text(_sheet(answers), encoding="utf-8")
    graded = grade_files(result.key_path, sheet)
    assert graded.total == graded.max_points == sum(q["points"] for q in key["questions"])
    for question in key["questions"]:
        changed = dict(answers)
        changed[question["id"]] = _wrong(
            question["answer"], question["type"], question["options"].get("choices", [])
        )
        sheet.write_text(_sheet(changed), encoding="utf-8")
        regraded = grade_files(result.key_path, sheet)
        assert regraded.total == graded.max_points - question["points"], question["id"]

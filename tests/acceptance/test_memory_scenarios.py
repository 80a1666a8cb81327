"""Acceptance for every bundled scenario with a memory image, seeds 1..20, read back with vol and tshark.

One generation per seed, every assertion on it: the unmodified volatility3 CLI runs linux.pslist, pstree,
psaux, psscan, bash, lsof, sockstat, malware.malfind, proc.Maps, envars, lsmod (and kmsg,
hidden_modules, boottime, banners) on the image without error; every memory answer of the key is what
those plugins print and every network answer what tshark prints (`labkit verify`); the capture has no
expert error; the key graded against itself scores 100% and one changed answer loses exactly its points;
and the same seed generated in another process, in another time zone, gives byte-identical files (image
and symbol table included).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import labkit
from labkit.grading import grade_files
from labkit.scenario.catalog import bundled_scenarios
from labkit.verify import verify_report
from labkit.verify.volatility_cli import PLUGINS

SEEDS = range(1, 21)
#: The byte-identical check generates the variant a second time; a few seeds show it.
REPRODUCED_SEEDS = (1, 7, 20)
MEMORY_SCENARIOS = [
    path for path in bundled_scenarios() if any(h.memory for h in labkit.load_scenario(path).spec.hosts)
]
CASES = [(path, seed) for path in MEMORY_SCENARIOS for seed in SEEDS]
OTHER_ZONE = "Pacific/Chatham" if os.environ.get("TZ") != "Pacific/Chatham" else "America/St_Johns"
ACCEPTANCE_PLUGINS = {
    "linux.pslist.PsList",
    "linux.pstree.PsTree",
    "linux.psaux.PsAux",
    "linux.psscan.PsScan",
    "linux.bash.Bash",
    "linux.lsof.Lsof",
    "linux.sockstat.Sockstat",
    "linux.malware.malfind.Malfind",
    "linux.proc.Maps",
    "linux.envars.Envars",
    "linux.lsmod.Lsmod",
}


def _sheet(answers: dict[str, object]) -> str:
    return "".join(f"{qid}: {json.dumps(str(value), ensure_ascii=False)}\n" for qid, value in answers.items())


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_bundled_memory_scenario_exists() -> None:
    assert [p.stem for p in MEMORY_SCENARIOS] == ["compromised-server"]
    assert ACCEPTANCE_PLUGINS <= set(PLUGINS)


@pytest.mark.parametrize(("scenario_path", "seed"), CASES, ids=[f"{p.stem}-seed{s}" for p, s in CASES])
def test_memory_variant(scenario_path: Path, seed: int, tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    result = labkit.generate(labkit.load_scenario(scenario_path), seed, lab, verify=False)
    key = json.loads(result.key_path.read_text(encoding="utf-8"))
    facts = json.loads((lab / "facts.json").read_text(encoding="utf-8"))["facts"]

    report = verify_report(lab)  # every plugin once; every answer read back with vol or tshark
    integrity = {what: (ok, detail) for what, ok, detail in report.integrity_checks}
    images = [owner for owner, record in facts.items() if "kernel_release" in record]
    assert images
    for image_id in images:
        ok, detail = integrity[f"{image_id} memory image"]
        assert ok, detail
    assert all(ok for ok, _ in integrity.values()), integrity
    memory_questions = [q for q in key["questions"] if "memory" in q["media"]]
    assert len(memory_questions) >= 10
    assert len(report.checks) == len(key["questions"])
    assert all(check.agrees for check in report.checks), [c for c in report.checks if not c.agrees]

    for record in facts.values():
        if {"packets", "format", "file_name"} <= record.keys():
            capture = lab / "case" / "evidence" / record["file_name"]
            expert = subprocess.run(
                ["tshark", "-r", str(capture), "-o", "tcp.check_checksum:TRUE", "-q", "-z", "expert"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert not re.search(r"^Errors \(\d+\)", expert, re.MULTILINE), expert
            assert "malformed" not in expert.lower()

    answers = {q["id"]: q["answer"] for q in key["questions"]}
    sheet = tmp_path / "answers.yaml"
    sheet.write_text(_sheet(answers), encoding="utf-8")
    graded = grade_files(result.key_path, sheet)
    assert graded.total == graded.max_points
    changed = next(q for q in key["questions"] if "memory" in q["media"] and q["type"] == "integer")
    sheet.write_text(_sheet({**answers, changed["id"]: int(changed["answer"]) + 1}), encoding="utf-8")
    assert grade_files(result.key_path, sheet).total == graded.max_points - changed["points"]

    if seed in REPRODUCED_SEEDS:
        again = tmp_path / "again"
        env = {**os.environ, "TZ": OTHER_ZONE, "PYTHONHASHSEED": "4242"}
        code = (
            f"import labkit; labkit.generate(labkit.load_scenario({str(scenario_path)!r}), {seed}, "
            f"{str(again)!r}, verify=False)"
        )
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        assert _tree(lab) == _tree(again)

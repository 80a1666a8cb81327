"""docs/walkthrough-compromised-server.md shows real output of seed 1: its answers must still be seed 1's."""

from __future__ import annotations

import json
from pathlib import Path

import labkit
from labkit.scenario.catalog import scenarios_dir

DOC = Path(__file__).resolve().parents[1] / "docs" / "walkthrough-compromised-server.md"


def test_walkthrough_answers_are_those_of_seed_1(tmp_path: Path) -> None:
    result = labkit.generate(
        labkit.load_scenario(scenarios_dir() / "compromised-server.yaml"), 1, tmp_path / "lab", verify=False
    )
    text = DOC.read_text(encoding="utf-8")
    questions = json.loads(result.key_path.read_text(encoding="utf-8"))["questions"]
    assert len(questions) == 19
    for question in questions:
        answer = str(question["answer"])
        if question["type"] == "datetime":
            answer = answer[:19]  # shown to the second
        assert answer in text, (
            f"{question['id']}: {answer!r} is not in the walkthrough; re-run it on seed 1 and update it"
        )
    # The commands it shows name this variant's evidence files.
    evidence = sorted(path.name for path in (result.case_dir / "evidence").iterdir() if path.is_file())
    assert evidence == ["dmz_span.pcapng", "web-memory.lime"]
    assert all(f"evidence/{name}" in text for name in evidence)
    (table,) = (result.case_dir / "evidence" / "symbols" / "linux").iterdir()
    assert f"evidence/symbols/linux/{table.name}: OK" in text

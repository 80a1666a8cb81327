"""docs/walkthrough-insider-theft.md shows real output of seed 1: its answers must still be seed 1's."""

from __future__ import annotations

import json
from pathlib import Path

import labkit
from labkit.scenario.catalog import scenarios_dir

DOC = Path(__file__).resolve().parents[1] / "docs" / "walkthrough-insider-theft.md"


def test_walkthrough_answers_are_those_of_seed_1(tmp_path: Path) -> None:
    result = labkit.generate(
        labkit.load_scenario(scenarios_dir() / "insider-theft.yaml"), 1, tmp_path / "lab", verify=False
    )
    text = DOC.read_text(encoding="utf-8")
    questions = json.loads(result.key_path.read_text(encoding="utf-8"))["questions"]
    assert [question["id"] for question in questions] == [f"q{n}" for n in range(1, 21)]
    for question in questions:
        answer = str(question["answer"])
        if question["type"] == "datetime":
            answer = answer[:19]  # shown to the second
        assert answer in text, (
            f"{question['id']}: {answer!r} is not in the walkthrough; re-run it on seed 1 and update it"
        )

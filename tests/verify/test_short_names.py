"""A question on a cp866 short name is verified against TSK's '^' rendering."""

from __future__ import annotations

from pathlib import Path

import labkit
from labkit.verify import verify_report

DATA = Path(__file__).resolve().parents[1] / "data"


def test_cp866_short_name_verifies(tmp_path: Path) -> None:
    text = (DATA / "all-actions.yaml").read_text(encoding="utf-8")
    text = text.replace(
        'filesystem: {type: fat16, label: "SDCARD", allocation: first-fit}',
        'filesystem: {type: fat16, label: "SDCARD", allocation: first-fit, codepage: cp866}',
    )
    scenario_path = tmp_path / "cp866.yaml"
    scenario_path.write_text(text, encoding="utf-8")
    out = tmp_path / "lab"
    result = labkit.generate(labkit.load_scenario(scenario_path), "cp866-short", out)
    key = labkit.key.AnswerKey.load(result.key_path)
    assert key.question("q_notes_short").answer == "ЗАМЕТК~1.TXT"
    check = next(c for c in verify_report(out).checks if c.question == "q_notes_short")
    assert check.agrees and "^" in check.tool

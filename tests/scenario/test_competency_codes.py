"""Questions may only name competencies of the framework in graders/."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.competencies import load_framework
from labkit.errors import ScenarioError
from labkit.scenario.catalog import scenarios_dir
from labkit.scenario.loader import load_scenario


def test_bundled_codes_exist_in_the_framework() -> None:
    framework = load_framework()
    scenario = load_scenario(scenarios_dir() / "usb-fraud.yaml")
    used = set(scenario.spec.competencies) | {c for q in scenario.spec.questions for c in q.competencies}
    assert used <= set(framework)
    assert all({"en", "ru", "kk"} <= set(framework[code].title) for code in used)


def test_unknown_code_is_located_with_a_suggestion(tmp_path: Path) -> None:
    text = (scenarios_dir() / "usb-fraud.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("competencies: [DF-FS-SLACK]", "competencies: [DF-FS-SLAK]", 1), encoding="utf-8"
    )
    line = bad.read_text(encoding="utf-8").splitlines().index("    competencies: [DF-FS-SLAK]") + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    assert caught.value.line == line
    assert "did you mean 'DF-FS-SLACK'" in str(caught.value)

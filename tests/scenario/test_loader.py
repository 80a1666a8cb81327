"""The bundled scenario validates; loading keeps what the YAML means, not what YAML guesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labkit.errors import ScenarioError
from labkit.scenario.catalog import bundled_scenarios
from labkit.scenario.loader import load_scenario
from labkit.scenario.yaml_source import load_yaml

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "scenarios" / "usb-fraud.yaml"


@pytest.mark.parametrize("path", bundled_scenarios(), ids=lambda p: p.stem)
def test_every_bundled_scenario_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.id == path.stem
    assert scenario.actions and scenario.spec.questions


def test_bundled_usb_fraud_contents() -> None:
    scenario = load_scenario(BUNDLED)
    assert [d.id for _, d in scenario.disks()] == ["usb"]
    assert len(scenario.actions) == 13
    assert [q.id for q in scenario.spec.questions] == [f"q{i}" for i in range(1, 11)]


def test_validate_command_accepts_the_bundled_scenario() -> None:
    labkit = Path(sys.executable).with_name("labkit")
    run = subprocess.run(
        [str(labkit), "scenario", "validate", str(BUNDLED)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "ok (usb-fraud, 13 actions, 10 questions)" in run.stdout


def test_unquoted_timestamps_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "times.yaml"
    path.write_text("at: 2026-03-14 10:03:12\nday: 2026-03-14\n", encoding="utf-8")
    assert dict(load_yaml(path).data) == {"at": "2026-03-14 10:03:12", "day": "2026-03-14"}


def test_an_unquoted_iso_time_works_in_a_scenario(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8").replace('at: "incident - 12d"', "at: 2026-01-20 10:00:00")
    path = tmp_path / "unquoted.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).actions[0].at == "2026-01-20 10:00:00"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"more than \d+ values"):
        load_yaml(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="folder"):
        load_scenario(tmp_path)


def test_variable_used_before_it_is_declared(tmp_path: Path) -> None:
    original = BUNDLED.read_text(encoding="utf-8")
    incident = next(line + "\n" for line in original.splitlines() if line.startswith("  incident:"))
    # 'window_end' takes incident's place and uses 'incident', which now comes after it.
    window_end = incident.replace("incident:", "window_end:").replace('"2026-02-20 18:00"', '"incident + 1d"')
    text = original.replace(incident, window_end, 1).replace("  case_number:", incident + "  case_number:", 1)
    path = tmp_path / "order.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"declared after 'window_end'.*move 'incident' above") as caught:
        load_scenario(path)
    assert caught.value.line == text[: text.index("window_end:")].count("\n") + 1


def test_unclosed_quote_points_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "quote.yaml"
    path.write_text('labkit: 1\nid: "usb-fraud\ntitle: x\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="quoted scalar") as caught:
        load_yaml(path)
    assert (caught.value.line, caught.value.column) == (2, 5)


def test_reused_anchor_prints_no_warning(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text("a: &x 1\nb: &x 2\nc: *x\n", encoding="utf-8")
    assert dict(load_yaml(path).data) == {"a": 1, "b": 2, "c": 2}
    assert not recwarn.list

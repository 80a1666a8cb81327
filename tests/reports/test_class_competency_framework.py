"""The competency framework in graders/: complete, translated, stable ids, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.competencies import (
    FRAMEWORK_PATH,
    competency_title,
    load_areas,
    load_framework,
    load_full_framework,
)
from labkit.errors import LocatedError
from labkit.scenario.catalog import scenarios_dir
from labkit.scenario.loader import load_scenario

#: Ids scenarios, policies and gradebooks already use: they must never disappear.
ORIGINAL_IDS = {
    "DF-ACQ-INTEGRITY", "DF-FS-METADATA", "DF-FS-DELETED", "DF-FS-SIGNATURE", "DF-FS-SLACK",
    "DF-FS-TIMESTAMPS", "NF-TRAFFIC-OVERVIEW", "NF-DNS", "NF-CLEARTEXT-CREDS", "NF-OBJECT-EXTRACTION",
    "NF-EXFILTRATION", "NF-CORRELATION", "NF-ATTACK-PATTERNS", "MF-SETUP", "MF-PROCESSES",
    "MF-SHELL-HISTORY", "MF-NETWORK", "MF-INJECTION", "MF-ROOTKIT", "MF-CORRELATION",
}  # fmt: skip


def test_framework_has_the_areas_an_academy_teaches() -> None:
    areas = {area.id: area for area in load_areas()}
    for needed in ("DF-ACQ", "DF-FS", "DF-OS", "DF-TL", "MF", "DF-MAL", "NF", "DF-REP"):
        assert needed in areas, needed
        assert {c.level for c in areas[needed].competencies} == {"basic", "advanced"}, needed
    framework = load_framework()
    assert ORIGINAL_IDS <= set(framework)
    assert len(framework) >= 50
    assert [level.id for level in load_full_framework().levels] == ["basic", "advanced"]


def test_every_title_is_translated_and_every_id_belongs_to_its_area() -> None:
    for area in load_areas():
        assert all(area.title[lang].strip() for lang in ("en", "ru", "kk"))
        for item in area.competencies:
            assert item.id.startswith(area.id + "-")
            assert item.area == area.id
            assert all(item.title[lang].strip() for lang in ("en", "ru", "kk")), item.id
    assert competency_title("DF-FS-SLACK", "ru").startswith("Поиск данных")
    assert competency_title("XX-UNKNOWN", "ru") == "XX-UNKNOWN"


def test_header_says_modelled_on_not_official() -> None:
    head = FRAMEWORK_PATH.read_text(encoding="utf-8").split("format:", 1)[0]
    assert "modelled on" in head.lower().replace("\n# ", " ")
    assert "not the official text" in head


@pytest.mark.parametrize("name", ["usb-fraud.yaml", "insider-theft.yaml", "compromised-server.yaml"])
def test_every_bundled_scenario_loads_against_the_framework(name: str) -> None:
    scenario = load_scenario(scenarios_dir() / name)
    used = set(scenario.spec.competencies) | {c for q in scenario.spec.questions for c in q.competencies}
    assert used and used <= set(load_framework())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "competencies.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_AREA = """
  - id: AA
    title: {en: "A", ru: "А", kk: "А"}
    competencies:
      - id: AA-ONE
        level: basic
        title: {en: "One", ru: "Один", kk: "Бір"}
"""


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("format: 1\nareas:" + GOOD_AREA + GOOD_AREA, "areas.1.competencies.0.id", "duplicate id 'AA-ONE'"),
        ("format: 1\nareas:" + GOOD_AREA.replace("level: basic", "level: expert"),
         "areas.0.competencies.0.level", "unknown level 'expert'"),
        ("format: 1\nareas:" + GOOD_AREA.replace('kk: "Бір"', 'kk: ""'),
         "areas.0.competencies.0.title", "needs a text in kk"),
        ("format: 1\nareas:" + GOOD_AREA.replace("id: AA-ONE", "id: BB-ONE"),
         "areas.0.competencies.0.id", "does not start with its area's id 'AA'"),
        ("format: 2\nareas:" + GOOD_AREA, "format", "unknown framework format 2"),
    ],
)  # fmt: skip
def test_a_broken_framework_is_one_located_error(tmp_path: Path, text: str, field: str, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(LocatedError) as caught:
        load_full_framework(path)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert str(path) in caught.value.one_line()


def test_a_custom_framework_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "format: 1\nareas:" + GOOD_AREA)
    assert list(load_framework(path)) == ["AA-ONE"]
    assert load_full_framework(path).competency("AA-ONE").level == "basic"

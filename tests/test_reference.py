"""docs/scenario-reference.md is generated from the declarations and must stay in step with them."""

from __future__ import annotations

from pathlib import Path

from labkit.reference import scenario_reference
from labkit.story import ACTIONS

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-reference.md"


def test_reference_document_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == scenario_reference(), (
        "regenerate with: .venv/bin/labkit scenario reference > docs/scenario-reference.md"
    )


def test_every_action_is_documented() -> None:
    text = scenario_reference()
    for name in ACTIONS.names():
        assert f"### `{name}`" in text

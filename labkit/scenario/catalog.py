"""Where bundled scenarios live, and how a name on the command line finds one."""

from __future__ import annotations

from pathlib import Path

from labkit.errors import UsageError

_PROJECT_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenarios_dir() -> Path:
    return _PROJECT_SCENARIOS


def bundled_scenarios() -> list[Path]:
    return sorted(_PROJECT_SCENARIOS.glob("*.yaml"))


def resolve_scenario_path(value: str | Path) -> Path:
    """A path as given, or the id of a bundled scenario (``usb-fraud``)."""
    path = Path(value)
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in str(value):
        return path
    candidate = _PROJECT_SCENARIOS / f"{value}.yaml"
    if candidate.exists():
        return candidate
    names = ", ".join(p.stem for p in bundled_scenarios())
    raise UsageError(f"{value}: no such scenario file or bundled scenario (bundled: {names})")

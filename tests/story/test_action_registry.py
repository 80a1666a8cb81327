"""Every action module is imported (so registered), and names are unique."""

from __future__ import annotations

import pkgutil
from typing import ClassVar

import pytest

import labkit.story
from labkit.story import ACTIONS, Action


def test_every_story_module_is_imported_by_the_package() -> None:
    infrastructure = {
        "base", "context", "content", "disk_runtime", "facts", "evidence_build", "network", "memory",
    }  # fmt: skip
    modules = {m.name for m in pkgutil.iter_modules(labkit.story.__path__)} - infrastructure
    for name in modules:
        assert hasattr(labkit.story, name), f"labkit/story/__init__.py does not import {name}"


def test_bundled_actions_are_registered() -> None:
    assert {
        "file.create",
        "file.delete",
        "file.wipe",
        "file.hide_in_slack",
        "disk.hide_unallocated",
        "file.copy_in",
        "file.rename",
        "file.disguise",
        "file.modify",
        "file.set_times",
        "file.set_attributes",
        "dir.create",
    } <= set(ACTIONS.names())
    for name in ACTIONS.names():
        cls = ACTIONS.get(name)
        assert cls.media and (cls.fact_fields or name in NOTHING_TO_ASK), name


#: Actions whose traces no question can name, and why.
NOTHING_TO_ASK = {"process.exit": "an ended task is no longer in RAM: no tool shows its pid"}


def test_a_duplicate_action_name_is_an_error() -> None:
    with pytest.raises(TypeError, match="duplicate action name"):

        class Again(Action):
            action_name: ClassVar[str] = "file.create"


def test_every_action_naming_a_path_declares_its_effect() -> None:
    # story_checks replays paths from these declarations; an undeclared one would stop the replay.
    for name in ACTIONS.names():
        cls = ACTIONS.get(name)
        if "path" in cls.model_fields:
            assert cls.path_effect is not None, name

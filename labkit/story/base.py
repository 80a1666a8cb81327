"""Timeline actions: the one extension point through which a story becomes evidence.

An action is a pydantic model that declares its parameters (the scenario schema
and its error messages come from that declaration) and an ``apply`` method that
renders it into every medium it touches, recording facts about what was really
written. Subclasses register themselves by ``action_name``; a duplicate name is
an error. ``labkit/story/unallocated_action.py`` is the commented template to copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from labkit.registry import Registry

if TYPE_CHECKING:
    from labkit.story.context import StoryContext

ACTIONS: Registry[type[Action]] = Registry("action")

PathEffect = Literal["create", "remove", "move", "disguise", "use"]


class Action(BaseModel):
    """Base of every timeline action.

    Attributes common to all actions: ``action`` (the registered name), an
    optional ``id`` under which facts are recorded (questions refer to
    ``ID.FIELD``), ``at`` (a time expression) and ``jitter`` (a seeded random
    delay added to ``at``, e.g. ``"10m"``).
    """

    model_config = ConfigDict(extra="forbid")

    action_name: ClassVar[str] = ""
    #: Which media this action renders into (disk, network, memory).
    media: ClassVar[tuple[str, ...]] = ()
    #: Fact fields this action records under its id (checked when questions are loaded).
    fact_fields: ClassVar[tuple[str, ...]] = ()
    #: What the action does to the file at its ``path``, so a scenario is checked before any byte is
    #: written: "create", "remove", "move" (to ``to``), "disguise" (new extension), "use" (must exist).
    path_effect: ClassVar[PathEffect | None] = None

    action: str
    id: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$")
    at: str | None = Field(None, description="time expression; default: right after the previous action")
    jitter: str | None = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.action_name:
            ACTIONS.add(cls.action_name, cls)

    def apply(
        self, ctx: StoryContext, when: datetime
    ) -> dict[str, Any] | None:  # pragma: no cover - abstract
        """Render the action at ``when`` (aware); return facts to record under ``id`` (or None)."""
        raise NotImplementedError

    def media_used(self) -> tuple[str, ...]:
        """The media this action really renders into (an HTTP download saved to disk: both)."""
        return type(self).media

    def disk_ids(self) -> list[str]:
        """Disks this action touches (for validating references)."""
        disk = getattr(self, "disk", None)
        return [disk] if disk else []


class ActionFailed(Exception):
    """An action cannot be carried out (e.g. its path does not exist at that time).

    The story engine turns it into a ScenarioError located at the action.
    """

"""``disk.hide_unallocated``: data written into clusters no file owns.

This module is the template for a new action: copy it, rename the class and
``action_name``, declare the parameters as fields, and render in ``apply``.
Importing it (from ``labkit/story/__init__.py``) registers it; a test checks
that every module in ``labkit/story`` is imported there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from labkit.story.base import ActionFailed
from labkit.story.content import ContentSpec, render_content
from labkit.story.context import StoryContext
from labkit.story.file_actions import DiskAction
from labkit.story.hiding_actions import HIDDEN_FACTS, hidden_data_facts


class HideInUnallocated(DiskAction):  # DiskAction adds `disk:`; plain actions subclass Action
    """Write data into free clusters: found only by carving or block-level tools."""

    # The name used in scenarios (`action: disk.hide_unallocated`); must be unique.
    action_name: ClassVar[str] = "disk.hide_unallocated"
    # The media this action renders into; a question's `medium` in the key comes from here.
    media: ClassVar[tuple[str, ...]] = ("disk",)
    # Facts `apply` returns; questions may name them as `ID.FIELD` (checked when a scenario loads).
    fact_fields: ClassVar[tuple[str, ...]] = HIDDEN_FACTS

    # Parameters: typed fields with descriptions. Validation, error messages and
    # docs/scenario-reference.md are all derived from these declarations.
    content: ContentSpec
    cluster: int | None = Field(None, ge=2, description="a free cluster to start at; default: chosen for you")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        # Randomness comes only from ctx.rng(...) (render_content uses it), never from `random`.
        disk = ctx.disk(self.disk)
        content = render_content(
            self.content,
            ctx,
            disk_id=self.disk,
            label=self.id or "unallocated",
            local_time=ctx.local(when, self.disk),
        )
        try:
            placement = disk.volume.write_unallocated(content.data, cluster=self.cluster)
        except ValueError as exc:
            # ActionFailed becomes a ScenarioError located at this timeline entry.
            raise ActionFailed(str(exc)) from None
        # Record what was really written (offsets absolute in the image, sectors relative to
        # the file system) so verify can read it back with TSK.
        cluster = placement.clusters[0] if placement.clusters else None
        return hidden_data_facts(disk, content.data, placement.offset, cluster, when)

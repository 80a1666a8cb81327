"""What actions act on: the variant's variables, clock, random streams and media."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from labkit.scenario.templating import render_template
from labkit.seeding import rng_for
from labkit.story.disk_runtime import DiskRuntime


@dataclass
class StoryContext:
    """State shared by the actions of one variant while it is rendered."""

    seed: int | str
    variables: dict[str, Any]
    zone: ZoneInfo
    languages: list[str]
    disks: dict[str, DiskRuntime] = field(default_factory=dict)
    #: The network runtime (labkit.story.network.runtime.NetworkRuntime) when the scenario has captures.
    network: Any = None
    #: Imaged Linux hosts by host id (labkit.story.memory.host.MemoryHost).
    memory: dict[str, Any] = field(default_factory=dict)
    #: Bytes each action with an id wrote (a file, a download), for actions that send them on.
    payloads: dict[str, bytes] = field(default_factory=dict)

    def rng(self, *labels: str) -> Random:
        """An independent random stream for one purpose of one action."""
        return rng_for(self.seed, *labels)

    def render(self, text: str) -> str:
        return render_template(text, self.variables)

    def disk(self, disk_id: str | None) -> DiskRuntime:
        if disk_id is None:
            # Validated at load time: a scenario with one disk may omit it.
            return next(iter(self.disks.values()))
        return self.disks[disk_id]

    @property
    def language(self) -> str:
        return self.languages[0] if self.languages else "en"

    def local(self, when: datetime, disk_id: str | None) -> datetime:
        """``when`` as the naive wall-clock time of the disk's host (what FAT stores)."""
        return when.astimezone(self.disk(disk_id).zone).replace(tzinfo=None)

"""Data hidden in file slack: after a file's end, inside its last cluster."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, ClassVar

from labkit.story.base import ActionFailed, PathEffect
from labkit.story.content import ContentSpec, render_content
from labkit.story.context import StoryContext
from labkit.story.disk_runtime import DiskRuntime
from labkit.story.file_actions import DiskAction

HIDDEN_FACTS = (
    "disk",
    "host_path",
    "host_inode",
    "offset",
    "sector",
    "cluster",
    "length",
    "text",
    "sha256",
    "at",
)


class HideInSlack(DiskAction):
    """Write data into the slack of a file's last cluster (after its end of file)."""

    action_name: ClassVar[str] = "file.hide_in_slack"
    path_effect: ClassVar[PathEffect | None] = "use"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = HIDDEN_FACTS
    path: str
    content: ContentSpec

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        record = disk.lookup(ctx.render(self.path))
        content = render_content(
            self.content,
            ctx,
            disk_id=self.disk,
            label=self.id or f"slack:{self.path}",
            local_time=ctx.local(when, self.disk),
        )
        try:
            placement = disk.volume.write_slack(record.path, content.data)
        except ValueError as exc:
            raise ActionFailed(str(exc)) from None
        entry = disk.volume.entry(record.handle)
        cluster = entry.clusters[-1] if entry.clusters else None
        return hidden_data_facts(
            disk, content.data, placement.offset, cluster, when, host_path=entry.path, host_inode=entry.inode
        )


def hidden_data_facts(
    disk: DiskRuntime,
    data: bytes,
    volume_offset: int,
    cluster: int | None,
    when: datetime,
    *,
    host_path: str | None = None,
    host_inode: int | None = None,
) -> dict[str, Any]:
    """The facts of hidden bytes (HIDDEN_FACTS): where they are, absolute in the image and as the
    file system's sector (what TSK's blkcat takes), and what they are."""
    return {
        "disk": disk.spec.id,
        "host_path": host_path,
        "host_inode": host_inode,
        "offset": disk.partition.offset + volume_offset,
        "sector": volume_offset // 512,
        "cluster": cluster,
        "length": len(data),
        "text": _text_or_none(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "at": when.isoformat(),
    }


def _text_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None

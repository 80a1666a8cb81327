"""What every memory action shares: the imaged host it acts on, and a process named by handle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from labkit.story.base import Action, ActionFailed

if TYPE_CHECKING:
    from datetime import datetime

    from labkit.evidence.memory.spec import MemProcess
    from labkit.story.context import StoryContext
    from labkit.story.memory.host import MemoryHost

#: Facts of a process, as linux.pslist / psaux / pstree show them.
PROCESS_FACTS = ("pid", "ppid", "name", "command_line", "user", "uid", "started", "parent_name")


class MemoryAction(Action):
    """An action that leaves traces in an imaged Linux host's RAM."""

    media = ("memory",)
    host: str = Field(description="id of a host with 'memory:' (a Linux host whose RAM is imaged)")

    def memory_host_refs(self) -> list[tuple[str, str]]:
        """(field, host id) of the imaged hosts this action names (checked when the scenario loads)."""
        return [("host", self.host)]

    def memory(self, ctx: StoryContext) -> MemoryHost:
        try:
            return ctx.memory[self.host]
        except KeyError:
            raise ActionFailed(f"host {self.host!r} has no 'memory:' section") from None

    def process_ref(self, ctx: StoryContext, ref: str) -> MemProcess:
        return self.memory(ctx).process(ctx.render(ref))


def process_facts(host: MemoryHost, process: MemProcess, when: datetime | None = None) -> dict[str, Any]:
    parent = host.processes.get(process.ppid)
    return {
        "host": host.host_id,
        "memory": host.image_id,
        "pid": process.pid,
        "ppid": process.ppid,
        "name": process.comm,
        "parent_name": parent.comm if parent is not None else "",
        "command_line": " ".join(process.argv),
        "user": host.account(process.uid).name,
        "uid": process.uid,
        "started": process.start.isoformat(),
    }

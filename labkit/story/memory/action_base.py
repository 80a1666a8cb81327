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

    def process_ref(self, ctx: StoryContext, ref: str, field: str = "process") -> MemProcess:
        """The running process a field names (an action id or a baseline handle such as php_worker)."""
        try:
            return self.memory(ctx).process(ctx.render(ref))
        except ActionFailed as exc:
            raise ActionFailed(f"{field}: {exc}") from None


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


PORT_DESCRIPTION = "1-65535, or a template such as '{{ listener_port }}'"


def check_port(value: int | str) -> int | str:
    """A port number, or a template rendered when the action runs."""
    if isinstance(value, bool):
        raise ValueError("a port is a number from 1 to 65535")
    if isinstance(value, str):
        if "{{" in value:
            return value
        if not value.strip().isdigit():
            raise ValueError(f"{value!r} is not a port number")
        value = int(value)
    if not 1 <= value <= 65535:
        raise ValueError(f"port {value} is not between 1 and 65535")
    return value


def render_port(ctx: StoryContext, value: int | str) -> int:
    text = ctx.render(value) if isinstance(value, str) else str(value)
    try:
        port = int(text)
    except ValueError:
        raise ActionFailed(f"port: {text!r} is not a number") from None
    if not 1 <= port <= 65535:
        raise ActionFailed(f"port {port} is not between 1 and 65535")
    return port

"""The kernel of an imaged Linux host: modules loaded (one hidden by a rootkit), kernel log lines."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from labkit.evidence.memory.spec import MemModule
from labkit.story.base import ActionFailed
from labkit.story.memory.action_base import MemoryAction

if TYPE_CHECKING:
    from labkit.story.context import StoryContext


class ModuleLoad(MemoryAction):
    """A kernel module is loaded (`insmod`); a rootkit's may then unlink itself from the module list, so
    lsmod and linux.lsmod miss it while linux.malware.hidden_modules / check_modules find it."""

    action_name: ClassVar[str] = "module.load"
    fact_fields: ClassVar[tuple[str, ...]] = ("name", "hidden", "size")
    name: str = Field(description="module name as lsmod shows it: a-z, 0-9, _ (templates allowed)")
    hidden: bool = False
    size: int | None = Field(
        None, ge=16 * 1024, le=16 * 1024 * 1024, description="core size, 16 KiB..16 MiB; default seeded"
    )
    signed: bool = Field(False, description="an unsigned out-of-tree module taints the kernel (OE)")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        name = ctx.render(self.name)
        if not re.fullmatch(r"[a-z0-9_]{1,55}", name):
            raise ActionFailed(f"name: {name!r} is not a module name (a-z, 0-9 and _, at most 55)")
        if any(module.name == name for module in host.modules):
            raise ActionFailed(f"module {name!r} is already loaded on {self.host}")
        size = self.size or ctx.rng("module.load", name).randrange(16_384, 65_536)
        taints = "" if self.signed else "OE"
        rng = ctx.rng("module.load", name, "time")
        loaded = when + timedelta(microseconds=rng.randrange(1_000, 900_000))
        if taints and not any(module.taints for module in host.modules):
            host.log(loaded, f"{name}: loading out-of-tree module taints kernel.", level=4)
            host.log(
                loaded + timedelta(microseconds=rng.randrange(3, 60)),
                f"{name}: module verification failed: signature and/or required key missing - "
                "tainting kernel",
                level=4,
            )
        host.modules.insert(
            0,
            MemModule(  # lsmod lists the newest first
                name=name, size=size, hidden=self.hidden, taints=taints
            ),
        )
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "name": name,
            "hidden": self.hidden,
            "size": size,
            "taints": taints,
            "loaded": loaded.isoformat(),
        }


class KernelLog(MemoryAction):
    """A line in the kernel's ring buffer (dmesg, linux.kmsg), e.g. a segfault or a USB device."""

    action_name: ClassVar[str] = "kernel.log"
    fact_fields: ClassVar[tuple[str, ...]] = ("text", "time", "uptime")
    text: str = Field(description="the message (templates allowed)")
    level: int = Field(6, ge=0, le=7, description="0 emerg .. 4 warning .. 6 info, 7 debug")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        text = ctx.render(self.text)
        if "\n" in text:
            raise ActionFailed("text: one line per kernel.log action")
        host.log(when, text, self.level)
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "text": text,
            "time": when.isoformat(),
            "uptime": f"{host.seconds_since_boot(when):.6f}",
        }

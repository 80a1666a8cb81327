"""The memory part of the scenario format: ``hosts[].memory``, a RAM image of a Linux host.

The host's operating system (``hosts[].os``) picks the kernel build; its ``role`` picks the services a
believable machine of that kind runs (systemd units, daemons, user sessions) around the story's processes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from labkit.scenario.model_base import IDENTIFIER, LocalizedText, Strict

MEMORY_ROLES = ("web-server", "database-server")
MIN_MEMORY = 64 * 1024**2
MAX_MEMORY = 64 * 1024**3


class AccountSpec(Strict):
    """A login account of the host (root, system accounts and the role's service users exist already)."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_-]{0,31}$")
    uid: int = Field(ge=1000, le=60000)
    home: str | None = Field(None, description="default /home/NAME")
    shell: str = "/bin/bash"


class MemorySpec(Strict):
    """``hosts[].memory``: the host's RAM as acquired (LiME or a raw dump) with its symbol table."""

    id: str = Field(pattern=IDENTIFIER, description="names the image's facts (e.g. web_memory.sha256)")
    size: int | str = Field("512 MiB", description="RAM size, 64 MiB to 64 GiB, a multiple of 2 MiB")
    format: Literal["raw", "lime"] = Field("raw", description="lime: what LiME acquisitions produce")
    role: Literal["web-server", "database-server"] = Field(
        "web-server",
        description="web-server: nginx + php-fpm; database-server: MySQL (besides systemd, sshd, cron)",
    )
    booted: str | None = Field(None, description="time expression; default: some days before the story")
    acquired: str | None = Field(None, description="time expression; default: soon after the last action")
    accounts: list[AccountSpec] = Field(default_factory=list)
    fill: float = Field(0.35, ge=0.05, le=0.95, description="share of RAM pages holding data, not zeros")
    description: LocalizedText = ""

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        from labkit.scenario.model import parse_size

        size = parse_size(v)
        if size < MIN_MEMORY or size > MAX_MEMORY:
            raise ValueError(f"memory size must be between 64 MiB and 64 GiB, not {size} bytes")
        if size % (2 * 1024**2):
            raise ValueError(f"memory size must be a multiple of 2 MiB; {size} bytes is not")
        return size

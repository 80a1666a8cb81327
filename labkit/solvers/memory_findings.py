"""Answers the RAM image of a compromised Linux server gives by itself, each with what the plugins showed.

The kernel's release (banners), the implant found by what it is (a child of the reverse
shell that runs from a deleted file), its hidden helper (in psscan, not in pslist), its
backdoor (its LISTEN socket), the persistence line of the shell history, the module
hidden from lsmod and the injected stager with the address its bytes connect to. Where
the capture's copy of the downloaded implant is at hand, it corroborates (pages, strings).
"""

from __future__ import annotations

from labkit.solvers.memory_intrusion import Download, ReverseShell, hidden_helper, persistence_line
from labkit.solvers.memory_records import Mapping, OpenSocket, Task
from labkit.solvers.memory_shellcode import connect_target, system_calls
from labkit.solvers.memory_survey import MemorySurvey
from labkit.solvers.usb_fraud import Finding

PAGE_SIZE = 4096


def kernel_finding(memory: MemorySurvey) -> Finding:
    """The release is the word after ``Linux version`` in the banner the kernel keeps in memory."""
    releases = memory.kernel_releases
    if not releases:
        return Finding("kernel", None, "banners.Banners found no Linux banner")
    tables = [p.name for p in memory.evidence.symbols.rglob("*.json*") if releases[0] in p.name]
    others = f"; other releases seen: {', '.join(releases[1:])}" if len(releases) > 1 else ""
    table = f"; the symbol table {tables[0]} is built for it" if tables else ""
    return Finding(
        "kernel", releases[0], f"banners.Banners: 'Linux version {releases[0]} ...'{table}{others}"
    )


def implant_findings(
    memory: MemorySurvey, shell: ReverseShell | None, download: Download | None
) -> tuple[Finding, ...]:
    """implant_pid (its hidden helper), implant_uid, implant_inode, backdoor_port."""
    ids = ("implant_pid", "implant_uid", "implant_inode", "backdoor_port")
    if shell is None:
        return tuple(Finding(qid, None, "no reverse shell to start from") for qid in ids)
    descendants = _descendants(memory, shell.task.pid)
    mappings, _ = memory.mappings(task.pid for task in descendants)
    running_deleted = [
        (task, mapping)
        for task in descendants
        for mapping in mappings
        if mapping.pid == task.pid and mapping.deleted and "x" in mapping.flags
    ]
    running_deleted.sort(key=lambda item: (item[0].uid != 0, item[0].pid))
    if not running_deleted:
        missing = f"no process under the shell {shell.task.pid} runs from a deleted file (linux.proc.Maps)"
        return tuple(Finding(qid, None, missing) for qid in ids)
    implant, text = running_deleted[0]
    escalation = " (not the shell's: escalated)" if implant.uid != shell.task.uid else ""
    return (
        _helper_finding(memory, implant),
        Finding(
            "implant_uid",
            str(implant.uid),
            f"pslist: {implant.name} {implant.pid}, child of {shell.task.name} {shell.task.pid} "
            f"(uid {shell.task.uid}), runs as uid {implant.uid}{escalation}",
        ),
        Finding(
            "implant_inode",
            str(text.inode),
            f"linux.proc.Maps: its {text.flags} mapping at {text.start:#x} is {text.path!r} (vol prints "
            f"a deleted file with a leading space){_span_note(mappings, implant, download)}",
        ),
        _backdoor_finding(memory.sockets_of(implant.pid), download),
    )


def _helper_finding(memory: MemorySurvey, implant: Task) -> Finding:
    unlisted = memory.unlisted_tasks()
    helper = hidden_helper(unlisted, implant.pid)
    if helper is None:
        return Finding("implant_pid", None, "linux.psscan finds no live task that linux.pslist lacks")
    parent = "the implant" if helper.ppid == implant.pid else f"pid {helper.ppid}"
    others = f"; {len(unlisted) - 1} other unlisted task(s)" if len(unlisted) > 1 else ""
    return Finding(
        "implant_pid",
        str(helper.pid),
        f"linux.psscan finds {helper.name} {helper.pid} (parent {helper.ppid}: {parent}) that linux.pslist "
        f"does not list: unlinked from the task list; a real kernel worker's parent is kthreadd (2){others}",
    )


def _backdoor_finding(sockets: list[OpenSocket], download: Download | None) -> Finding:
    listening = [s for s in sockets if s.state == "LISTEN" and s.protocol == "TCP"]
    if not listening:
        return Finding("backdoor_port", None, "the implant has no LISTEN socket in linux.sockstat")
    socket = listening[0]
    content = download.content if download else b""
    inside = (
        f"; the download contains ':{socket.local.port}'"
        if f":{socket.local.port}".encode() in content
        else ""
    )
    return Finding(
        "backdoor_port",
        str(socket.local.port),
        f"linux.sockstat: {socket.process} {socket.pid} fd {socket.fd} LISTEN {socket.local}{inside}",
    )


def persistence_finding(memory: MemorySurvey, shell: ReverseShell | None) -> Finding:
    """The history line that makes something start again by itself (cron first)."""
    if shell is None:
        return Finding("persistence", None, "no reverse shell whose history to read")
    found = persistence_line(memory.history_of(shell.task.pid))
    if found is None:
        return Finding(
            "persistence", None, f"no crontab, systemd or rc-file line in pid {shell.task.pid}'s history"
        )
    line, reason = found
    return Finding(
        "persistence", line.command, f"linux.bash, pid {line.pid} at {line.time:%H:%M:%S} UTC: {reason}"
    )


def rootkit_finding(memory: MemorySurvey) -> Finding:
    hidden = [name for name in memory.hidden_modules if name not in memory.modules]
    if not hidden:
        return Finding(
            "rootkit_name", None, "linux.malware.hidden_modules finds no module missing from lsmod"
        )
    others = f" (and {', '.join(hidden[1:])})" if len(hidden) > 1 else ""
    return Finding(
        "rootkit_name",
        hidden[0],
        f"found by linux.malware.hidden_modules{others}; not among the {len(memory.modules)} modules "
        "linux.lsmod lists (the kernel's module list, which the module unlinked itself from)",
    )


def stager_findings(memory: MemorySurvey, shell: ReverseShell | None) -> tuple[Finding, ...]:
    """The rwx region malfind flags, and the sockaddr_in its first bytes build."""
    ids = ("stager_pid", "stager_address", "stager_target", "stager_port")
    decoded = [(region, connect_target(region.first_bytes)) for region in memory.injected]
    decoded.sort(key=lambda item: item[1] is None)
    if not decoded:
        return tuple(Finding(qid, None, "linux.malware.malfind flags no region") for qid in ids)
    region, target = decoded[0]
    others = f"; {len(decoded) - 1} other region(s)" if len(decoded) > 1 else ""
    found = (
        Finding("stager_pid", str(region.pid), f"malfind: {region.process} {region.pid}{others}"),
        Finding(
            "stager_address",
            f"{region.start:#x}",
            f"{region.start:#x}-{region.end:#x} {region.protection}, anonymous: no file behind code",
        ),
    )
    if target is None:
        missing = "no movabs of a sockaddr_in (48 b9 02 00 ...) in the region's first bytes"
        return (*found, Finding("stager_target", None, missing), Finding("stager_port", None, missing))
    calls = ", ".join(system_calls(region.first_bytes)) or "none"
    same = "; the reverse shell's peer too" if shell and shell.socket.remote.address == target.address else ""
    return (
        *found,
        Finding(
            "stager_target",
            target.address,
            f"bytes '{target.instruction_hex}' at +{target.offset}: movabs of sockaddr_in{{AF_INET, port, "
            f"address}}; system calls: {calls}{same}",
        ),
        Finding(
            "stager_port",
            str(target.port),
            f"{target.instruction[4:6].hex(' ')} = {target.port} (big-endian)",
        ),
    )


def _descendants(memory: MemorySurvey, pid: int) -> list[Task]:
    found: list[Task] = []
    queue = [pid]
    while queue:
        for child in memory.children(queue.pop(0)):
            if child not in found:
                found.append(child)
                queue.append(child.pid)
    return found


def _span_note(mappings: list[Mapping], implant: Task, download: Download | None) -> str:
    """Whether the deleted file's mappings cover as many pages as the downloaded file fills."""
    if download is None or download.object is None:
        return ""
    spans = [m.page_offset + m.end - m.start for m in mappings if m.pid == implant.pid and m.deleted]
    pages = -(-download.object.size // PAGE_SIZE)
    if spans and max(spans) == pages * PAGE_SIZE:
        return (
            f"; its mappings cover {pages} pages, as many as the {download.object.size}-byte download fills"
        )
    return ""

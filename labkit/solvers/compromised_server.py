"""Solving a ``compromised-server`` case as a trainee would: from the case folder alone, with
volatility3 (the unmodified ``vol`` CLI, as ``labkit mem`` runs it) and ``labkit net``.

The solver never opens the key or the generator's facts. Each answer comes from what the
plugins and the capture show, and each :class:`Finding` says what that was:

    kernel             the release in the kernel's banner                   (labkit mem banners)
    shell_*            the shell whose fds 0-2 are one ESTABLISHED TCP      (labkit mem sockstat)
                       socket to a public address; its ancestors up to the  (labkit mem pstree, psaux)
                       first program that is not a shell; the capture's     (labkit net conversations)
                       conversation with that socket's four-tuple
    webshell_name      the file part of a multipart POST that later         (labkit net http, extract)
                       requests call
    download_time      the shell's history line that fetches a URL          (labkit mem bash)
    implant_sha256     the HTTP object of that URL                          (labkit net extract)
    implant_uid/inode  the shell's child that runs from a deleted file      (labkit mem pslist, maps)
    implant_pid        the task psscan finds and pslist does not list       (labkit mem psscan)
    backdoor_port      the implant's LISTEN socket                          (labkit mem sockstat)
    persistence        the history line that installs a crontab entry       (labkit mem bash)
    rootkit_name       the module hidden_modules finds and lsmod does not   (labkit mem hidden_modules)
    stager_*           malfind's rwx region; the sockaddr_in in its bytes   (labkit mem malfind)

Nothing is keyed to the names a variant happens to use (the implant's, the web shell's,
the module's): each is found by what it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from labkit.solvers.answer_filling import write_answer_sheet
from labkit.solvers.capture_reading import first_capture
from labkit.solvers.case_folder import read_case_folder
from labkit.solvers.memory_findings import (
    implant_findings,
    kernel_finding,
    persistence_finding,
    rootkit_finding,
    stager_findings,
)
from labkit.solvers.memory_intrusion import (
    Download,
    ReverseShell,
    download_in_history,
    reverse_shells,
    shell_origin,
)
from labkit.solvers.memory_records import Task
from labkit.solvers.memory_survey import MemorySurvey, survey_memory
from labkit.solvers.usb_fraud import Finding
from labkit.solvers.web_uploads import WebTraffic, read_web_traffic
from labkit.tools.disk import resolve_zone
from labkit.tools.mem import find_memory_evidence

SCENARIO_ID = "compromised-server"

__all__ = ["SCENARIO_ID", "Finding", "Solution", "investigate", "solve"]


@dataclass(frozen=True)
class Solution:
    """Everything the solver found in one case folder."""

    case_dir: Path
    image: Path
    capture: Path
    zone: str
    findings: tuple[Finding, ...]

    @property
    def answers(self) -> dict[str, str]:
        return {f.question_id: f.answer for f in self.findings if f.answer is not None}


def solve(case_dir: str | Path) -> dict[str, str]:
    """Investigate the case folder, write the answers into its answers.yaml and return them."""
    solution = investigate(case_dir)
    write_answer_sheet(Path(case_dir) / "answers.yaml", solution.answers)
    return solution.answers


def investigate(case_dir: str | Path) -> Solution:
    """Work out every answer from the briefing and the evidence, writing nothing."""
    case = read_case_folder(case_dir)
    zone_name = case.stated_zone() or "UTC"
    zone = resolve_zone(zone_name)
    evidence = find_memory_evidence(case=case.root)
    capture = first_capture(case)
    memory = survey_memory(evidence)
    traffic = read_web_traffic(capture)
    shells = reverse_shells(memory)
    shell = shells[0] if shells else None
    download = download_in_history(memory, traffic, shell.task.pid) if shell else None
    findings = (
        kernel_finding(memory),
        *shell_findings(memory, traffic, shell, len(shells)),
        webshell_finding(memory, traffic),
        *download_findings(download, zone),
        *implant_findings(memory, shell, download),
        persistence_finding(memory, shell),
        rootkit_finding(memory),
        *stager_findings(memory, shell),
    )
    return Solution(case.root, evidence.image, capture, zone_name, findings)


def shell_findings(
    memory: MemorySurvey, traffic: WebTraffic, shell: ReverseShell | None, candidates: int
) -> tuple[Finding, ...]:
    """shell_pid ... shell_stream: the shell, where it came from, its socket, its stream in the capture."""
    ids = ("shell_pid", "shell_origin", "shell_peer", "shell_local_port", "shell_stream")
    if shell is None:
        missing = "no shell has fds 0-2 on an ESTABLISHED TCP socket to a public address (linux.sockstat)"
        return tuple(Finding(qid, None, missing) for qid in ids)
    task, socket = shell.task, shell.socket
    others = f"; {candidates - 1} other candidate(s)" if candidates > 1 else ""
    origin, between = shell_origin(memory, task.pid)
    chain = " <- ".join(_described(memory, t) for t in (task, *between, *([origin] if origin else [])))
    row = traffic.connection(
        (socket.local.address, socket.local.port), (socket.remote.address, socket.remote.port)
    )
    started = f"; the shell was created at {task.started.isoformat()}" if task.started else ""
    stream = (
        Finding(
            "shell_stream",
            str(row.stream),
            f"{row.address_a}:{row.port_a} -> {row.address_b}:{row.port_b}, the socket's four-tuple; first "
            f"frame {row.first_frame} at {row.start.iso() if row.start else '?'}{started} (UTC)",
        )
        if row
        else Finding(
            "shell_stream", None, f"no TCP conversation {socket.local} <-> {socket.remote} in the capture"
        )
    )
    return (
        Finding(
            "shell_pid",
            str(task.pid),
            f"{task.name} (uid {task.uid}): fds 0, 1, 2 are one {socket.state} TCP socket "
            f"{socket.local} -> {socket.remote}{others}",
        ),
        Finding("shell_origin", origin.name if origin else None, f"parents: {chain}"),
        Finding("shell_peer", socket.remote.address, f"remote end of that socket, port {socket.remote.port}"),
        Finding(
            "shell_local_port", str(socket.local.port), f"the server's end: {socket.local} (linux.sockstat)"
        ),
        stream,
    )


def webshell_finding(memory: MemorySurvey, traffic: WebTraffic) -> Finding:
    """The file part of a multipart upload that later requests call (by name) with a command."""
    uploads = sorted(traffic.uploads, key=lambda upload: not traffic.requests_for(upload.name))
    if not uploads:
        return Finding("webshell_name", None, "no multipart/form-data upload with a file in the capture")
    upload = uploads[0]
    carrier = upload.carrier
    how = f"filename of the '{upload.field}' part of {carrier.source} (tcp.stream {carrier.stream})"
    calls = traffic.requests_for(upload.name)
    if calls:
        call = calls[0]
        how += f"; then {call.method} {urlsplit(call.uri).path} (frame {call.request_frame})"
        for value in dict(parse_qsl(urlsplit(call.uri).query)).values():
            runs = [pid for pid, arguments in memory.command_lines.items() if value and value in arguments]
            if runs:
                how += f" runs {value!r}, in the command line of pid {runs[0]} (linux.psaux)"
                break
    return Finding("webshell_name", upload.name, how)


def download_findings(download: Download | None, zone: tzinfo) -> tuple[Finding, Finding]:
    """download_time from the history; implant_sha256 from the capture's object of the same URL."""
    if download is None:
        missing = "no wget/curl of a URL in the shell's history (linux.bash)"
        return Finding("download_time", None, missing), Finding("implant_sha256", None, missing)
    line, request = download.line, download.request
    follows = ""
    if request is not None:
        follows = f"; its GET follows {download.gap:.1f} s later (frame {request.request_frame})"
    typed = Finding(
        "download_time",
        line.time.astimezone(zone).isoformat(),
        f"linux.bash, pid {line.pid}: `{line.command}` at {line.time.astimezone(UTC):%H:%M:%S} UTC "
        f"(volatility prints UTC){follows}",
    )
    if download.request is None or download.object is None:
        return typed, Finding("implant_sha256", None, f"no HTTP response for {download.url} in the capture")
    carried = download.object
    return typed, Finding(
        "implant_sha256",
        carried.sha256,
        f"{carried.size} bytes: {carried.source}, tcp.stream {carried.stream}, last byte in frame "
        f"{carried.frame}; {request.user_agent or 'no User-Agent'}",
    )


def _described(memory: MemorySurvey, task: Task) -> str:
    args = memory.command_lines.get(task.pid, "")
    shown = f" `{args}`" if args and args != task.name else ""
    return f"{task.name} {task.pid}{shown} (uid {task.uid})"

"""Independent readers of our captures for the wire tests: tshark, capinfos and scapy."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

START_US = 1_717_243_200_000_000  # 2024-06-01 12:00:00 UTC
CHECKSUMS = ("-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE")
_SEVERITY = re.compile(r"^(Errors|Warns|Notes|Chats) \(\d+\)$")


def _tshark(*arguments: str) -> str:
    done = subprocess.run(
        ["tshark", *arguments], capture_output=True, text=True, check=True, encoding="utf-8", errors="replace"
    )
    return done.stdout


@dataclass(frozen=True)
class ExpertEntry:
    severity: str  # Errors, Warns, Notes, Chats
    count: int
    group: str
    protocol: str
    summary: str


def expert(path: Path) -> list[ExpertEntry]:
    """``tshark -q -z expert`` with checksum verification, parsed into entries."""
    entries, severity = [], ""
    for line in _tshark("-r", str(path), "-q", "-z", "expert", *CHECKSUMS).splitlines():
        match = _SEVERITY.match(line.strip())
        if match:
            severity = match.group(1)
            continue
        columns = re.split(r"\s{2,}", line.strip(), maxsplit=3)
        if severity and len(columns) == 4 and columns[0].isdigit():
            entries.append(ExpertEntry(severity, int(columns[0]), columns[1], columns[2], columns[3]))
    return entries


def assert_clean(path: Path, allowed: set[str] = frozenset()) -> list[ExpertEntry]:
    """No Error and no Malformed entry; besides Chats, only summaries that start with an allowed text."""
    entries = expert(path)
    for entry in entries:
        assert entry.severity != "Errors" and entry.group != "Malformed", entry
        if entry.severity != "Chats":
            assert any(entry.summary.startswith(text) for text in allowed), entry
    return entries


def fields(path: Path, names: list[str], display_filter: str | None = None) -> list[dict[str, str]]:
    """One dict per frame: ``tshark -T fields`` for ``names`` (checksums verified)."""
    arguments = ["-r", str(path), *CHECKSUMS, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a"]
    if display_filter:
        arguments += ["-Y", display_filter]
    for name in names:
        arguments += ["-e", name]
    rows = []
    for line in _tshark(*arguments).splitlines():
        values = line.split("\t")
        rows.append(dict(zip(names, values + [""] * (len(names) - len(values)), strict=True)))
    return rows


def follow_tcp(path: Path, stream: int) -> tuple[bytes, bytes]:
    """(node 0 bytes, node 1 bytes) of ``tshark -z follow,tcp,raw,N``; node 0 sent the first frame."""
    sent: tuple[list[bytes], list[bytes]] = ([], [])
    body = _tshark("-r", str(path), "-q", "-z", f"follow,tcp,raw,{stream}").split("Node 1:", 1)[1]
    for line in body.splitlines()[1:]:
        if line.startswith("====="):
            break
        if line.strip():
            sent[1 if line.startswith("\t") else 0].append(bytes.fromhex(line.strip()))
    return b"".join(sent[0]), b"".join(sent[1])


def capinfos(path: Path) -> dict[str, str]:
    """``capinfos -M`` (exact numbers) as a mapping of its labels to values."""
    done = subprocess.run(["capinfos", "-M", str(path)], capture_output=True, text=True, check=True)
    info = {}
    for line in done.stdout.splitlines():
        label, _, value = line.partition(":")
        info[label.strip()] = value.strip()
    return info

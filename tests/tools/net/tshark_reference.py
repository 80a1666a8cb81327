"""What tshark (Wireshark 4.0) says about a capture: the independent referee for the net tools."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections import defaultdict
from pathlib import Path


def tshark(*args: str) -> str:
    result = subprocess.run(["tshark", *args], capture_output=True, text=True, check=False)
    if result.returncode not in (0, 2):  # 2: the file was cut short, output still given
        raise AssertionError(f"tshark {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def fields(path: Path, *names: str, display_filter: str | None = None) -> list[list[str]]:
    """One list of field values per frame (``-T fields``), empty strings where a field is absent."""
    args = ["-r", str(path), "-T", "fields", "-E", "occurrence=f"]
    if display_filter:
        args += ["-Y", display_filter]
    for name in names:
        args += ["-e", name]
    return [line.split("\t") for line in tshark(*args).splitlines()]


def conversation_totals(path: Path, protocol: str) -> dict[int, dict[str, object]]:
    """tcp.stream / udp.stream -> A, B, frames and bytes each way, first frame: counted from the frames,
    because ``-z conv`` rounds bytes to kB. ICMP errors that quote a header are left out, as the
    conversation table does."""
    rows = fields(
        path,
        f"{protocol}.stream",
        "ip.src",
        "ipv6.src",
        f"{protocol}.srcport",
        "ip.dst",
        "ipv6.dst",
        f"{protocol}.dstport",
        "frame.len",
        "frame.number",
        display_filter=f"{protocol} and not icmp and not icmpv6",
    )
    totals: dict[int, dict[str, object]] = {}
    for stream, ip4, ip6, sport, dip4, dip6, dport, length, number in rows:
        source, target = (ip4 or ip6, int(sport)), (dip4 or dip6, int(dport))
        entry = totals.setdefault(
            int(stream), {"a": source, "b": target, "ab": [0, 0], "ba": [0, 0], "first": int(number)}
        )
        side = entry["ab"] if source == entry["a"] else entry["ba"]
        side[0] += 1  # type: ignore[index]
        side[1] += int(length)  # type: ignore[index]
    return totals


def export_object_hashes(path: Path, kind: str, folder: Path) -> dict[str, str]:
    """File name -> SHA-256 of what ``--export-objects KIND,FOLDER`` writes."""
    folder.mkdir(parents=True, exist_ok=True)
    tshark("-r", str(path), "-q", "--export-objects", f"{kind},{folder}")
    return {item.name: hashlib.sha256(item.read_bytes()).hexdigest() for item in sorted(folder.iterdir())}


def follow_tcp(path: Path, stream: int) -> tuple[bytes, bytes]:
    """(client->server, server->client) bytes of ``-z follow,tcp,raw,N``."""
    text = tshark("-r", str(path), "-q", "-z", f"follow,tcp,raw,{stream}")
    directions: dict[bool, list[bytes]] = defaultdict(list)
    for line in text.splitlines():
        if not line.strip() or ":" in line or line.startswith("="):
            continue
        directions[line.startswith("\t")].append(bytes.fromhex(line.strip()))
    return b"".join(directions[False]), b"".join(directions[True])


def credentials_tap(path: Path) -> list[tuple[int, str, str]]:
    """(packet, protocol, username) rows of ``-z credentials`` (columns are separated by 2+ spaces)."""
    rows = []
    for line in tshark("-r", str(path), "-q", "-z", "credentials").splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) >= 3 and parts[0].isdigit():
            rows.append((int(parts[0]), parts[1], parts[2].split()[0]))
    return rows

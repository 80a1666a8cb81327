"""Acceptance for every bundled scenario with captures, seeds 1..20, read back with tshark and TSK.

For each variant (one generation per seed, every assertion on it): generation succeeds with its own
verify step (so every network answer was read back by tshark); ``tshark -z expert`` with checksums
validated shows no error and no malformed packet; each HTTP download saved to a disk is the same
bytes in ``--export-objects http`` as in TSK's ``icat``, created on the disk 0..10 s after the last
packet of its connection; the key graded against itself scores 100%; and the same seed generated in
another process, in another time zone, gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit.grading import grade_files
from labkit.scenario.catalog import bundled_scenarios

SEEDS = range(1, 21)
#: Scenarios with a memory image have their own acceptance (tests/acceptance/test_memory_scenarios.py).
NETWORK_SCENARIOS = [
    path
    for path in bundled_scenarios()
    if labkit.load_scenario(path).spec.network
    and not any(h.memory for h in labkit.load_scenario(path).spec.hosts)
]
CASES = [(path, seed) for path in NETWORK_SCENARIOS for seed in SEEDS]
CHECKSUMS = [
    item
    for name in ("ip", "tcp", "udp")
    for item in ("-o", f"{name}.check_checksum:TRUE")
]  # fmt: skip
OTHER_ZONE = "Pacific/Chatham" if os.environ.get("TZ") != "Pacific/Chatham" else "America/St_Johns"


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _sheet(answers: dict[str, object]) -> str:
    return "".join(f"{qid}: {json.dumps(str(value), ensure_ascii=False)}\n" for qid, value in answers.items())


def _istat_created(image: Path, offset: int, inode: int, zone: str) -> datetime:
    """The FAT creation time as TSK shows it in the disk's zone: '2026-03-14 10:03:12.340000000 (+05)'."""
    out = _run("istat", "-z", zone, "-o", str(offset), str(image), str(inode))
    match = re.search(r"^Created:\t(\S+ \S+) \(([^)]*)\)", out, re.MULTILINE)
    assert match, out
    wall = datetime.fromisoformat(match[1][:26])
    sign, hours, minutes = re.fullmatch(r"([+-])(\d\d):?(\d\d)?", match[2]).groups()  # type: ignore[union-attr]
    offset_delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return wall.replace(tzinfo=timezone(offset_delta if sign == "+" else -offset_delta))


def _check_expert(capture: Path) -> None:
    report = _run("tshark", "-r", str(capture), *CHECKSUMS, "-q", "-z", "expert")
    assert not re.search(r"^Errors \(\d+\)", report, re.MULTILINE), report
    assert "malformed" not in report.lower(), report


def _check_download(lab: Path, facts: dict[str, Any], owner: str, tmp_path: Path) -> None:
    """The saved download: the same bytes on the wire (tshark) and on the disk (TSK), created after."""
    action, saved = facts[owner], facts[owner]["file"]
    capture = lab / "case" / "evidence" / facts[action["capture"]]["file_name"]
    objects = tmp_path / f"objects-{owner}"
    _run("tshark", "-r", str(capture), "-q", "--export-objects", f"http,{objects}")
    exported = objects / action["uri"].rsplit("/", 1)[-1]
    wire = hashlib.sha256(exported.read_bytes()).hexdigest()

    disk = facts[saved["disk"]]
    image, offset = lab / "case" / "evidence" / disk["file_name"], disk["partition_offset_sectors"]
    listing = _run("fls", "-r", "-p", "-o", str(offset), str(image))
    path = saved["path"].lstrip("/")
    inode = next(
        int(match[1])
        for line in listing.splitlines()
        if (match := re.match(r"^r/r (\d+):\t(.*)$", line)) and match[2] == path
    )
    content = subprocess.run(
        ["icat", "-o", str(offset), str(image), str(inode)], capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(content).hexdigest() == wire == action["object_sha256"]

    # The transfer ends with the server's last data segment (the browser keeps the connection open
    # afterwards, until nginx closes it at its keep-alive timeout).
    server_data = f"tcp.stream == {action['tcp_stream']} and ip.src == {action['server_ip']} and tcp.len > 0"
    times = _run(
        "tshark", "-r", str(capture), "-Y", server_data, "-T", "fields", "-e", "frame.time_epoch"
    ).split()
    last_packet = datetime.fromtimestamp(float(times[-1]), tz=UTC)
    created = _istat_created(image, offset, inode, disk["timezone"])
    # istat (TSK 4.11) prints FAT times to the second: it drops the creation time's 10 ms field.
    assert last_packet.replace(microsecond=0) <= created <= last_packet + timedelta(seconds=10), (
        created,
        last_packet,
    )


def _check_grading(key_path: Path, key: dict[str, Any], tmp_path: Path) -> None:
    sheet = tmp_path / "answers.yaml"
    sheet.write_text(_sheet({q["id"]: q["answer"] for q in key["questions"]}), encoding="utf-8")
    graded = grade_files(key_path, sheet)
    assert graded.total == graded.max_points == sum(q["points"] for q in key["questions"])


def _check_reproducible(scenario_path: Path, seed: int, first: Path, tmp_path: Path) -> None:
    second = tmp_path / "again"
    env = {**os.environ, "TZ": OTHER_ZONE, "PYTHONHASHSEED": "4242"}
    load = f"labkit.load_scenario({str(scenario_path)!r})"
    code = f"import labkit; labkit.generate({load}, {seed}, {str(second)!r}, verify=False)"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert _tree(first) == _tree(second)


@pytest.mark.parametrize(("scenario_path", "seed"), CASES, ids=[f"{p.stem}-seed{s}" for p, s in CASES])
def test_network_variant(scenario_path: Path, seed: int, tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    result = labkit.generate(labkit.load_scenario(scenario_path), seed, lab)  # verify: tshark + TSK
    key = json.loads(result.key_path.read_text(encoding="utf-8"))
    facts = json.loads((lab / "facts.json").read_text(encoding="utf-8"))["facts"]
    captures = [record for record in facts.values() if {"packets", "format", "file_name"} <= record.keys()]
    assert captures and any(q["medium"] in ("network", "several") for q in key["questions"])

    for record in captures:
        _check_expert(lab / "case" / "evidence" / record["file_name"])
    downloads = [owner for owner, record in facts.items() if isinstance(record.get("file"), dict)]
    for owner in downloads:
        _check_download(lab, facts, owner, tmp_path)
    _check_grading(result.key_path, key, tmp_path)
    _check_reproducible(scenario_path, seed, lab, tmp_path)

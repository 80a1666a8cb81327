"""What every reference-solver test does: give the solver only a trainee's case folder, grade its sheet.

A solver must work from what a trainee receives, so each test copies ``case/`` alone out
of the generated lab (``key.json`` and ``facts.json`` stay behind), lets the solver fill
in ``answers.yaml`` and grades that sheet with the trainer's key. :class:`Wire` and
:class:`Connection` build captures by hand with scapy, to show that a solver's heuristics
do not depend on labkit's own writers.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw

import labkit
from labkit.grading import grade_files
from labkit.scenario.catalog import resolve_scenario_path

#: What a generated case folder holds; the key and the facts are beside it, never in it.
CASE_FOLDER_ENTRIES = ["MANIFEST.sha256", "answers.yaml", "briefing.md", "evidence"]


def trainee_copy(lab: Path, target: Path) -> Path:
    """Only what a trainee receives: the case folder, without key.json or facts.json."""
    shutil.copytree(lab / "case", target)
    return target


def verified_lab_fixture(scenario_id: str, seed: int = 1) -> Callable[..., Path]:
    """A module-scoped fixture: the lab of ``seed``, generated with verification on."""

    @pytest.fixture(scope="module")
    def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
        out = tmp_path_factory.mktemp(f"seed{seed}") / "lab"
        labkit.generate(labkit.load_scenario(resolve_scenario_path(scenario_id)), seed, out, verify=True)
        return out

    return lab


def solve_and_grade(
    solve: Callable[[Path], Mapping[str, str]], lab: Path, trainee_dir: Path, questions: Collection[str]
) -> tuple[Path, Mapping[str, str]]:
    """Solve a copy of the lab's case folder in ``trainee_dir``: full marks, every question, sheet intact.

    Returns the solved copy and the solver's answers.
    """
    case = trainee_copy(lab, trainee_dir / "case")
    blank = (case / "answers.yaml").read_text(encoding="utf-8")

    answers = solve(case)

    graded = grade_files(lab / "key.json", case / "answers.yaml")
    assert graded.percentage == 100.0, [(v.question_id, v.given, v.reason) for v in graded.verdicts]
    assert set(answers) == set(questions)
    filled = (case / "answers.yaml").read_text(encoding="utf-8")
    comments = [line for line in blank.splitlines() if line.startswith("#")]
    assert comments and comments == [line for line in filled.splitlines() if line.startswith("#")]
    assert YAML(typ="safe", pure=True).load(filled) == dict(answers)
    assert sorted(path.name for path in case.iterdir()) == CASE_FOLDER_ENTRIES
    return case, answers


class Wire:
    """Packets in capture order, 2 ms apart from ``start`` (epoch seconds); scapy fills in lengths and
    checksums."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.packets: list[Packet] = []

    def add(self, source: tuple[str, str], target: tuple[str, str], layers: Packet) -> int:
        packet = Ether(src=source[1], dst=target[1]) / IP(src=source[0], dst=target[0]) / layers
        packet.time = self.start + len(self.packets) * 0.002
        self.packets.append(packet)
        return len(self.packets)


class Connection:
    """One TCP connection with honest sequence numbers: each segment is acknowledged."""

    def __init__(self, wire: Wire, client: tuple[str, str], server: tuple[str, str], ports: tuple[int, int]):
        self.wire, self.ends, self.ports = wire, {"client": client, "server": server}, ports
        self.seq = {"client": 1000, "server": 9000}

    def _send(self, sender: str, flags: str, data: bytes = b"") -> int:
        receiver = "server" if sender == "client" else "client"
        sport, dport = self.ports if sender == "client" else self.ports[::-1]
        segment = TCP(sport=sport, dport=dport, flags=flags, seq=self.seq[sender],
                      ack=self.seq[receiver] if "A" in flags else 0, window=64240)  # fmt: skip
        number = self.wire.add(
            self.ends[sender], self.ends[receiver], segment / Raw(data) if data else segment
        )
        self.seq[sender] += len(data) + (1 if "S" in flags or "F" in flags else 0)
        return number

    def open(self) -> int:
        syn = self._send("client", "S")
        self._send("server", "SA")
        self._send("client", "A")
        return syn

    def say(self, sender: str, data: bytes) -> int:
        """``data`` in 1400-byte segments, each acknowledged; returns the first segment's frame."""
        first = 0
        for start in range(0, len(data), 1400):
            number = self._send(sender, "PA", data[start : start + 1400])
            first = first or number
            self._send("server" if sender == "client" else "client", "A")
        return first

    def close(self) -> None:
        self._send("client", "FA")
        self._send("server", "FA")
        self._send("client", "A")

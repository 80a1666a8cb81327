"""``labkit verify``: every answer of a key, read back from the evidence by independent tools.

Disk answers are read with The Sleuth Kit (``disk_checks``), network answers with tshark
(``network_checks``); a download saved to a disk is checked in both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.errors import UsageError, VerificationError
from labkit.key import AnswerKey, KeyQuestion
from labkit.story.network.action_base import CONNECTION_FACTS
from labkit.verify.disk_checks import (
    DiskEvidence,
    Observation,
    observe_disk_fact,
    observe_file_fact,
    observe_hidden_fact,
)
from labkit.verify.integrity_checks import check_ewf, check_manifest, check_no_secrets
from labkit.verify.memory_checks import MemoryEvidence
from labkit.verify.network_checks import NetworkEvidence
from labkit.verify.volume_checks import check_volume_with_fsck, pytsk3_file_sha256


@dataclass(frozen=True)
class CheckResult:
    question: str
    source: str
    expected: Any
    observed: Any
    tool: str
    agrees: bool
    reason: str


@dataclass
class VerifyReport:
    checks: list[CheckResult] = field(default_factory=list)
    volume_checks: list[tuple[str, bool, str]] = field(default_factory=list)
    #: (what, ok, detail): the manifest, secrets in the case folder, E01 checksums.
    integrity_checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            all(c.agrees for c in self.checks)
            and all(ok for _, ok, _ in self.volume_checks)
            and all(ok for _, ok, _ in self.integrity_checks)
        )


def _load(root: Path) -> tuple[AnswerKey, dict[str, dict[str, Any]]]:
    key_path, facts_path = root / "key.json", root / "facts.json"
    if not key_path.is_file() or not facts_path.is_file():
        raise UsageError(
            f"{root}: not a generated lab folder (needs key.json and facts.json from 'labkit generate')"
        )
    key = AnswerKey.load(key_path)
    try:
        facts = json.loads(facts_path.read_text(encoding="utf-8"))["facts"]
    except (ValueError, KeyError) as exc:
        raise UsageError(f"{facts_path}: unreadable fact file ({exc}); regenerate the lab") from None
    return key, facts


def agrees(question: KeyQuestion, observed: Any) -> tuple[bool, str]:
    """Grade the observation as if a trainee had answered it."""
    if observed is None:
        return False, "the tool did not show it"
    from labkit.grading import check_answer

    if isinstance(observed, bool):
        observed = "yes" if observed else "no"
    verdict = check_answer(question, observed)
    return verdict.status == "correct", verdict.reason


#: Media whose answers verify reads back ("several": an action that left traces in more than one).
VERIFIED_MEDIA = ("disk", "network", "memory", "several")


def verify_report(root: str | Path) -> VerifyReport:
    """Check every disk and network answer of the lab at ``root``; never raises on disagreement."""
    root = Path(root)
    key, facts = _load(root)
    evidence_dir = root / "case" / "evidence"
    report = VerifyReport()
    case_dir = root / "case"
    report.integrity_checks.append(("manifest", *check_manifest(case_dir)))
    report.integrity_checks.append(("case folder secrets", *check_no_secrets(case_dir, key.seed)))
    disks: dict[str, DiskEvidence] = {}
    for disk_id, disk in facts.items():
        if "image_sha256" in disk:
            image = evidence_dir / disk["file_name"]
            if not image.is_file():
                report.integrity_checks.append((f"{disk_id} image", False, f"{image.name} is missing"))
                continue
            report.integrity_checks.append((f"{disk_id} image", *check_ewf(image)))
            disks[disk_id] = DiskEvidence(image, disk["partition_offset_sectors"], disk["timezone"])
            ok, detail = check_volume_with_fsck(image, disk["partition_offset_sectors"])
            report.volume_checks.append((disk_id, ok, detail))
    with NetworkEvidence(evidence_dir, facts) as network, MemoryEvidence(evidence_dir, facts) as memory:
        for capture_id in network.capture_ids():
            report.integrity_checks.append((f"{capture_id} capture", *network.integrity(capture_id)))
        for image_id in memory.image_ids():
            report.integrity_checks.append((f"{image_id} memory image", *memory.integrity(image_id)))
        for question in key.questions:
            sources = [question.source] if question.source else question.sources
            if question.medium not in VERIFIED_MEDIA or not sources:
                continue
            observations = [_observe(source, facts, disks, network, memory) for source in sources]
            if question.source:
                observed, tool = observations[0].value, observations[0].tool
            else:  # a set or list question: every item read back by its own tool, compared as a whole
                observed = [o.value for o in observations]
                observed = None if None in observed else observed
                tool = " + ".join(dict.fromkeys(o.tool for o in observations))
            ok, reason = agrees(question, observed)
            report.checks.append(
                CheckResult(question.id, ", ".join(sources), question.answer, observed, tool, ok, reason)
            )
    return report


def _observe(
    source: str,
    facts: dict[str, Any],
    disks: dict[str, DiskEvidence],
    network: NetworkEvidence,
    memory: MemoryEvidence,
) -> Observation:
    """Route a fact to its reader: TSK for disks and the files on them, tshark for captures, vol for RAM."""
    owner, _, fact = source.partition(".")
    record = facts.get(owner, {})
    if "memory" in record or "kernel_release" in record:
        if fact in CONNECTION_FACTS and "tcp_stream" in record:  # a reverse shell's flow: from the capture
            return network.observe(owner, fact)
        return memory.observe(owner, fact)
    nested, _, rest = fact.partition(".")
    if nested == "file" and isinstance(record.get("file"), dict) and rest:
        record, fact = record["file"], rest  # a download saved to disk: its file's own facts
    elif not {"image_sha256", "inode", "length"} & record.keys():
        return network.observe(owner, fact)
    head = fact.split(".", 1)[0]
    disk_id = owner if "image_sha256" in record else record.get("disk")
    if disk_id not in disks:
        return Observation(None, "the evidence image is missing")
    if "image_sha256" in record:
        evidence = disks[disk_id]
        return observe_disk_fact(evidence.image, evidence.offset, head)
    if "inode" in record:
        evidence = disks[disk_id]
        observation = observe_file_fact(evidence, record, head)
        if head in ("md5", "sha1", "sha256") and observation.value is not None:
            second = pytsk3_file_sha256(evidence.image, evidence.offset, record["inode"])
            if second != record["sha256"]:
                return Observation(None, "pytsk3 disagrees with icat")
        return observation
    if "length" in record:
        return observe_hidden_fact(disks[disk_id], record, head)
    return Observation(None, "no independent reader for this fact")


def verify_output(root: str | Path) -> VerifyReport:
    """Like :func:`verify_report`, but raises VerificationError on the first disagreement."""
    report = verify_report(root)
    for what, ok, detail in report.integrity_checks:
        if not ok:
            raise VerificationError(f"{what}: {detail}")
    for disk_id, ok, detail in report.volume_checks:
        if not ok:
            raise VerificationError(f"fsck.fat -n reports problems on disk {disk_id!r}: {detail}")
    for check in report.checks:
        if not check.agrees:
            raise VerificationError(
                f"question {check.question} ({check.source}): key says {check.expected!r}, "
                f"{check.tool} shows {check.observed!r} ({check.reason})"
            )
    return report

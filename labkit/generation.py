"""Generate one variant: evidence, facts, answer key and the trainee's case folder.

    scenario + seed -> Variant -> actions render into disks (recording facts)
                    -> images finalised (raw or E01) -> key resolved from facts
                    -> case folder + key + facts -> verify -> renamed into place

Everything is built in a temporary sibling folder and renamed into place at the
end: the output appears whole or not at all.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.errors import DiskFullError, EvidenceError, OutputExistsError, UsageError
from labkit.key import AnswerKey
from labkit.scenario.loader import Scenario
from labkit.scenario.variant import make_variant
from labkit.story import ActionFailed
from labkit.story.context import StoryContext
from labkit.story.evidence_build import build_disks, finish_disks
from labkit.story.facts import FactBook
from labkit.story.memory.build import build_memory, finish_memory
from labkit.story.network.build import build_network, finish_network

KEY_FILE = "key.json"
FACTS_FILE = "facts.json"
CASE_DIR = "case"


@dataclass(frozen=True)
class GenerationResult:
    out: Path
    case_dir: Path
    key_path: Path
    key: AnswerKey
    verified: bool


def generate(
    scenario: Scenario,
    seed: int | str,
    out: str | Path,
    *,
    lang: str = "en",
    verify: bool = True,
    trainee: str | None = None,
    selfcheck_secret: bytes | None = None,
) -> GenerationResult:
    """Generate a variant of ``scenario`` into ``out`` (which must not exist or be empty).

    A class build passes ``trainee`` (named on the answer sheet) and, in practice
    mode, ``selfcheck_secret`` (the case folder then carries a sealed self-check,
    see :mod:`labkit.grading.selfcheck`); without them the output is unchanged.
    """
    out = Path(out).absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputExistsError(
            f"{out}: output folder exists and is not empty; choose another --out or remove it"
        )
    _refuse_inside_a_lab(out)
    created = _make_parents(out.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except BaseException:
        _remove_empty(created)
        raise
    try:
        key = build_variant(
            scenario, seed, tmp, lang=lang, trainee=trainee, selfcheck_secret=selfcheck_secret
        )
        if verify:
            from labkit.verify import verify_output

            verify_output(tmp)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(created)
        raise
    return GenerationResult(out, out / CASE_DIR, out / KEY_FILE, key, verify)


def _where(scenario: Scenario, item: Any, message: str) -> list[str | int]:
    """The action, or its field when the message starts with one the scenario wrote (``port: ...``)."""
    where: list[str | int] = ["timeline", item.index]
    field, separator, _ = message.partition(": ")
    raw = scenario.spec.timeline[item.index] if item.index < len(scenario.spec.timeline) else {}
    if separator and isinstance(raw, dict) and field in raw:
        where.append(field)
    return where


def _case_id(book: FactBook) -> str:
    """Ten hex digits naming the variant by its evidence (not by its seed, which must stay secret)."""
    digest = hashlib.sha256()
    for owner in sorted(book.facts):
        if "image_sha256" in book.facts[owner]:
            digest.update(f"{owner}:{book.facts[owner]['image_sha256']}\n".encode())
        elif owner in book.captures:
            digest.update(f"{owner}:{book.facts[owner]['sha256']}\n".encode())
    return digest.hexdigest()[:10]


def _refuse_inside_a_lab(out: Path) -> None:
    """A lab inside another lab's folder would put a key where a trainee's case is handed out."""
    for parent in out.parents:
        if (parent / KEY_FILE).exists() or (parent / "MANIFEST.sha256").exists():
            raise UsageError(f"{out}: inside the lab or case folder {parent}; choose an --out outside it")


def _make_parents(folder: Path) -> list[Path]:
    """Create missing parent folders; return those created (to remove them again on failure)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file, not a folder; choose another --out")
    for path in reversed(missing):
        path.mkdir()
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            break


def build_variant(
    scenario: Scenario,
    seed: int | str,
    root: Path,
    *,
    lang: str,
    trainee: str | None = None,
    selfcheck_secret: bytes | None = None,
) -> AnswerKey:
    """Write evidence, facts, key and case folder of one variant under ``root``."""
    from labkit.casefile.builder import write_case_folder
    from labkit.casefile.key_resolver import resolve_key

    variant = make_variant(scenario, seed)
    case_dir = root / CASE_DIR
    evidence_dir = case_dir / "evidence"
    work_dir = root / ".work"
    evidence_dir.mkdir(parents=True)
    work_dir.mkdir()
    ctx = StoryContext(seed, variant.values, scenario.zone, scenario.spec.languages)
    book = FactBook()
    build_disks(scenario, variant, ctx, work_dir)
    build_network(scenario, variant, ctx)
    build_memory(scenario, variant, ctx)
    for item in variant.schedule:
        try:
            facts = item.action.apply(ctx, item.when)
        except ActionFailed as exc:
            raise scenario.error_at(_where(scenario, item, str(exc)), str(exc)) from None
        except DiskFullError as exc:
            raise scenario.error_at(
                ["timeline", item.index], str(exc), hint="make the disk larger or the content smaller"
            ) from None
        except EvidenceError as exc:
            raise scenario.error_at(["timeline", item.index], str(exc)) from None
        if facts is not None:
            # Every planted item is recorded; actions without an id under "#<timeline index>",
            # which no question can name (ids are identifiers) but a trainer can read.
            if "memory" in item.action.media_used():  # verify reads it with the view of its action
                facts.setdefault("action", item.action.action)
            book.record(item.action.id or f"#{item.index}", item.action.media_used(), facts)
    book.resolve_files(ctx)
    finish_disks(scenario, variant, ctx, book, work_dir, evidence_dir)
    finish_network(scenario, ctx, book, evidence_dir)
    finish_memory(scenario, variant, ctx, book, evidence_dir)
    shutil.rmtree(work_dir)
    key = resolve_key(scenario, variant, book)
    key.case_id = _case_id(book)
    (root / KEY_FILE).write_text(key.to_json(), encoding="utf-8")
    (root / FACTS_FILE).write_text(book.to_json(), encoding="utf-8")
    seal = None
    if selfcheck_secret is not None:
        from labkit.grading.selfcheck import seal_key

        seal = seal_key(key, selfcheck_secret)
    write_case_folder(scenario, variant, key, case_dir, lang=lang, book=book, trainee=trainee, selfcheck=seal)
    return key

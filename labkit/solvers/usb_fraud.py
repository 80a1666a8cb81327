"""Solving a ``usb-fraud`` case as a trainee would: from the case folder alone, with labkit's disk tools.

The solver never opens the key or the generator's facts. Each answer comes from a
check an examiner would run, and each :class:`Finding` says what the tool showed:

    q1      stored MD5 in the E01, recomputed over the media   (labkit disk hash)
    q2      volume serial from the boot sector                 (labkit disk info)
    q3-q5   the deleted spreadsheet: path, recovered SHA-256,  (labkit disk ls -r --deleted-only,
            last-modified time in the briefing's zone           disk hash -i, disk stat --tz)
    q6-q7   the file whose signature contradicts its extension (labkit disk cat | head -c 8)
    q8-q9   the file whose slack holds readable text           (labkit disk cat --slack)
    q10     the file copied in: modified before it was created (labkit disk ls -r -l)

Nothing is keyed to the file names a variant happens to use; where a heuristic
finds several candidates it takes the strongest one and says how many there were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, tzinfo
from pathlib import Path

from labkit.errors import EvidenceError
from labkit.solvers.answer_filling import write_answer_sheet
from labkit.solvers.case_folder import read_case_folder
from labkit.solvers.file_signatures import (
    SPREADSHEET_EXTENSIONS,
    SPREADSHEET_TYPES,
    detect_type,
    extension_contradicts,
    extension_of,
    readable_text,
)
from labkit.tools.disk import (
    FileEntry,
    FileSystem,
    describe_file_system,
    hash_file,
    hash_image,
    iter_file_content,
    iter_file_slack,
    list_files,
    open_evidence,
    open_target,
    resolve_zone,
    stat_file,
)

SCENARIO_ID = "usb-fraud"
MAX_SNIFF_BYTES = 32 * 1024 * 1024  # larger files are typed from their first chunk only
FAT_WRITE_PRECISION = timedelta(seconds=2)  # FAT's modified time is truncated to 2 s


@dataclass(frozen=True)
class Finding:
    """One answer (None: not found) and, in one line, what the tools showed."""

    question_id: str
    answer: str | None
    how: str


@dataclass(frozen=True)
class Solution:
    """Everything the solver found in one case folder."""

    case_dir: Path
    image: Path
    zone: str
    findings: tuple[Finding, ...]

    @property
    def answers(self) -> dict[str, str]:
        return {f.question_id: f.answer for f in self.findings if f.answer is not None}


@dataclass(frozen=True)
class ExaminedFile:
    """A regular file (allocated or deleted) with the type its content's signature shows."""

    entry: FileEntry
    detected: str | None
    head: bytes


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
    image_path = case.disk_image()
    with open_evidence(image_path) as file_system:
        files = examine_files(file_system)
        findings = (
            stored_image_hash(file_system),
            volume_serial(file_system),
            *deleted_spreadsheet(file_system, files, zone, zone_name),
            *disguised_file(file_system, files),
            *slack_note(file_system, files),
            copied_in_file(files, zone),
        )
    return Solution(case.root, image_path, zone_name, findings)


def examine_files(file_system: FileSystem) -> list[ExaminedFile]:
    """Every regular file whose data is still its own, typed by signature (``fls -r`` + ``file``)."""
    examined = []
    for entry in list_files(file_system, "/", recursive=True):
        if entry.is_directory or entry.is_virtual or entry.is_volume_label or entry.reallocated:
            continue
        try:
            content = _read_head(file_system, entry, MAX_SNIFF_BYTES)
        except EvidenceError:
            content = b""  # a deleted file whose clusters TSK cannot place: nothing to type
        complete = len(content) == (entry.size or 0)
        examined.append(ExaminedFile(entry, detect_type(content, complete=complete), content[:8]))
    return examined


def stored_image_hash(file_system: FileSystem) -> Finding:
    """q1: the MD5 the acquisition stored, and whether the media still hashes to it."""
    ewf = file_system.image.summary.ewf
    if ewf is None or not ewf.stored_md5:
        return Finding("q1", None, "the image stores no MD5 (not an E01, or acquired without one)")
    result = hash_image(file_system.image, ("md5",))
    verdict = "the media matches" if result.md5_matches else "the media does NOT match"
    rehash = "re-hashes to it" if result.md5_matches else "does NOT re-hash to it"
    return Finding(
        "q1",
        f"{ewf.stored_md5.lower()} ({verdict})",
        f"stored in the E01; the {result.media_size}-byte media {rehash}",
    )


def volume_serial(file_system: FileSystem) -> Finding:
    """q2: the serial FORMAT wrote into the boot sector."""
    summary = describe_file_system(file_system)
    where = f"partition #{summary.partition_index:03d}" if summary.partition_index is not None else "image"
    return Finding("q2", summary.serial, f"{summary.type_name} boot sector, {where}")


def deleted_spreadsheet(
    file_system: FileSystem, files: list[ExaminedFile], zone: tzinfo, zone_name: str
) -> tuple[Finding, Finding, Finding]:
    """q3-q5: a deleted entry named or shaped like a spreadsheet; its content; its time."""
    candidates = [
        f
        for f in files
        if f.entry.deleted
        and (extension_of(f.entry.name) in SPREADSHEET_EXTENSIONS or f.detected in SPREADSHEET_TYPES)
    ]
    if not candidates:
        missing = "no deleted spreadsheet among the deleted entries"
        return Finding("q3", None, missing), Finding("q4", None, missing), Finding("q5", None, missing)
    # Strongest first: content and name agree, then content alone, then name alone.
    candidates.sort(
        key=lambda f: (
            f.detected not in SPREADSHEET_TYPES,
            extension_of(f.entry.name) not in SPREADSHEET_EXTENSIONS,
        )
    )
    chosen = candidates[0]
    entry = chosen.entry
    metadata = stat_file(file_system, inode=entry.inode)
    others = f"; {len(candidates) - 1} other candidate(s)" if len(candidates) > 1 else ""
    digest = hash_file(file_system, inode=entry.inode, algorithms=("sha256",)).digests["sha256"]
    intact = (
        f"a valid {chosen.detected} by signature"
        if chosen.detected in SPREADSHEET_TYPES
        else f"content is {chosen.detected or 'unrecognised'}: its clusters may have been reused"
    )
    modified = entry.modified.iso(zone) if entry.modified else None
    return (
        Finding(
            "q3",
            entry.path,
            f"deleted entry (inode {entry.inode}): its first cluster {metadata.first_cluster} and "
            f"size {entry.size} survive{others}",
        ),
        Finding(
            "q4", digest, f"{entry.size} bytes recovered from cluster {metadata.first_cluster} on: {intact}"
        ),
        Finding("q5", modified, f"local time as FAT stored it (2 s steps); zone {zone_name}"),
    )


def disguised_file(file_system: FileSystem, files: list[ExaminedFile]) -> tuple[Finding, Finding]:
    """q6-q7: an allocated file whose signature contradicts its extension (hidden ones first)."""
    liars = [f for f in files if not f.entry.deleted and extension_contradicts(f.entry.name, f.detected)]
    if not liars:
        missing = "every file's signature agrees with its extension"
        return Finding("q6", None, missing), Finding("q7", None, missing)
    liars.sort(key=lambda f: "hidden" not in f.entry.attributes)
    chosen = liars[0]
    entry = chosen.entry
    notes = [f"named .{entry.name.rpartition('.')[2]}, but its content is {chosen.detected}"]
    if "hidden" in entry.attributes:
        notes.append("hidden")
    origin = _renamed_from(file_system, entry)
    if origin:
        notes.append(f"renamed from {origin} (a deleted entry with its first cluster and size)")
    if len(liars) > 1:
        notes.append(f"{len(liars) - 1} other mismatch(es)")
    return (
        Finding("q6", entry.path, "; ".join(notes)),
        Finding(
            "q7",
            chosen.detected,
            f"its first bytes {_magic(chosen.head)} are the {chosen.detected} signature",
        ),
    )


def slack_note(file_system: FileSystem, files: list[ExaminedFile]) -> tuple[Finding, Finding]:
    """q8-q9: allocated files whose slack is not all zeros and holds readable text."""
    found: list[tuple[FileEntry, int, int, str]] = []
    for examined in files:
        entry = examined.entry
        if entry.deleted:
            continue  # a deleted file's "slack" is just whatever follows its reconstructed data
        slack = b"".join(iter_file_slack(file_system, open_target(file_system, inode=entry.inode)))
        nonzero = len(slack) - slack.count(0)
        text = readable_text(slack) if nonzero else None
        if text:
            found.append((entry, len(slack), nonzero, text))
    if not found:
        missing = "no allocated file has readable text in its slack"
        return Finding("q8", None, missing), Finding("q9", None, missing)
    entry, length, nonzero, text = max(found, key=lambda item: len(item[3]))
    others = f"; {len(found) - 1} other file(s) with text in slack" if len(found) > 1 else ""
    return (
        Finding(
            "q8", entry.path, f"{nonzero} of the {length} slack bytes after its end are not zero{others}"
        ),
        Finding("q9", text, "the readable text in that slack, cut out of the zeros around it"),
    )


def copied_in_file(files: list[ExaminedFile], zone: tzinfo) -> Finding:
    """q10: a copy keeps its source's modified time and gets a new created time."""
    copied = [
        (f.entry.created.stored - f.entry.modified.stored, f.entry)
        for f in files
        if not f.entry.deleted and f.entry.created and f.entry.modified
    ]
    copied = [(gap, entry) for gap, entry in copied if gap > FAT_WRITE_PRECISION]
    if not copied:
        return Finding("q10", None, "no file was modified before it was created")
    gap, entry = max(copied, key=lambda item: item[0])
    assert entry.created is not None and entry.modified is not None
    others = f"; {len(copied) - 1} other(s)" if len(copied) > 1 else ""
    return Finding(
        "q10",
        entry.created.iso(zone),
        f"created time of {entry.path}: it was modified {_span(gap)} before it was created{others}",
    )


def _read_head(file_system: FileSystem, entry: FileEntry, limit: int) -> bytes:
    target = open_target(file_system, inode=entry.inode)
    chunks, total = [], 0
    for chunk in iter_file_content(file_system, target):
        chunks.append(chunk)
        total += len(chunk)
        if total >= limit:
            break
    return b"".join(chunks)[:limit]


def _renamed_from(file_system: FileSystem, entry: FileEntry) -> str | None:
    """A deleted entry pointing at the same data: on FAT, a rename or move leaves one behind."""
    first_cluster = stat_file(file_system, inode=entry.inode).first_cluster
    for other in list_files(file_system, "/", recursive=True, deleted_only=True):
        if other.is_directory or other.size != entry.size:
            continue
        if stat_file(file_system, inode=other.inode).first_cluster == first_cluster:
            return other.path
    return None


def _magic(head: bytes) -> str:
    """The first bytes as a hex viewer shows them: ``25 50 44 46 2D "%PDF-"``."""
    shown = head[:5]
    text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in shown)
    return f'{shown.hex(" ").upper()} "{text}"'


def _span(gap: timedelta) -> str:
    if gap >= timedelta(days=1):
        return f"{gap.days} days"
    return f"{int(gap.total_seconds())} s"

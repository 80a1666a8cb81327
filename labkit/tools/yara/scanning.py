"""``labkit yara scan RULES TARGET``: compile the rules, tell what TARGET is, scan it the right way."""

from __future__ import annotations

from pathlib import Path

from labkit.tools.yara.capture_scan import scan_capture
from labkit.tools.yara.disk_scan import scan_disk
from labkit.tools.yara.matching import HitBudget
from labkit.tools.yara.memory_scan import scan_memory
from labkit.tools.yara.results import ScanReport, TargetKind
from labkit.tools.yara.rule_loading import RuleSet, load_rules
from labkit.tools.yara.scan_tally import ScanTally
from labkit.tools.yara.target_detection import checked_file, detect_target

DEFAULT_MAX_HITS = 1000


def scan_target(
    rules: str | Path | RuleSet,
    target: str | Path,
    *,
    kind: TargetKind | None = None,
    symbols: str | Path | None = None,
    max_hits: int = DEFAULT_MAX_HITS,
) -> ScanReport:
    """Every match of ``rules`` in ``target`` (a disk image, a memory image or a capture).

    ``kind`` overrides detection from content; ``symbols`` is the folder holding the memory
    image's ISF (default: ``symbols/`` next to the image); at most ``max_hits`` string hits
    are reported, then the scan stops (``limit_reached``).

    Raises:
        LocatedError: a rules file does not compile (file, line, yara's message).
        UsageError / ImageFormatError / CaptureFormatError: the target is missing, of no known
            format, truncated or damaged.
    """
    rule_set = rules if isinstance(rules, RuleSet) else load_rules(rules)
    path = checked_file(target)
    found_kind = kind or detect_target(path)
    budget = HitBudget(max_hits)
    tally = ScanTally(warnings=list(rule_set.warnings))
    if found_kind is TargetKind.DISK:
        scan_disk(path, rule_set.rules, budget, tally)
    elif found_kind is TargetKind.MEMORY:
        scan_memory(path, rule_set.rules, budget, tally, Path(symbols) if symbols is not None else None)
    else:
        scan_capture(path, rule_set.rules, budget, tally)
    return ScanReport(
        target=str(path),
        kind=found_kind,
        rules_path=rule_set.path,
        rule_count=rule_set.count,
        objects_scanned=tally.objects,
        bytes_scanned=tally.bytes,
        matches=tuple(tally.matches),
        limit_reached=budget.reached,
        warnings=tuple(tally.warnings),
    )

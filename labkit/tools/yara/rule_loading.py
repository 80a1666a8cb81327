"""Compile the trainee's YARA rules: one .yar file, or every .yar/.yara file under a folder.

Each file gets its own namespace (its path relative to RULES), so two files may both
define ``rule suspicious`` as they may with ``yarac``. A rule that does not compile is
one line naming the file and line, with yara's own message, so the trainee can fix it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yara

from labkit.errors import LocatedError, UsageError

RULE_SUFFIXES = (".yar", ".yara")
_LOCATED = re.compile(r"^(?P<file>.*)\((?P<line>\d+)\): (?P<message>.*)$", re.DOTALL)
_BARE_LINE = re.compile(r"^line (?P<line>\d+): (?P<message>.*)$", re.DOTALL)


@dataclass(frozen=True)
class RuleSet:
    rules: yara.Rules
    path: str  # RULES as given
    files: tuple[str, ...]
    count: int
    warnings: tuple[str, ...]


def load_rules(path: str | Path) -> RuleSet:
    """Compile RULES (a file, or a folder searched recursively for .yar/.yara files)."""
    root = Path(path)
    if not root.exists():
        raise UsageError(f"{root}: no such rules file or folder")
    if root.is_dir():
        files = sorted(
            (p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in RULE_SUFFIXES),
            key=lambda p: p.relative_to(root).as_posix(),
        )
        if not files:
            raise UsageError(f"{root}: the folder holds no .yar or .yara file")
        namespaces = {p.relative_to(root).as_posix(): p for p in files}
    elif root.is_file():
        namespaces = {root.name: root}
    else:
        raise UsageError(f"{root}: not a regular file or folder")
    for file in namespaces.values():
        if not os.access(file, os.R_OK):
            raise UsageError(f"{file}: cannot read the rules file; check its permissions")
    try:
        rules = yara.compile(filepaths={name: str(file) for name, file in namespaces.items()})
    except yara.SyntaxError as exc:
        raise _located(str(exc), next(iter(namespaces.values()))) from None
    except yara.Error as exc:
        raise UsageError(f"{root}: yara cannot load the rules: {exc}") from None
    return RuleSet(
        rules=rules,
        path=str(root),
        files=tuple(str(file) for file in namespaces.values()),
        count=sum(1 for _ in rules),
        warnings=tuple(str(warning) for warning in getattr(rules, "warnings", ()) or ()),
    )


def _located(message: str, default_file: Path) -> LocatedError:
    """yara says ``file(12): undefined string "$b"``; we say ``file:12: undefined string "$b"``."""
    text = message.strip()
    located = _LOCATED.match(text)
    if located:
        return LocatedError(located["message"], file=located["file"], line=int(located["line"]))
    bare = _BARE_LINE.match(text)
    if bare:
        return LocatedError(bare["message"], file=default_file, line=int(bare["line"]))
    return LocatedError(text, file=default_file)

"""Load YAML while keeping where every value came from.

Validation errors must name the file, line and column of the offending value.
ruamel.yaml's round-trip loader keeps positions on every mapping and sequence;
:func:`locate` walks a validation error's path back to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from labkit.errors import ScenarioError

MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40


@dataclass(frozen=True)
class Position:
    line: int | None  # 1-based
    column: int | None  # 1-based


@dataclass
class YamlSource:
    """A parsed YAML document and the file it came from."""

    path: Path
    data: Any

    def position(self, path: Sequence[str | int]) -> Position:
        """Line and column of the value at ``path`` (or of its nearest parent that exists)."""
        return locate(self.data, path)

    def error(self, path: Sequence[str | int], message: str, *, value: Any = None, hint: str | None = None) -> ScenarioError:
        pos = self.position(path)
        field = _dotted(path) or None
        return ScenarioError(message, file=self.path, line=pos.line, column=pos.column, field=field, value=value, hint=hint)


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def locate(node: Any, path: Sequence[str | int]) -> Position:
    best = Position(1, 1)
    for part in path:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line, col = node.lc.value(part) if node[part] is not None else node.lc.key(part)
                best = Position(line + 1, col + 1)
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line, col = node.lc.item(part)
                best = Position(line + 1, col + 1)
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return best


def _check_depth(node: Any, path: Path, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ScenarioError(f"nesting deeper than {MAX_DEPTH} levels", file=path, hint="flatten the structure")
    if isinstance(node, dict):
        for value in node.values():
            _check_depth(value, path, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_depth(value, path, depth + 1)


def load_yaml(path: str | Path) -> YamlSource:
    """Read and parse a YAML file; every failure is a located ScenarioError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError("file not found", file=path, hint="check the path or run 'labkit scenario list'") from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, not a scenario file", file=path) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read file: {exc.strerror}", file=path) from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise ScenarioError(f"file is larger than {MAX_SOURCE_BYTES // 1024} KiB", file=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError("not valid UTF-8 text", file=path, line=line, hint="save the file as UTF-8") from None
    if "\t" in text.split("\n#", 1)[0] and any(l.startswith("\t") for l in text.splitlines()):
        line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("\t"))
        raise ScenarioError("tab used for indentation", file=path, line=line, hint="indent YAML with spaces")
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise ScenarioError(
            f"invalid YAML: {problem}",
            file=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except (YAMLError, RecursionError) as exc:
        raise ScenarioError(f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=path) from None
    if data is None:
        raise ScenarioError("the file is empty", file=path, hint="start from a bundled scenario in scenarios/")
    _check_depth(data, path)
    return YamlSource(path=path, data=data)

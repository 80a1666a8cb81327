"""Load YAML while keeping where every value came from.

Validation errors must name the file, line and column of the offending value.
ruamel.yaml's round-trip loader keeps positions on every mapping and sequence;
:func:`locate` walks a validation error's path back to them.

Two YAML conveniences are turned off because they surprise scenario authors:
unquoted timestamps stay text (``at: 2026-03-14 10:03:12`` is a time expression,
not a ``datetime``), and aliases may not expand into a huge document.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.errors import ScenarioError

MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in the source file."""

    line: int | None
    column: int | None


@dataclass
class YamlSource:
    """A parsed YAML document, its text and the file it came from."""

    path: Path
    data: Any
    text: str = ""

    def position(self, path: Sequence[str | int]) -> Position:
        """Line and column of the value at ``path`` (or of its nearest parent that exists)."""
        return locate(self.data, path)

    def error(
        self,
        path: Sequence[str | int],
        message: str,
        *,
        value: Any = None,
        hint: str | None = None,
        needle: str | None = None,
    ) -> ScenarioError:
        """A ScenarioError located at ``path``.

        ``needle`` refines the line inside a multi-line value: the first line from the
        value's start that contains it (e.g. the undefined name in a briefing).
        """
        pos = self.position(path)
        if needle and pos.line is not None:
            pos = self._refine(pos, needle)
        field = dotted(path) or None
        return ScenarioError(
            message, file=self.path, line=pos.line, column=pos.column, field=field, value=value, hint=hint
        )

    def _refine(self, pos: Position, needle: str) -> Position:
        lines = self.text.splitlines()
        start = (pos.line or 1) - 1
        pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(needle)}(?![A-Za-z0-9_])")
        for number in range(start, min(len(lines), start + 400)):
            match = pattern.search(lines[number], (pos.column or 1) - 1 if number == start else 0)
            if match:
                return Position(number + 1, match.start() + 1)
        return pos


def dotted(path: Sequence[str | int]) -> str:
    """``['timeline', 3, 'path']`` -> ``timeline[3].path``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def locate(node: Any, path: Sequence[str | int]) -> Position:
    """Position of the value at ``path``; the deepest existing parent when it is missing."""
    best = Position(1, 1)
    lc = getattr(node, "lc", None)
    if lc is not None and getattr(lc, "line", None) is not None:
        best = Position(lc.line + 1, lc.col + 1)
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


class _ScenarioConstructor(RoundTripConstructor):
    """Round-trip constructor that keeps unquoted timestamps as the text written."""


_ScenarioConstructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _check_shape(data: Any, path: Path) -> None:
    """Refuse documents nested too deeply or blown up by aliases (a 'billion laughs')."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ScenarioError(
                f"the document has more than {MAX_NODES} values",
                file=path,
                line=1,
                hint="do aliases (*name) expand into copies of copies? write the values out instead",
            )
        if depth > MAX_DEPTH:
            pos = locate(node, [])
            raise ScenarioError(
                f"nesting deeper than {MAX_DEPTH} levels",
                file=path,
                line=pos.line,
                column=pos.column,
                hint="flatten the structure (is an alias referring to itself?)",
            )
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


def _read_text(path: Path) -> str:
    try:
        raw = read_bounded(path, MAX_SOURCE_BYTES)
    except ReadProblem as problem:
        hint = problem.hint
        if problem.message == "file not found":
            hint = "check the path, or run 'labkit scenario list' for bundled ones"
        raise ScenarioError(problem.message, file=path, hint=hint) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise ScenarioError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            file=path,
            line=line,
            column=column,
            hint="save the file as UTF-8 (it looks like another encoding, e.g. cp1251 or latin-1)",
        ) from None
    return text.removeprefix("\ufeff")


def _yaml_error(exc: MarkedYAMLError, text: str, path: Path) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark  # an unclosed quote or bracket: where it opened is what to fix
    lines = text.splitlines()
    line_text = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    indentation = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    if mark is not None and ("\t" in problem or "\t" in indentation):
        return ScenarioError(
            "a tab is used for indentation",
            file=path,
            line=mark.line + 1,
            column=(indentation.find("\t") if "\t" in indentation else mark.column) + 1,
            hint="YAML indents with spaces only: replace the tab with spaces",
        )
    if "duplicate key" in problem:
        key = re.search(r'duplicate key "([^"]*)"', problem)
        name = key[1] if key else "?"
        message = f"key {name!r} appears twice in the same mapping"
        hint = "keep one of them" + (
            f" (the first is at line {exc.context_mark.line + 1})" if exc.context_mark else ""
        )
        return ScenarioError(message, file=path, line=mark.line + 1, column=mark.column + 1, hint=hint)
    context = ""
    if exc.context and exc.context_mark is not None:
        context = (
            f" ({exc.context.strip()} that starts here)"
            if mark is exc.context_mark
            else (f" ({exc.context.strip()} that starts at line {exc.context_mark.line + 1})")
        )
    return ScenarioError(
        f"invalid YAML: {problem}{context}",
        file=path,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        hint="check the indentation and quoting around there; quote text containing ': ' or '#'",
    )


def load_yaml(path: str | Path) -> YamlSource:
    """Read and parse a YAML file; every failure is a located ScenarioError."""
    path = Path(path)
    text = _read_text(path)
    yaml = YAML(typ="rt")
    yaml.Constructor = _ScenarioConstructor
    yaml.allow_duplicate_keys = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # e.g. a reused anchor: valid YAML, and the CLI prints one line only
            data = yaml.load(text)
    except MarkedYAMLError as exc:
        raise _yaml_error(exc, text, path) from None
    except (YAMLError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(f"invalid YAML: {first}", file=path, line=1) from None
    if data is None:
        raise ScenarioError(
            "the file is empty (or only comments)",
            file=path,
            line=1,
            hint="start from a bundled scenario, e.g. scenarios/usb-fraud.yaml",
        )
    _check_shape(data, path)
    return YamlSource(path=path, data=data, text=text)

"""Turn pydantic validation errors into one located, helpful ScenarioError.

Pydantic reports every problem with a location path and a terse message. A
scenario author needs one problem at a time, at the right line, in their terms:
which field, what is wrong with the value, and what would be valid.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from labkit.errors import ScenarioError
from labkit.scenario.yaml_source import YamlSource

# Pydantic names union branches in locations ("str", "dict[str,str]", "function-after[...]").
_TYPE_TAG = re.compile(r"^(str|int|float|bool|none|dict|list|tuple)$|[\[\],]")
_TYPE_ERRORS = {
    "string_type",
    "dict_type",
    "list_type",
    "int_type",
    "float_type",
    "bool_type",
    "tuple_type",
    "model_type",
    "model_attributes_type",
    "none_required",
    "int_parsing",
    "float_parsing",
}
_FRIENDLY = {
    "dict_type": ("expected a mapping (indented 'key: value' lines or {key: value})", None),
    "model_type": ("expected a mapping (indented 'key: value' lines or {key: value})", None),
    "list_type": ("expected a list ('- item' lines or [a, b])", None),
    "tuple_type": ("expected a list ('- item' lines or [a, b])", None),
    "string_type": ("expected text", "put the value in quotes"),
    "int_type": ("expected a whole number", None),
    "int_parsing": ("expected a whole number", None),
    "int_from_float": ("expected a whole number", None),
    "float_type": ("expected a number", None),
    "float_parsing": ("expected a number", None),
    "bool_type": ("expected true or false", None),
    "bool_parsing": ("expected true or false", None),
}
_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "must start with a lower-case letter and hold only a-z, 0-9 and _",
    r"^[a-z0-9][a-z0-9-]*$": "must hold only a-z, 0-9 and -",
    r"^[A-Za-z0-9_-]+$": "must hold only letters, digits, _ and -",
}


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and bool(_TYPE_TAG.search(part))


def _real_path(data: Any, loc: Sequence[str | int]) -> list[str | int]:
    """The location as a path in the YAML: union tags dropped, a missing key kept last."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif _is_tag(part):
            continue
        else:
            if isinstance(node, dict) and isinstance(part, str):
                path.append(part)
            break
    return path


def _rank(
    error: dict[str, Any], source: YamlSource, prefix: Sequence[str | int], data: Any
) -> tuple[int, int]:
    """Unknown fields first (they explain a 'missing' twin), then by position in the file."""
    kind = error["type"]
    order = (
        0
        if kind == "extra_forbidden"
        else (2 if kind in _TYPE_ERRORS and any(map(_is_tag, error["loc"])) else 1)
    )
    line = source.position([*prefix, *_real_path(data, error["loc"])]).line or 0
    return order, line


def located_error(
    exc: ValidationError,
    source: YamlSource,
    prefix: Sequence[str | int] = (),
    model: type[BaseModel] | None = None,
) -> ScenarioError:
    """The most useful error of ``exc``, located in ``source`` under ``prefix``."""
    data = source.data
    for part in prefix:
        data = data[part]
    errors = exc.errors()
    first = min(errors, key=lambda e: _rank(e, source, prefix, data))
    relative = _real_path(data, first["loc"])
    path = [*prefix, *relative]
    if first["type"] == "value_error":
        # A check of a whole mapping or list: point at the key or value its message names.
        node = _node_at(data, relative)
        if isinstance(node, (dict, list)):
            path += _find(node, set(re.findall(r"'([^']+)'", first["msg"]))) or []
    kind = first["type"]
    value = first.get("input")
    hint = None
    if kind == "extra_forbidden":
        field = str(first["loc"][-1])
        allowed = _allowed_fields(model, [p for p in first["loc"][:-1] if not _is_tag(p)])
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
        message = f"unknown field {field!r}"
        if close:
            hint = f"did you mean {close[0]!r}?"
        elif allowed:
            hint = f"valid fields here: {', '.join(allowed)}"
        value = None
    elif kind == "missing":
        message = f"required field {str(first['loc'][-1])!r} is missing"
        hint = "add it"
        value = None
    elif any(map(_is_tag, first["loc"])) and kind in _TYPE_ERRORS:
        message, hint = _union_message(errors, first)
    else:
        message, hint = _message(first)
    if isinstance(value, (CommentedMap, CommentedSeq, dict, list)) or (
        value is not None and (repr(value) in message or f" {value}" in message)
    ):
        value = None  # already shown by the message
    return source.error(path, message, value=value, hint=hint)


def _node_at(data: Any, path: Sequence[str | int]) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _find(node: Any, names: set[str]) -> list[str | int] | None:
    """Path to the first key (or text value) in ``node`` that is one of ``names``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key) in names:
                return [key]
            found = _find(value, names)
            if found is not None:
                return [key, *found]
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str) and value in names:
                return [index]
            found = _find(value, names)
            if found is not None:
                return [index, *found]
    return None


def _message(error: dict[str, Any]) -> tuple[str, str | None]:
    kind = error["type"]
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        close = difflib.get_close_matches(str(error.get("input")), options, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else None
        return f"must be one of {', '.join(options)}", hint
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return _PATTERNS.get(pattern, f"must match the pattern {pattern}"), None
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return f"needs at least {least} item{'s' if least != 1 else ''}", None
    if kind == "too_long":
        return f"holds at most {error.get('ctx', {}).get('max_length')} items", None
    message = error["msg"].removeprefix("Value error, ")
    if message.startswith("Keys should be strings"):
        return "a key must be text", "put it in quotes"
    return message.replace("Input should be", "must be"), None


def _union_message(errors: list[dict[str, Any]], first: dict[str, Any]) -> tuple[str, str | None]:
    """'text or a mapping' style message for a value matching no branch of a union."""
    base = [p for p in first["loc"] if not _is_tag(p)]
    branches = {
        str(p)
        for e in errors
        if [q for q in e["loc"] if not _is_tag(q)] == base
        for p in e["loc"]
        if _is_tag(p)
    }
    if "str" in branches and any(b.startswith("dict") for b in branches):
        return "expected a text, or a mapping of language to text (en:, ru:, kk:)", None
    if "int" in branches and "str" in branches:
        return "expected a number or a text", None
    return _message(first)


def _allowed_fields(model: type[BaseModel] | None, loc: Sequence[str | int]) -> list[str]:
    """Field names valid at ``loc`` of ``model`` (best effort, for did-you-mean)."""
    if model is None:
        return []
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _model_in(fields[part].annotation)
        if current is None:
            return []
    return sorted(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def did_you_mean(name: Any, options: Iterable[Any]) -> str | None:
    """'did you mean X?' for the closest option, or None."""
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None

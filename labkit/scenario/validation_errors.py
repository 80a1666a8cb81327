"""Turn pydantic validation errors into one located, helpful ScenarioError."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from labkit.errors import ScenarioError
from labkit.scenario.yaml_source import YamlSource


def _real_path(data: Any, loc: Sequence[str | int]) -> list[str | int]:
    """The prefix of a pydantic location that exists in the YAML (drops union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, (dict, list)):
            # a missing key or a union branch tag: keep missing keys for the field name only
            if isinstance(part, str) and not any(c in part for c in "[],"):
                path.append(part)
            break
        else:
            break
    return path


def located_error(
    exc: ValidationError,
    source: YamlSource,
    prefix: Sequence[str | int] = (),
    model: type[BaseModel] | None = None,
) -> ScenarioError:
    """The first (most relevant) error of ``exc``, located in ``source`` under ``prefix``."""
    errors = sorted(exc.errors(), key=lambda e: (e["type"] == "union_tag_invalid", len(e["loc"])))
    # Prefer errors that are not just one branch of a 'str or mapping' union.
    first = errors[0]
    sub = source.data
    for part in prefix:
        sub = sub[part]
    rel = _real_path(sub, first["loc"])
    path = [*prefix, *rel]
    kind = first["type"]
    value = first.get("input")
    hint = None
    if kind == "extra_forbidden":
        field = str(first["loc"][-1])
        allowed = _allowed_fields(model, first["loc"][:-1])
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
        message = f"unknown field {field!r}"
        hint = f"did you mean {close[0]!r}?" if close else (f"valid fields here: {', '.join(allowed)}" if allowed else None)
        value = None
    elif kind == "missing":
        message = "required field is missing"
        value = None
    else:
        message = first["msg"].removeprefix("Value error, ")
        if isinstance(value, (CommentedMap, CommentedSeq, dict, list)):
            value = None
    return source.error(path, message, value=value, hint=hint)


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
        annotation = fields[part].annotation
        current = _model_in(annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return sorted(fields)


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None

"""Checks of the timeline that need one drawn variant: planted contents and file paths.

Without these, a document with a wrong parameter or a path typo in a delete
would only be found half-way through writing the evidence. Both replay the
story on paper: contents are rendered and validated by the same code that
generates them; paths are tracked through creates, renames and deletes in the
order the variant schedules them.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from labkit.evidence.documents import document_kinds, validate_document_params
from labkit.scenario.model import check_language
from labkit.scenario.validation_errors import located_error

if TYPE_CHECKING:
    from labkit.scenario.loader import Scenario
    from labkit.scenario.variant import Variant


def check_contents(scenario: Scenario, values: dict[str, Any]) -> None:
    """Validate every planted content with its templates filled in."""
    from labkit.scenario.dry_run import render_at

    for index, action in enumerate(scenario.actions):
        content = getattr(action, "content", None)
        if not isinstance(content, BaseModel):
            continue
        where: list[str | int] = ["timeline", index, "content"]
        if getattr(content, "text", None) is not None:
            text = render_at(scenario, [*where, "text"], content.text, values)
            try:
                text.encode(content.encoding)
            except UnicodeEncodeError as exc:
                bad = exc.object[exc.start : exc.end]
                raise scenario.source.error(
                    [*where, "text"],
                    f"the text holds {bad!r}, which {content.encoding} cannot encode",
                    hint="choose another 'encoding' (utf-8 encodes everything)",
                    needle=bad,
                ) from None
        if getattr(content, "base64", None) is not None:
            try:
                base64.b64decode(content.base64, validate=True)
            except binascii.Error:
                raise scenario.error_at(
                    [*where, "base64"], "not valid base64", hint="encode the bytes with 'base64 -w0 FILE'"
                ) from None
        if getattr(content, "hex", None) is not None:
            try:
                bytes.fromhex(content.hex)
            except ValueError:
                raise scenario.error_at(
                    [*where, "hex"],
                    "not valid hexadecimal",
                    hint="write pairs of hex digits, e.g. '4d5a9000'",
                ) from None
        document = getattr(content, "document", None)
        if document is not None:
            _check_document(scenario, [*where, "document"], document, values)


def _check_document(
    scenario: Scenario, where: list[str | int], document: Any, values: dict[str, Any]
) -> None:
    from labkit.scenario.dry_run import render_at

    if document.lang is not None:
        try:
            check_language(document.lang)
        except ValueError as exc:
            raise scenario.error_at([*where, "lang"], str(exc)) from None
    params = {
        key: _render_deep(scenario, [*where, key], value, values, render_at)
        for key, value in (document.model_extra or {}).items()
    }
    try:
        validate_document_params(document.kind, params)
    except ValidationError as exc:
        kind = document_kinds().get(document.kind)
        model = getattr(kind, "Params", None)
        raise located_error(exc, scenario.source, where, model=model) from None


def _render_deep(
    scenario: Scenario, where: list[str | int], value: Any, values: dict[str, Any], render: Any
) -> Any:
    if isinstance(value, str):
        return render(scenario, where, value, values)
    if isinstance(value, list):
        return [_render_deep(scenario, [*where, i], v, values, render) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _render_deep(scenario, [*where, k], v, values, render) for k, v in value.items()}
    return value


def _key(path: str) -> str:
    """FAT names are case-insensitive: the key the disk runtime uses too."""
    return "/" + "/".join(p for p in path.split("/") if p).casefold()


def check_paths(scenario: Scenario, variant: Variant) -> None:
    """Replay creates, renames and deletes; a path used before it exists is an error."""
    from labkit.scenario.templating import render_template

    disk_ids = [disk.id for _, disk in scenario.disks()]
    live: dict[str, dict[str, tuple[str, int]]] = {disk_id: {} for disk_id in disk_ids}
    stopped: set[str] = set()
    for item in variant.schedule:
        action = item.action
        if not isinstance(getattr(action, "path", None), str) or "memory" in type(action).media:
            continue  # memory actions' paths are on the imaged host, not on a scenario disk
        if not disk_ids:
            break
        disk_id = getattr(action, "disk", None) or disk_ids[0]
        if disk_id in stopped or disk_id not in live:
            continue
        files = live[disk_id]
        # Each action declares what it does to its path (Action.path_effect); an action that names a
        # path without declaring it stops the replay for its disk (it may create files unknown here).
        effect = type(action).path_effect
        path = render_template(action.path, variant.values)
        where: list[str | int] = ["timeline", item.index, "path"]
        if effect == "create":
            _check_names(scenario, where, path)
            _refuse_existing(scenario, where, path, files, disk_id)
            _add(files, path, item.index)
        elif effect is not None:
            _require(scenario, where, path, files, disk_id, action.action, variant.seed)
            if effect == "remove":
                _drop(files, path)
            elif effect == "move":
                target = render_template(action.to, variant.values)
                _check_names(scenario, ["timeline", item.index, "to"], target)
                _refuse_existing(scenario, ["timeline", item.index, "to"], target, files, disk_id)
                _move(files, path, target, item.index)
            elif effect == "disguise":
                target = action.target_path(path)
                _refuse_existing(scenario, ["timeline", item.index, "extension"], target, files, disk_id)
                _move(files, path, target, item.index)
        else:
            stopped.add(disk_id)


def _check_names(scenario: Scenario, where: list[str | int], path: str) -> None:
    """Every component must be a name Windows would accept on FAT (checked by the writer's own rule)."""
    from labkit.errors import EvidenceError
    from labkit.evidence.disk.fat.short_names import check_long_name

    if not path.startswith("/"):
        raise scenario.error_at(where, f"{path!r} is not an absolute path", hint="start it with '/'")
    for part in [p for p in path.split("/") if p]:
        try:
            check_long_name(part)
        except EvidenceError as exc:
            raise scenario.error_at(where, str(exc), hint="rename it as a Windows user could") from None


def _refuse_existing(
    scenario: Scenario, where: list[str | int], path: str, files: dict[str, tuple[str, int]], disk_id: str
) -> None:
    if _key(path) in files:
        _, origin = files[_key(path)]
        raise scenario.error_at(
            where,
            f"{path!r} already exists on disk {disk_id!r} at this time "
            f"(planted by timeline[{origin}]; FAT names ignore case)",
            hint="use another name, or file.modify to change its content",
        )


def _require(
    scenario: Scenario,
    where: list[str | int],
    path: str,
    files: dict[str, tuple[str, int]],
    disk_id: str,
    action: str,
    seed: int | str,
) -> None:
    if _key(path) in files:
        return
    import difflib

    existing = {original: origin for original, origin in files.values()}
    close = difflib.get_close_matches(path, list(existing), n=1, cutoff=0.6)
    hint = (
        f"did you mean {close[0]!r} (planted by timeline[{existing[close[0]]}])?"
        if close
        else "plant it first with file.create, earlier in the timeline"
    )
    raise scenario.error_at(
        where,
        f"{action} needs {path!r}, but disk {disk_id!r} holds no such file at this "
        f"time (in the variant of seed {seed})",
        hint=hint,
    )


def _drop(files: dict[str, tuple[str, int]], path: str) -> None:
    prefix = _key(path) + "/"
    for key in [k for k in files if k == _key(path) or k.startswith(prefix)]:
        del files[key]


def _move(files: dict[str, tuple[str, int]], path: str, target: str, index: int) -> None:
    old = _key(path)
    for key in [k for k in files if k == old or k.startswith(old + "/")]:
        original, _ = files.pop(key)
        files[_key(target) + key[len(old) :]] = (target + original[len(path) :], index)
    _add(files, target, index)


def _add(files: dict[str, tuple[str, int]], path: str, index: int) -> None:
    """Record ``path`` and the folders the writer creates for it on the way."""
    parts = [p for p in path.split("/") if p]
    for depth in range(1, len(parts)):
        parent = "/" + "/".join(parts[:depth])
        files.setdefault(_key(parent), (parent, index))
    files[_key(path)] = (path, index)

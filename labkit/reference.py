"""The scenario reference, derived from the declarations themselves.

Variable types, timeline actions, document kinds and answer types each declare
their parameters once (pydantic models); this module renders those
declarations as Markdown, so docs/scenario-reference.md cannot drift from the
code (a test regenerates it and compares).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_SKIP = {"action", "type"}


def _type_name(annotation: Any) -> str:
    """A readable, stable type name (no validator reprs, no memory addresses)."""
    import types
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(arg) for arg in args)
    if origin is typing.Literal:
        return " | ".join(repr(arg) for arg in args)
    if origin is not None:
        inner = ", ".join(_type_name(arg) for arg in args)
        return (
            f"{getattr(origin, '__name__', str(origin))}[{inner}]"
            if inner
            else getattr(origin, "__name__", "")
        )
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _fields_table(model: type[BaseModel], skip: set[str] = _SKIP) -> list[str]:
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        default = "required" if field.is_required() else repr(field.get_default(call_default_factory=True))
        kind = _type_name(field.annotation).replace("|", "\\|")  # a bare | would split the table cell
        cells = [
            f"`{name}`",
            f"`{kind}`",
            default.replace("|", "\\|"),
            (field.description or "").replace("|", "\\|"),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _doc(obj: Any) -> str:
    return " ".join((obj.__doc__ or "").strip().split("\n\n")[0].split())


def scenario_reference() -> str:
    """Markdown reference of every registered variable type, action, document kind and answer type."""
    from labkit.evidence.documents import document_kinds
    from labkit.grading import answer_type_names, get_answer_type
    from labkit.scenario.loader import DISK_FACTS
    from labkit.scenario.variables import VARIABLE_TYPES
    from labkit.story import ACTIONS

    out = [
        "# Scenario reference",
        "",
        "Generated from the code by `labkit scenario reference`; do not edit by hand.",
        "",
    ]
    out += ["## Variable types", ""]
    for name in VARIABLE_TYPES.names():
        cls = VARIABLE_TYPES.get(name)
        out += [f"### `{name}`", "", _doc(cls), "", *_fields_table(cls), ""]
    out += [
        "## Timeline actions",
        "",
        "Every action also takes `id` (facts are recorded under it), `at` (time expression) and `jitter`.",
        "Disk actions take `disk` (optional when the scenario has one disk). Network actions take `host`",
        "(the acting host, which needs a `network:` identity).",
        "",
    ]
    for name in ACTIONS.names():
        cls = ACTIONS.get(name)
        skip = _SKIP | {"id", "at", "jitter", "disk"}
        out += [
            f"### `{name}`",
            "",
            _doc(cls),
            "",
            f"Media: {', '.join(cls.media)}.",
            "",
            *_fields_table(cls, skip),
            "",
            f"Facts: {', '.join(f'`{f}`' for f in cls.fact_fields)}."
            if cls.fact_fields
            else "Facts: none that a question can name (the trainer's facts.json still records them).",
            "",
        ]
    out += [
        "## Disk facts",
        "",
        "Recorded under each disk's id: " + ", ".join(f"`{f}`" for f in DISK_FACTS) + ".",
        "",
    ]
    from labkit.scenario.network_model import BackgroundSpec, CaptureSpec, NetworkIdentitySpec, NetworkSpec
    from labkit.scenario.question_checks import CAPTURE_FACTS

    out += [
        "## Network",
        "",
        "### `hosts[].network`",
        "",
        _doc(NetworkIdentitySpec),
        "",
        *_fields_table(NetworkIdentitySpec),
        "",
        "### `network`",
        "",
        _doc(NetworkSpec),
        "",
        *_fields_table(NetworkSpec),
        "",
        "### `network.captures[]`",
        "",
        _doc(CaptureSpec),
        "",
        *_fields_table(CaptureSpec),
        "",
        "### `network.captures[].background`",
        "",
        _doc(BackgroundSpec),
        "",
        *_fields_table(BackgroundSpec),
        "",
        "Recorded under each capture's id: " + ", ".join(f"`{f}`" for f in CAPTURE_FACTS) + ".",
        "",
    ]
    from labkit.scenario.memory_model import AccountSpec, MemorySpec
    from labkit.scenario.question_checks import MEMORY_FACTS

    out += [
        "## Memory",
        "",
        "### `hosts[].memory`",
        "",
        _doc(MemorySpec),
        "",
        *_fields_table(MemorySpec),
        "",
        "### `hosts[].memory.accounts[]`",
        "",
        _doc(AccountSpec),
        "",
        *_fields_table(AccountSpec),
        "",
        "Process handles that memory actions can name before the story creates any: `systemd`, `journald`, "
        "`udevd`, `multipathd`, `cron`, `sshd`, `admin_sshd`, `admin_shell` (the administrator's `-bash`), "
        "`admin_top`; on a web server `nginx`, `nginx_worker`, `nginx_worker_2`, `php_fpm`, `php_worker`, "
        "`php_worker_2`; on a database server `mysqld`. Every action with an `id` that starts a process adds "
        "its id.",
        "",
        "Recorded under each image's id: " + ", ".join(f"`{f}`" for f in MEMORY_FACTS) + ".",
        "",
    ]
    out += ["## Document kinds (`content.document.kind`)", ""]
    for name, cls in sorted(document_kinds().items()):
        out += [f"### `{name}`", "", _doc(cls), "", *_fields_table(cls.Params), ""]
    out += ["## Answer types", ""]
    for name in answer_type_names():
        cls = get_answer_type(name)
        out += [f"- `{name}`: {_doc(cls)}"]
    out.append("")
    return "\n".join(out)

"""Load a scenario file and validate everything before any byte is written.

Structure (pydantic models), variables and actions (their registered types),
cross-references (disk ids, action ids, fact names, time expressions) and every
template (by drawing one variant's variables and rendering each text) are
checked here; each problem is one ScenarioError naming file, line, field and
what would be valid.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from labkit.errors import ScenarioError
from labkit.scenario.model import DiskSpec, HostSpec, ScenarioSpec
from labkit.scenario.time_expressions import TimeExpressionError, parse_duration
from labkit.scenario.validation_errors import located_error
from labkit.scenario.variables import VARIABLE_TYPES, VariableType
from labkit.scenario.yaml_source import YamlSource, load_yaml
from labkit.story import ACTIONS, Action

DISK_FACTS = (
    "image_md5", "image_sha1", "image_sha256", "size", "label", "serial", "fat_type", "cluster_size",
    "partition_offset_sectors", "file_name", "format", "free_clusters", "total_clusters",
)


def answer_type_names() -> list[str]:
    from labkit.grading import answer_type_names as names

    return names()


@dataclass
class Scenario:
    """A validated scenario: the spec plus its typed variables and actions."""

    path: Path
    source: YamlSource
    spec: ScenarioSpec
    variables: dict[str, VariableType]
    actions: list[Action]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.spec.timezone)

    def disks(self) -> list[tuple[HostSpec, DiskSpec]]:
        return [(host, disk) for host in self.spec.hosts for disk in host.disks]

    def error_at(self, path: list[str | int], message: str, **kw: Any) -> ScenarioError:
        return self.source.error(path, message, **kw)


def load_scenario(path: str | Path) -> Scenario:
    """Parse and fully validate a scenario file."""
    source = load_yaml(path)
    if not isinstance(source.data, dict):
        raise source.error([], "a scenario is a mapping (id:, title:, hosts:, timeline:, questions: ...)")
    version = source.data.get("labkit")
    if version is None:
        raise source.error([], "missing 'labkit: 1' (the scenario format version) at the top")
    if version != 1:
        raise source.error(["labkit"], "unsupported scenario format version", value=version,
                           hint="this labkit reads version 1")
    try:
        spec = ScenarioSpec.model_validate(source.data)
    except ValidationError as exc:
        raise located_error(exc, source, model=ScenarioSpec) from None
    variables = _variables(spec, source)
    actions = _actions(spec, source)
    scenario = Scenario(Path(path), source, spec, variables, actions)
    _check_references(scenario)
    from labkit.scenario.dry_run import dry_run

    dry_run(scenario)
    return scenario


def _variables(spec: ScenarioSpec, source: YamlSource) -> dict[str, VariableType]:
    out: dict[str, VariableType] = {}
    for name, raw in spec.variables.items():
        where = ["variables", name]
        if not isinstance(raw, dict) or "type" not in raw:
            raise source.error(where, "a variable needs a 'type'", hint=f"valid types: {', '.join(VARIABLE_TYPES.names())}")
        cls = VARIABLE_TYPES.get(raw["type"])
        if cls is None:
            raise source.error([*where, "type"], f"unknown variable type {raw['type']!r}",
                               hint=VARIABLE_TYPES.suggestion(raw["type"]))
        try:
            out[name] = cls.model_validate(dict(raw))
        except ValidationError as exc:
            raise located_error(exc, source, where, model=cls) from None
    return out


def _actions(spec: ScenarioSpec, source: YamlSource) -> list[Action]:
    actions: list[Action] = []
    for index, raw in enumerate(spec.timeline):
        where: list[str | int] = ["timeline", index]
        name = raw.get("action") if isinstance(raw, dict) else None
        if name is None:
            raise source.error(where, "a timeline entry needs an 'action'", hint=f"valid actions: {', '.join(ACTIONS)}")
        cls = ACTIONS.get(name)
        if cls is None:
            raise source.error([*where, "action"], f"unknown action {name!r}", hint=ACTIONS.suggestion(name))
        try:
            actions.append(cls.model_validate(dict(raw)))
        except ValidationError as exc:
            raise located_error(exc, source, where, model=cls) from None
    return actions


def _check_references(scenario: Scenario) -> None:
    spec, source = scenario.spec, scenario.source
    disk_ids: dict[str, list[str | int]] = {}
    for h, host in enumerate(spec.hosts):
        for d, disk in enumerate(host.disks):
            if disk.id in disk_ids:
                raise source.error(["hosts", h, "disks", d, "id"], f"disk id {disk.id!r} is used twice")
            disk_ids[disk.id] = ["hosts", h, "disks", d]
    action_ids: dict[str, Action] = {}
    datetime_vars = {n for n, v in scenario.variables.items() if getattr(v, "type", "") == "datetime"}
    for index, action in enumerate(scenario.actions):
        where: list[str | int] = ["timeline", index]
        if action.id is not None:
            if action.id in action_ids or action.id in disk_ids or action.id in scenario.variables:
                raise source.error([*where, "id"], f"id {action.id!r} is already used by another action, disk or variable")
            action_ids[action.id] = action
        for disk_id in action.disk_ids():
            if disk_id not in disk_ids:
                raise source.error([*where, "disk"], f"unknown disk {disk_id!r}",
                                   hint=_did_you_mean(disk_id, disk_ids) or "declare it under hosts[].disks")
        if "disk" in type(action).model_fields and getattr(action, "disk", None) is None and len(disk_ids) != 1:
            raise source.error(where, "this scenario has several disks: say which one with 'disk:'",
                               hint=f"disks: {', '.join(disk_ids)}")
        if index == 0 and (action.at is None or str(action.at).strip().startswith(("+", "-"))):
            raise source.error([*where, "at"], "the first action needs an absolute time",
                               hint="e.g. 'at: incident - 2d' or an ISO datetime")
        for field_name, expression in (("at", action.at),):
            if expression is not None:
                _check_time_expression(scenario, [*where, field_name], str(expression), datetime_vars)
        if action.jitter is not None:
            try:
                parse_duration(action.jitter)
            except TimeExpressionError as exc:
                raise source.error([*where, "jitter"], str(exc)) from None
    if not disk_ids:
        raise source.error(["hosts"], "no host has a disk: there is no evidence to generate")
    _check_questions(scenario, action_ids, disk_ids)


def _check_time_expression(scenario: Scenario, where: list[str | int], text: str, datetime_vars: set[str]) -> None:
    if re.match(r"^\s*\d{4}-\d{2}-\d{2}", text):
        return
    match = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)", text)
    if match and match[1] not in datetime_vars:
        raise scenario.error_at(where, f"unknown datetime variable {match[1]!r}",
                                hint=_did_you_mean(match[1], datetime_vars) or "declare it under variables with type: datetime")


def _check_questions(scenario: Scenario, action_ids: dict[str, Action], disk_ids: dict[str, Any]) -> None:
    source = scenario.source
    seen: set[str] = set()
    types = answer_type_names()
    for index, question in enumerate(scenario.spec.questions):
        where: list[str | int] = ["questions", index]
        if question.id in seen:
            raise source.error([*where, "id"], f"question id {question.id!r} is used twice")
        seen.add(question.id)
        if question.type not in types:
            raise source.error([*where, "type"], f"unknown answer type {question.type!r}",
                               hint=_did_you_mean(question.type, types) or f"valid types: {', '.join(types)}")
        if question.type == "choice" and not question.choices:
            raise source.error(where, "a choice question needs 'choices'")
        owner, _, fact = question.answer.partition(".")
        if not fact:
            raise source.error([*where, "answer"], "an answer names a recorded fact as ID.FIELD",
                               value=question.answer, hint="e.g. ledger.sha256 or usb.serial")
        if owner in disk_ids:
            fields: tuple[str, ...] = DISK_FACTS
        elif owner in action_ids:
            fields = type(action_ids[owner]).fact_fields
        else:
            known = [*action_ids, *disk_ids]
            raise source.error([*where, "answer"], f"no action or disk has the id {owner!r}",
                               hint=_did_you_mean(owner, known) or "give the action an 'id:'")
        head = fact.split(".", 1)[0]
        if head not in fields:
            raise source.error([*where, "answer"], f"{owner!r} records no fact {head!r}",
                               hint=_did_you_mean(head, fields) or f"facts: {', '.join(fields)}")


def _did_you_mean(name: str, options: Any) -> str | None:
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None

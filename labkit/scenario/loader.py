"""Load a scenario file and validate everything before any byte is written.

Structure (pydantic models), variables and actions (their registered types),
cross-references (disk ids, action ids, fact names, time expressions), disk
geometry, and every template and document (by drawing one variant and
rendering it, see :mod:`labkit.scenario.dry_run`) are checked here; each
problem is one ScenarioError naming file, line, field and what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from labkit.errors import ScenarioError
from labkit.scenario.disk_checks import check_disk_geometry
from labkit.scenario.model import FORMAT_VERSION, DiskSpec, HostSpec, ScenarioSpec
from labkit.scenario.question_checks import DISK_FACTS, check_questions
from labkit.scenario.time_expressions import TimeExpressionError, parse_duration, parse_time_expression
from labkit.scenario.validation_errors import did_you_mean, located_error
from labkit.scenario.variables import VARIABLE_TYPES, VariableType
from labkit.scenario.yaml_source import YamlSource, load_yaml
from labkit.story import ACTIONS, Action

#: Fields of an action (besides 'at') holding time expressions, relative to the action's own time.
ACTION_TIME_FIELDS = ("source_modified",)
TIMES_FIELDS = ("created", "modified", "accessed")


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
        """A ScenarioError located at ``path`` of the scenario file."""
        return self.source.error(path, message, **kw)


def load_scenario(path: str | Path) -> Scenario:
    """Parse and fully validate a scenario file.

    Raises:
        ScenarioError: the first problem found, located at file, line and field.
    """
    source = load_yaml(path)
    if not isinstance(source.data, dict):
        raise source.error(
            [],
            "a scenario is a mapping of fields (labkit:, id:, title:, hosts:, timeline:, questions: ...)",
            hint="start from a bundled scenario, e.g. scenarios/usb-fraud.yaml",
        )
    if "labkit" not in source.data:
        raise source.error(
            [],
            "the scenario format version is missing",
            hint=f"add 'labkit: {FORMAT_VERSION}' as the first line",
        )
    version = source.data["labkit"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise source.error(
            ["labkit"],
            "unsupported scenario format version",
            value=version,
            hint=f"this labkit reads 'labkit: {FORMAT_VERSION}'",
        )
    try:
        spec = ScenarioSpec.model_validate(source.data)
    except ValidationError as exc:
        raise located_error(exc, source, model=ScenarioSpec) from None
    variables = _variables(spec, source)
    actions = _actions(spec, source)
    scenario = Scenario(Path(path), source, spec, variables, actions)
    _check_disks(scenario)
    _check_timeline(scenario)
    check_questions(scenario)
    from labkit.scenario.dry_run import dry_run

    dry_run(scenario)
    return scenario


def _variables(spec: ScenarioSpec, source: YamlSource) -> dict[str, VariableType]:
    out: dict[str, VariableType] = {}
    valid = f"valid types: {', '.join(VARIABLE_TYPES.names())}"
    for name, raw in spec.variables.items():
        where: list[str | int] = ["variables", name]
        if "type" not in raw:
            raise source.error(where, "a variable needs a 'type'", hint=valid)
        kind = raw["type"]
        cls = VARIABLE_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise source.error(
                [*where, "type"],
                "unknown variable type",
                value=kind,
                hint=VARIABLE_TYPES.suggestion(kind) if isinstance(kind, str) else valid,
            )
        try:
            out[name] = cls.model_validate(dict(raw))
        except ValidationError as exc:
            raise located_error(exc, source, where, model=cls) from None
    return out


def _actions(spec: ScenarioSpec, source: YamlSource) -> list[Action]:
    actions: list[Action] = []
    valid = f"valid actions: {', '.join(ACTIONS)}"
    for index, raw in enumerate(spec.timeline):
        where: list[str | int] = ["timeline", index]
        if "action" not in raw:
            raise source.error(where, "a timeline entry needs an 'action'", hint=valid)
        name = raw["action"]
        cls = ACTIONS.get(name) if isinstance(name, str) else None
        if cls is None:
            raise source.error(
                [*where, "action"],
                "unknown action",
                value=name,
                hint=ACTIONS.suggestion(name) if isinstance(name, str) else valid,
            )
        try:
            actions.append(cls.model_validate(dict(raw)))
        except ValidationError as exc:
            raise located_error(exc, source, where, model=cls) from None
    return actions


def _check_disks(scenario: Scenario) -> None:
    source = scenario.source
    seen: set[str] = set()
    for h, host in enumerate(scenario.spec.hosts):
        for d, disk in enumerate(host.disks):
            where: list[str | int] = ["hosts", h, "disks", d]
            if disk.id in seen:
                raise source.error(
                    [*where, "id"], f"disk id {disk.id!r} is used twice", hint="give each disk its own id"
                )
            seen.add(disk.id)
            problem = check_disk_geometry(disk)
            if problem is not None:
                field, message, hint = problem
                raise source.error([*where, *field], message, hint=hint)
            if disk.acquisition is not None:
                _check_base(scenario, [*where, "acquisition", "at"], disk.acquisition.at)
    if not seen and scenario.spec.network is None and not _memory_ids(scenario):
        raise source.error(
            ["hosts"],
            "no host has a disk or a memory image and there is no 'network:' capture: there is no evidence "
            "to generate",
            hint="add 'disks:' to a host, or a 'network:' section with a capture point",
        )
    _check_network(scenario, seen)
    _check_memory(scenario, seen)


def _memory_ids(scenario: Scenario) -> list[str]:
    return [host.memory.id for host in scenario.spec.hosts if host.memory is not None]


def _check_memory(scenario: Scenario, disk_ids: set[str]) -> None:
    """Memory images are of Linux hosts, with ids of their own."""
    from labkit.story.memory.kernels import is_linux

    taken = set(disk_ids) | set(_capture_ids(scenario))
    for h, host in enumerate(scenario.spec.hosts):
        if host.memory is None:
            continue
        where: list[str | int] = ["hosts", h, "memory"]
        if not is_linux(host.os):
            raise scenario.source.error(
                ["hosts", h, "os"] if host.os else where,
                f"memory images are of Linux hosts; host {host.id!r} runs {host.os or 'an unnamed OS'!r}",
                hint="set os: 'Ubuntu 22.04' or 'Debian 11'",
            )
        if host.memory.id in taken:
            raise scenario.source.error(
                [*where, "id"],
                f"id {host.memory.id!r} is already the id of a disk, capture or memory image",
                hint="answers name facts as ID.FIELD, so ids must be unique",
            )
        taken.add(host.memory.id)
        for field in ("booted", "acquired"):
            value = getattr(host.memory, field)
            if value is not None:
                _check_base(scenario, [*where, field], value)


def _check_network(scenario: Scenario, disk_ids: set[str]) -> None:
    """Capture ids are unique, mirror LAN hosts, and do not clash with disk ids."""
    source = scenario.source
    spec = scenario.spec.network
    networked = {h.id: h for h in scenario.spec.hosts if h.network is not None}
    if spec is None:
        return
    if not networked:
        raise source.error(
            ["network"],
            "no host has a 'network:' identity, so no capture can see anything",
            hint="give hosts 'network: {ipv4: 192.168.10.23/24, gateway: 192.168.10.1}'",
        )
    seen: set[str] = set()
    lan_hosts = [h for h, host in networked.items() if host.network and host.network.gateway]
    for index, capture in enumerate(spec.captures):
        where: list[str | int] = ["network", "captures", index]
        if capture.id in seen or capture.id in disk_ids:
            raise source.error(
                [*where, "id"],
                f"id {capture.id!r} is already used by another capture or a disk",
                hint="give each capture its own id",
            )
        seen.add(capture.id)
        for h, host_id in enumerate(capture.hosts):
            if host_id not in lan_hosts:
                raise source.error(
                    [*where, "hosts", h],
                    f"{host_id!r} is not a LAN host (a host with 'network.gateway')",
                    hint=did_you_mean(host_id, lan_hosts) or f"LAN hosts: {', '.join(lan_hosts) or '(none)'}",
                )
        if not capture.hosts and not lan_hosts:
            raise source.error(
                [*where, "hosts"],
                "no host is on the captured LAN (a host with 'network.gateway')",
                hint="give the hosts whose traffic is captured a gateway",
            )
        for field in ("start", "end"):
            value = getattr(capture, field)
            if value is not None:
                _check_base(scenario, [*where, field], value)


def _disk_ids(scenario: Scenario) -> list[str]:
    return [disk.id for _, disk in scenario.disks()]


def _capture_ids(scenario: Scenario) -> list[str]:
    return [c.id for c in scenario.spec.network.captures] if scenario.spec.network else []


def _check_timeline(scenario: Scenario) -> None:
    source = scenario.source
    disk_ids = _disk_ids(scenario)
    seen: dict[str, int] = {}
    for index, action in enumerate(scenario.actions):
        where: list[str | int] = ["timeline", index]
        if action.id is not None:
            if action.id in seen:
                raise source.error(
                    [*where, "id"],
                    f"id {action.id!r} is already used by timeline[{seen[action.id]}]",
                    hint="give each action its own id",
                )
            if (
                action.id in disk_ids
                or action.id in scenario.variables
                or action.id in _capture_ids(scenario)
                or action.id in _memory_ids(scenario)
            ):
                kind = (
                    "a disk"
                    if action.id in disk_ids
                    else "a variable"
                    if action.id in scenario.variables
                    else "a capture or memory image"
                )
                raise source.error(
                    [*where, "id"],
                    f"id {action.id!r} is already the id of {kind}",
                    hint="answers name facts as ID.FIELD, so ids must be unique",
                )
            seen[action.id] = index
        for disk_id in action.disk_ids():
            if disk_id not in disk_ids:
                raise source.error(
                    [*where, "disk"],
                    f"unknown disk {disk_id!r}",
                    hint=did_you_mean(disk_id, disk_ids) or f"disks: {', '.join(disk_ids)}",
                )
        host_refs = getattr(action, "host_refs", None)
        if host_refs is not None:
            networked = [h.id for h in scenario.spec.hosts if h.network is not None]
            for field, host_id in host_refs():
                if host_id not in networked:
                    raise source.error(
                        [*where, field],
                        f"{host_id!r} is not a host with a 'network:' identity",
                        hint=did_you_mean(host_id, networked)
                        or f"networked hosts: {', '.join(networked) or '(none)'}",
                    )
            if scenario.spec.network is None:
                raise source.error(
                    where,
                    f"{action.action} needs a 'network:' section with a capture point",
                    hint="add network: {captures: [{id: office_tap}]}",
                )
        memory_refs = getattr(action, "memory_host_refs", None)
        if memory_refs is not None:
            imaged = [h.id for h in scenario.spec.hosts if h.memory is not None]
            for field, host_id in memory_refs():
                if host_id not in imaged:
                    raise source.error(
                        [*where, field],
                        f"{host_id!r} is not a host with a 'memory:' image",
                        hint=did_you_mean(host_id, imaged)
                        or f"imaged hosts: {', '.join(imaged) or '(none)'}",
                    )
        if (
            "disk" in type(action).model_fields
            and getattr(action, "disk", None) is None
            and len(disk_ids) > 1
        ):
            raise source.error(
                where,
                "this scenario has several disks: say which one with 'disk:'",
                hint=f"disks: {', '.join(disk_ids)}",
            )
        if index == 0 and action.at is None:
            raise source.error(
                [*where, "at"],
                "the first action needs an 'at' time",
                hint="e.g. 'at: incident - 2d' or 'at: 2026-03-14 10:03'",
            )
        if action.at is not None:
            parsed = _check_base(scenario, [*where, "at"], action.at)
            if index == 0 and parsed.relative:
                raise source.error(
                    [*where, "at"],
                    "the first action cannot be relative to a previous one",
                    value=action.at,
                    hint="e.g. 'at: incident - 2d' or an ISO datetime",
                )
        for path, text in action_time_fields(action):
            _check_base(scenario, [*where, *path], text)
        if action.jitter is not None:
            try:
                parse_duration(action.jitter)
            except TimeExpressionError as exc:
                raise source.error([*where, "jitter"], str(exc)) from None


def action_time_fields(action: Action) -> Iterable[tuple[list[str | int], str]]:
    """Time expressions an action holds besides ``at`` (relative ones count from the action's time)."""
    for name in ACTION_TIME_FIELDS:
        value = getattr(action, name, None)
        if isinstance(value, str):
            yield [name], value
    times = getattr(action, "times", None)
    if isinstance(times, BaseModel):
        for name in TIMES_FIELDS:
            value = getattr(times, name, None)
            if isinstance(value, str):
                yield ["times", name], value


def _check_base(scenario: Scenario, where: list[str | int], text: str) -> Any:
    """Check a time expression's syntax and that its variable is a declared datetime."""
    try:
        parsed = parse_time_expression(text)
    except TimeExpressionError as exc:
        raise scenario.error_at(where, str(exc)) from None
    if parsed.base is not None:
        root = parsed.base.split(".", 1)[0]
        datetimes = [n for n, v in scenario.variables.items() if getattr(v, "type", "") == "datetime"]
        if root in scenario.variables and root not in datetimes and "." not in parsed.base:
            kind = getattr(scenario.variables[root], "type", "?")
            article = "an" if str(kind)[:1] in "aeiou" else "a"
            raise scenario.error_at(
                where,
                f"{root!r} is {article} {kind} variable, not a datetime",
                hint=f"datetime variables: {', '.join(datetimes) or '(none declared)'}",
            )
        if root not in scenario.variables:
            raise scenario.error_at(
                where,
                f"unknown datetime variable {root!r}",
                hint=did_you_mean(root, datetimes) or "declare it under 'variables:' with 'type: datetime'",
            )
    return parsed


__all__ = ["DISK_FACTS", "Scenario", "action_time_fields", "load_scenario"]

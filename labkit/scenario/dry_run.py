"""Render one variant of a scenario completely, without writing evidence.

Drawing variables and rendering every text catches undefined template names,
empty variable windows and bad time expressions; validating each generated
document's parameters (after its templates are filled in) and replaying the
timeline's file paths catch what would otherwise fail half-way through
generation. All of it happens at load time, before any byte is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from labkit.i18n import as_mapping
from labkit.scenario.story_checks import check_contents, check_paths
from labkit.scenario.templating import TemplateProblem, render_template
from labkit.scenario.time_expressions import TimeExpressionError, evaluate

if TYPE_CHECKING:
    from labkit.scenario.loader import Scenario
    from labkit.scenario.variant import Variant

_NOT_TEMPLATES = {"action", "id", "at", "jitter"}
DRY_RUN_SEED = 0


def dry_run(scenario: Scenario) -> Variant:
    """Draw and render the variant of seed 0; raise the first ScenarioError found."""
    from labkit.scenario.variant import make_variant

    variant = make_variant(scenario, DRY_RUN_SEED)
    values = variant.values
    spec = scenario.spec
    for field in ("title", "briefing"):
        _render_localized(scenario, [field], getattr(spec, field), values)
    for i, question in enumerate(spec.questions):
        for field in ("prompt", "hint", "feedback"):
            _render_localized(scenario, ["questions", i, field], getattr(question, field), values)
    for h, host in enumerate(spec.hosts):
        for d, disk in enumerate(host.disks):
            where: list[str | int] = ["hosts", h, "disks", d]
            _render_localized(scenario, [*where, "description"], disk.description, values)
            if disk.acquisition is not None:
                _walk(scenario, [*where, "acquisition"], disk.acquisition.model_dump(exclude={"at"}), values)
                _check_acquisition(scenario, variant, [*where, "acquisition", "at"], disk.acquisition.at)
    seen_lan_addresses: dict[str, str] = {}
    for h, host in enumerate(spec.hosts):
        if host.network is not None:
            address = _check_network_identity(scenario, h, values)
            if address is not None:
                if address in seen_lan_addresses:
                    raise scenario.error_at(
                        ["hosts", h, "network", "ipv4"],
                        f"{address} is already the address of LAN host {seen_lan_addresses[address]!r}",
                        hint="give each host on the LAN its own address",
                    )
                seen_lan_addresses[address] = host.id
    for i, action in enumerate(scenario.actions):
        _walk(scenario, ["timeline", i], action.model_dump(exclude_none=True), values)
    check_contents(scenario, values)
    check_paths(scenario, variant)
    return variant


def _render_localized(scenario: Scenario, where: list[str | int], text: Any, values: dict[str, Any]) -> None:
    for lang, item in as_mapping(text).items():
        _render(scenario, [*where, lang] if isinstance(text, dict) else where, item, values)


def _walk(scenario: Scenario, where: list[str | int], node: Any, values: dict[str, Any]) -> None:
    if isinstance(node, str):
        _render(scenario, where, node, values)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not (len(where) == 2 and key in _NOT_TEMPLATES):
                _walk(scenario, [*where, key], value, values)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(scenario, [*where, index], value, values)


def render_at(scenario: Scenario, where: list[str | int], text: str, values: dict[str, Any]) -> str:
    """Render ``text``; a problem becomes a ScenarioError at the line of ``where`` that holds it."""
    try:
        return render_template(text, values)
    except TemplateProblem as exc:
        needle = exc.name
        if needle is None and exc.line is not None:
            lines = text.splitlines()
            needle = lines[exc.line - 1].strip() if 0 < exc.line <= len(lines) else None
        hint = exc.hint or f"variables: {', '.join(values) or '(none declared)'}"
        raise scenario.source.error(where, f"template: {exc}", hint=hint, needle=needle) from None


_render = render_at


def _check_acquisition(scenario: Scenario, variant: Variant, where: list[str | int], text: str) -> None:
    """The acquisition must follow the story it captures."""
    last: datetime | None = max((s.when for s in variant.schedule), default=None)
    try:
        acquired = evaluate(text, variables=variant.values, zone=scenario.zone, previous=last)
    except TimeExpressionError as exc:
        raise scenario.error_at(where, str(exc)) from None
    if last is not None and acquired < last:
        raise scenario.error_at(
            where,
            f"the disk would be acquired at {acquired.isoformat()}, before the timeline ends at "
            f"{last.isoformat()} (in the variant of seed {variant.seed})",
            hint="acquire the disk after the last action, e.g. 'at: +1d'",
        )


def _check_network_identity(scenario: Scenario, index: int, values: dict[str, Any]) -> str | None:
    """Render a host's addresses and names the way generation will, and check what comes out.

    Returns the address of a LAN host (two LAN hosts may not share one), None for a remote host.
    """
    from random import Random

    from labkit.story.network.hosts import AddressProblem, make_host

    host = scenario.spec.hosts[index]
    where: list[str | int] = ["hosts", index, "network"]
    network = host.network
    assert network is not None
    texts = network.model_dump(include={"ipv4", "ipv6", "mac", "gateway", "dns"}, exclude_none=True)
    for key, text in texts.items():
        render_at(scenario, [*where, key], text, values)
    for n, name in enumerate(network.names):
        render_at(scenario, [*where, "names", n], name, values)
    try:
        made = make_host(host, lambda text: render_template(text, values), Random(0))
    except AddressProblem as exc:
        field, _, message = str(exc).partition(": ")
        raise scenario.error_at(["hosts", index, *field.split(".")], message) from None
    return str(made.ipv4) if made.on_lan else None

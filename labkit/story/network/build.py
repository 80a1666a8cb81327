"""Set up the story's network before the timeline (hosts, gateway, capture points), write captures after."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from labkit import __version__
from labkit.evidence.network.wire import Capture
from labkit.scenario.loader import Scenario
from labkit.scenario.variant import Variant
from labkit.seeding import rng_for
from labkit.story.context import StoryContext
from labkit.story.evidence_build import reference_time, scenario_time
from labkit.story.facts import FactBook
from labkit.story.network.background import Background
from labkit.story.network.hosts import AddressProblem, NetHost, make_host, router_mac
from labkit.story.network.runtime import CapturePoint, NetworkRuntime, to_us

#: How long a capture runs before the first story packet when the scenario gives no start.
LEAD_IN = timedelta(minutes=5)
#: The capture is taken by a sensor at the switch's SPAN port, not by one of the hosts.
SENSOR_OS = "Linux 6.1.0-28-amd64"


def build_network(scenario: Scenario, variant: Variant, ctx: StoryContext) -> None:
    """Create the network runtime (``ctx.network``) when the scenario has a ``network:`` section."""
    spec = scenario.spec.network
    if spec is None:
        return
    hosts: dict[str, NetHost] = {}
    for index, host in enumerate(scenario.spec.hosts):
        if host.network is None:
            continue
        try:
            hosts[host.id] = make_host(host, ctx.render, rng_for(variant.seed, "mac", host.id))
        except AddressProblem as exc:
            field, _, message = str(exc).partition(": ")
            raise scenario.error_at(["hosts", index, *field.split(".")], message) from None
    gateway_mac = (
        router_mac(rng_for(variant.seed, "gateway-mac")) if spec.gateway_mac == "auto" else spec.gateway_mac
    )
    first = _first_network_time(variant)
    points = []
    for index, capture in enumerate(spec.captures):
        where: list[str | int] = ["network", "captures", index]
        mirrored = set(capture.hosts) or {h.id for h in hosts.values() if h.on_lan}
        start = scenario_time(scenario, variant, [*where, "start"], capture.start) if capture.start else None
        end = scenario_time(scenario, variant, [*where, "end"], capture.end) if capture.end else None
        if start is None:
            jitter = timedelta(seconds=rng_for(variant.seed, "capture-start", capture.id).randrange(0, 120))
            start = (first or reference_time(scenario.zone)) - LEAD_IN - jitter
        points.append(
            CapturePoint(
                spec=capture,
                capture=Capture(
                    file_format=capture.format,
                    interface_name=capture.interface,
                    interface_description=ctx.render(_english(capture.description)),
                    os_name=SENSOR_OS,
                    application=f"labkit {__version__}",
                ),
                hosts=mirrored,
                start_us=to_us(start),
                end_us=to_us(end) if end else None,
            )
        )
    runtime = NetworkRuntime(
        hosts=hosts,
        gateway_mac=gateway_mac.lower().replace("-", ":"),
        points=points,
        rng_for=lambda *labels: rng_for(variant.seed, "net", *labels),
        seed_label=str(variant.seed),
        zone=scenario.zone,
    )
    runtime.background = Background(runtime)
    ctx.network = runtime


def finish_network(scenario: Scenario, ctx: StoryContext, book: FactBook, evidence_dir: Path) -> None:
    """Write every capture file, record its facts, and turn frame/stream handles into numbers."""
    runtime: NetworkRuntime | None = ctx.network
    if runtime is None:
        return
    for index, point in enumerate(runtime.points):
        if point.story_first_us is not None and point.story_first_us < point.start_us:
            raise scenario.error_at(
                ["network", "captures", index, "start"],
                "the capture starts after traffic of the story it should contain",
                hint="move 'start' earlier or omit it (default: 5 minutes before the first packet)",
            )
        if (
            point.end_us is not None
            and point.story_last_us is not None
            and point.story_last_us > point.end_us
        ):
            raise scenario.error_at(
                ["network", "captures", index, "end"],
                "the capture ends before traffic of the story it should contain",
                hint="move 'end' later or omit it (default: 5 minutes after the last packet)",
            )
    for capture_id, facts in runtime.finish(evidence_dir).items():
        book.record(capture_id, ("network",), facts)
        book.captures.add(capture_id)
    book.resolve_network()


def _first_network_time(variant: Variant):  # type: ignore[no-untyped-def]
    for item in variant.schedule:
        if "network" in type(item.action).media:
            return item.when
    return None


def _english(text: object) -> str:
    if isinstance(text, dict):
        return str(text.get("en") or next(iter(text.values()), ""))
    return str(text or "")

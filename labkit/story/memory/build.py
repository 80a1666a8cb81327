"""Set up each imaged Linux host before the story; acquire its RAM after it (image + symbol table)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from labkit.evidence.memory.spec import NetworkInterface
from labkit.scenario.loader import Scenario
from labkit.scenario.variant import Variant
from labkit.seeding import derive_int, rng_for
from labkit.story.context import StoryContext
from labkit.story.evidence_build import reference_time, scenario_time
from labkit.story.facts import FactBook
from labkit.story.memory.accounts import accounts_for
from labkit.story.memory.acquisition import acquire
from labkit.story.memory.baseline import build_baseline
from labkit.story.memory.boot_log import boot_log
from labkit.story.memory.host import MemoryHost
from labkit.story.memory.kernels import distribution_for, kernel_for
from labkit.story.memory.noise import fill_page_cache
from labkit.story.memory.refs import resolve_memory_refs

#: Symbol tables go here in the case folder: `vol -f evidence/HOST-memory.raw -s evidence/symbols ...`.
SYMBOLS_DIR = "symbols"


def build_memory(scenario: Scenario, variant: Variant, ctx: StoryContext) -> None:
    """Create a `MemoryHost` per ``hosts[].memory`` (booted, services running) in ``ctx.memory``."""
    first = variant.schedule[0].when if variant.schedule else reference_time(scenario.zone)
    for index, host in enumerate(scenario.spec.hosts):
        spec = host.memory
        if spec is None:
            continue
        rng = rng_for(variant.seed, "memory", host.id)
        if spec.booted:
            boot = scenario_time(scenario, variant, ["hosts", index, "memory", "booted"], spec.booted)
        else:
            boot = first - timedelta(days=rng.randrange(3, 40), seconds=rng.randrange(86_400))
        if boot >= first:
            raise scenario.error_at(
                ["hosts", index, "memory", "booted"],
                "the host boots after the story starts",
                hint="boot it before the first action (default: some days before)",
            )
        network = ctx.network.hosts.get(host.id) if ctx.network is not None else None
        logins = [(a.name, a.uid, a.home, a.shell) for a in spec.accounts]
        distribution = distribution_for(host.os).name
        runtime = MemoryHost(
            host_id=host.id,
            image_id=spec.id,
            hostname=ctx.render(host.hostname or host.id),
            kernel=kernel_for(host.os, rng, before=boot.date()),
            boot=boot.astimezone(scenario.zone),
            accounts=accounts_for(logins, distribution),
            rng=rng,
            interface=_interface(host, network),
        )
        lvm = distribution.startswith("ubuntu")
        boot_log(runtime, int(spec.size), lvm=lvm)
        build_baseline(runtime, spec.role, first, lvm=lvm)
        ctx.memory[host.id] = runtime


def finish_memory(
    scenario: Scenario, variant: Variant, ctx: StoryContext, book: FactBook, evidence_dir: Path
) -> None:
    """Acquire each host's RAM as the responder did, write image + ISF, record facts, resolve handles."""
    if not ctx.memory:
        return
    from labkit.evidence.memory.writer import write_memory_image

    last = variant.schedule[-1].when if variant.schedule else reference_time(scenario.zone)
    symbols = evidence_dir / SYMBOLS_DIR
    results: dict[str, Any] = {}
    for index, host in enumerate(scenario.spec.hosts):
        spec = host.memory
        if spec is None:
            continue
        runtime: MemoryHost = ctx.memory[host.id]
        where: list[str | int] = ["hosts", index, "memory", "acquired"]
        if spec.acquired:
            acquired = scenario_time(scenario, variant, where, spec.acquired)
        else:
            acquired = last + timedelta(
                minutes=runtime.rng.randrange(25, 120), seconds=runtime.rng.randrange(60)
            )
        story_end = max((p.start for p in runtime.processes.values()), default=runtime.boot)
        if acquired <= max(last, story_end):
            raise scenario.error_at(
                where, "the memory is acquired before the story ends", hint="acquire it after the last action"
            )
        acquisition = acquire(runtime, acquired, spec.format)
        fill_page_cache(runtime, acquired)
        image_spec = runtime.image_spec(
            size=int(spec.size),
            seed=derive_int(variant.seed, "memory-image", host.id, bits=63),
            acquired=acquired,
            image_format=spec.format,
            fill=spec.fill,
        )
        extension = "lime" if spec.format == "lime" else "raw"
        result = write_memory_image(image_spec, evidence_dir / f"{host.id}-memory.{extension}", symbols)
        results[host.id] = result
        book.record(
            spec.id,
            ("memory",),
            {
                "host": host.id,
                "file_name": Path(result.image_path).name,
                "symbols_file": str(Path(result.isf_path).relative_to(evidence_dir)),
                "format": spec.format,
                "size": result.image_size,
                "ram_size": int(spec.size),
                "md5": result.md5,
                "sha1": result.sha1,
                "sha256": result.sha256,
                "kernel_release": runtime.kernel.release,
                "banner": runtime.kernel.banner.rstrip("\n"),
                "hostname": runtime.hostname,
                "booted": runtime.boot.isoformat(),
                "acquired": acquired.astimezone(scenario.zone).isoformat(),
                "acquisition_pid": acquisition.pid,
                "processes": len(runtime.processes),
            },
        )
        book.captures.add(spec.id)
    for owner, facts in list(book.facts.items()):
        book.facts[owner] = resolve_memory_refs(facts, results)


def _interface(host: Any, network: Any) -> NetworkInterface | None:
    """The NIC of a networked host: the MAC, address and prefix the capture shows (ens3 on a KVM guest)."""
    if network is None:
        return None
    prefix = network.lan.prefixlen if network.lan is not None else 32
    parts = str(host.network.ipv6 or "").split("/")
    ipv6 = f"{network.ipv6}/{parts[1] if len(parts) > 1 else 64}" if network.ipv6 else None
    return NetworkInterface("ens3", network.mac, f"{network.ipv4}/{prefix}", ipv6)

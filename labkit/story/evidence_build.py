"""Set up each scenario disk before the story, finish it after (images, hashes, E01)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from labkit import __version__
from labkit.errors import EvidenceError
from labkit.evidence.disk.ewf_writer import EwfMetadata, write_e01
from labkit.evidence.disk.raw_image import hash_file
from labkit.scenario.loader import Scenario
from labkit.scenario.model import DiskSpec, HostSpec
from labkit.scenario.time_expressions import TimeExpressionError, evaluate
from labkit.scenario.variant import Variant
from labkit.seeding import derive_int, rng_for
from labkit.story.context import StoryContext
from labkit.story.disk_runtime import DiskRuntime
from labkit.story.driver_profiles import dos_volume_serial, profile_for
from labkit.story.facts import FactBook


def build_disks(scenario: Scenario, variant: Variant, ctx: StoryContext, work_dir: Path) -> None:
    """Create every disk's image and empty file system, formatted before the story starts."""
    first = variant.schedule[0].when if variant.schedule else None
    for h, host in enumerate(scenario.spec.hosts):
        for d, disk in enumerate(host.disks):
            try:
                _build_disk(variant, ctx, work_dir, host, disk, first)
            except EvidenceError as exc:
                raise scenario.error_at(
                    ["hosts", h, "disks", d],
                    str(exc),
                    hint="choose a larger size, another file system type or cluster size",
                ) from None


def _build_disk(
    variant: Variant,
    ctx: StoryContext,
    work_dir: Path,
    host: HostSpec,
    disk: DiskSpec,
    first: datetime | None,
) -> None:
    zone = ZoneInfo(host.timezone)
    rng = rng_for(variant.seed, "format", disk.id)
    start = first or reference_time(zone)
    formatted = (start - timedelta(days=rng.randrange(20, 400), seconds=rng.randrange(86400))).astimezone(
        zone
    )
    hundredths = rng.randrange(100)
    profile = profile_for(host)
    runtime = DiskRuntime(
        disk,
        zone,
        work_dir / f"{disk.id}.dd",
        disk_id_seed=derive_int(variant.seed, "disk-signature", disk.id, bits=32),
        serial=dos_volume_serial(formatted, hundredths),
        format_time=formatted.replace(tzinfo=None, microsecond=hundredths * 10000),
        profile=profile,
    )
    ctx.disks[disk.id] = runtime
    if profile.system_volume_information:
        # Windows indexes a removable volume when first mounted, just before the story's first write.
        mounted = (start - timedelta(seconds=rng.randrange(60, 1800))).astimezone(zone).replace(tzinfo=None)
        runtime.windows_first_mount(mounted, rng)


def finish_disks(
    scenario: Scenario,
    variant: Variant,
    ctx: StoryContext,
    book: FactBook,
    work_dir: Path,
    evidence_dir: Path,
) -> None:
    """Finalise file systems, close images, hash them, convert to E01 where asked, record disk facts."""
    last = variant.schedule[-1].when if variant.schedule else None
    for host, disk in scenario.disks():
        runtime = ctx.disks[disk.id]
        volume = runtime.volume.finalize()
        runtime.image.close()
        hashes = hash_file(runtime.raw_path)
        facts = {
            "size": disk.size,
            "label": volume.label,
            "serial": f"{volume.serial >> 16:04X}-{volume.serial & 0xFFFF:04X}",
            "fat_type": volume.fat_type.upper(),
            "cluster_size": volume.cluster_size,
            "partition_offset_sectors": runtime.partition.offset // 512,
            "free_clusters": volume.free_clusters,
            "total_clusters": volume.cluster_count,
            "image_md5": hashes["md5"],
            "image_sha1": hashes["sha1"],
            "image_sha256": hashes["sha256"],
            "format": disk.format,
            "indexer_volume_guid": runtime.indexer_guid,
            "timezone": host.timezone,
        }
        if disk.format == "e01":
            acquisition = disk.acquisition
            try:
                if acquisition:
                    acquired = evaluate(
                        acquisition.at, variables=variant.values, zone=scenario.zone, previous=last
                    )
                else:
                    acquired = (last or reference_time(scenario.zone)) + timedelta(days=1)
            except TimeExpressionError as exc:
                host_index = scenario.spec.hosts.index(host)
                raise scenario.error_at(
                    ["hosts", host_index, "disks", host.disks.index(disk), "acquisition", "at"], str(exc)
                ) from None
            metadata = EwfMetadata(
                case_number=ctx.render(acquisition.case_number) if acquisition else "",
                evidence_number=ctx.render(acquisition.evidence_number) if acquisition else disk.id,
                description=ctx.render(acquisition.description) if acquisition else disk.id,
                examiner=ctx.render(acquisition.examiner) if acquisition else "",
                notes=ctx.render(acquisition.notes) if acquisition else "",
                acquired_at=acquired,
                system_at=acquired,
                acquiry_software_version=f"labkit {__version__}",
            )
            target = evidence_dir / f"{disk.id}.E01"
            write_e01(runtime.raw_path, target, metadata, media_type=disk.media)
            os.unlink(runtime.raw_path)
            facts["file_name"] = target.name
            facts["acquired"] = acquired.isoformat()
        else:
            target = evidence_dir / f"{disk.id}.dd"
            os.replace(runtime.raw_path, target)
            facts["file_name"] = target.name
        book.record(disk.id, ("disk",), facts)


def scenario_time(scenario: Scenario, variant: Variant, where: list[str | int], text: str) -> datetime:
    """A time expression of the scenario's evidence set-up (capture start, boot...), errors located at it."""
    try:
        return evaluate(text, variables=variant.values, zone=scenario.zone, previous=None)
    except TimeExpressionError as exc:
        raise scenario.error_at(where, str(exc)) from None


def reference_time(zone: ZoneInfo) -> datetime:
    """A fixed time for stories without actions, so their evidence is still reproducible."""
    return datetime(2026, 1, 1, tzinfo=zone)

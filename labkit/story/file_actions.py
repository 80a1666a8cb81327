"""File-system actions on disks: create, modify, copy in, rename, delete, wipe, attributes, times.

Each action renders into the disk it names; facts record the file as the file
system finally holds it (path after later renames, deleted or not, whether its
clusters were overwritten), so answers follow from what was really written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labkit.evidence.disk.fat import FatAttributes, FatTimes
from labkit.scenario.time_expressions import TimeExpressionError, evaluate, parse_duration
from labkit.story.base import Action, ActionFailed, PathEffect
from labkit.story.content import ContentSpec, render_content
from labkit.story.context import StoryContext

FILE_FACTS = (
    "disk",
    "path",
    "name",
    "short_name",
    "inode",
    "first_cluster",
    "first_sector",
    "data_offset",
    "partition_offset_sectors",
    "size",
    "md5",
    "sha1",
    "sha256",
    "created",
    "modified",
    "accessed",
    "deleted",
    "recoverable",
    "true_type",
    "extension",
    "hidden",
    "system",
    "read_only",
    "original_path",
    "is_directory",
    "timezone",
    "at",
    "meta",
)


class TimesSpec(BaseModel):
    """Explicit timestamps: time expressions; '+5m'/'-3d' are relative to the action's time."""

    model_config = ConfigDict(extra="forbid")
    created: str | None = None
    modified: str | None = None
    accessed: str | None = None


class AttributesSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hidden: bool = False
    system: bool = False
    read_only: bool = False
    archive: bool = True

    def fat(self) -> FatAttributes:
        return FatAttributes(
            read_only=self.read_only, hidden=self.hidden, system=self.system, archive=self.archive
        )


class DiskAction(Action):
    disk: str | None = Field(None, description="disk id; may be omitted when the scenario has one disk")

    def _times(
        self, ctx: StoryContext, when: datetime, spec: TimesSpec | None, **defaults: datetime | None
    ) -> FatTimes:
        values: dict[str, datetime | None] = dict(defaults)
        if spec is not None:
            for name in ("created", "modified", "accessed"):
                expression = getattr(spec, name)
                if expression is not None:
                    try:
                        values[name] = evaluate(
                            expression, variables=ctx.variables, zone=ctx.zone, previous=when
                        )
                    except TimeExpressionError as exc:
                        raise ActionFailed(f"times.{name}: {exc}") from None
        local = {k: (ctx.local(v, self.disk) if v is not None else None) for k, v in values.items()}
        return FatTimes(
            created=local.get("created"), modified=local.get("modified"), accessed=local.get("accessed")
        )

    def _file_facts(self, ctx: StoryContext, record: Any, when: datetime, **extra: Any) -> dict[str, Any]:
        # Resolved at the end of the story (see engine): a later rename or delete shows.
        return {"_file": record, "_disk": self.disk, "at": when.isoformat(), **extra}


class CreateFile(DiskAction):
    """Create a file with text, bytes or a generated realistic document."""

    action_name: ClassVar[str] = "file.create"
    path_effect: ClassVar[PathEffect | None] = "create"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    content: ContentSpec
    times: TimesSpec | None = None
    attributes: AttributesSpec | None = None

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        times = self._times(ctx, when, self.times, created=when, modified=when, accessed=when)
        content = render_content(
            self.content,
            ctx,
            disk_id=self.disk,
            label=self.id or f"create:{self.path}",
            local_time=times.modified or ctx.local(when, self.disk),
        )
        disk = ctx.disk(self.disk)
        attributes = self.attributes.fat() if self.attributes else None
        record = disk.create(ctx.render(self.path), content.data, times, attributes, content.true_type)
        record.extra["meta"] = content.metadata
        if self.id:
            ctx.payloads[self.id] = content.data
        return self._file_facts(ctx, record, when)


class CopyIn(CreateFile):
    """Copy a file in from elsewhere: Windows keeps its modification time and stamps a new creation time.

    So the copy is 'modified before it was created', a classic sign of a copied file.
    """

    action_name: ClassVar[str] = "file.copy_in"
    source_modified: str = Field("-30d", description="modification time of the source; relative to the copy")
    source_jitter: str | None = Field(
        None, description="a seeded random shift of source_modified, up to this much either way (e.g. 3d)"
    )

    @field_validator("source_jitter")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        try:
            source = evaluate(self.source_modified, variables=ctx.variables, zone=ctx.zone, previous=when)
        except TimeExpressionError as exc:
            raise ActionFailed(f"source_modified: {exc}") from None
        if self.source_jitter:
            span = int(parse_duration(self.source_jitter).total_seconds())
            rng = ctx.rng("source_jitter", self.id or self.path)
            source += timedelta(seconds=rng.randint(-span, span))
            source = min(source, when - timedelta(seconds=1))
        times = self.times or TimesSpec()
        if times.modified is None:
            times = times.model_copy(update={"modified": source.isoformat()})
        return super(CopyIn, self.model_copy(update={"times": times})).apply(ctx, when)


class MakeDirectory(DiskAction):
    action_name: ClassVar[str] = "dir.create"
    path_effect: ClassVar[PathEffect | None] = "create"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    times: TimesSpec | None = None

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        times = self._times(ctx, when, self.times, created=when, modified=when, accessed=when)
        record = ctx.disk(self.disk).mkdir(ctx.render(self.path), times)
        return self._file_facts(ctx, record, when)


class ModifyFile(DiskAction):
    """Replace a file's content (the modification time becomes the action's time)."""

    action_name: ClassVar[str] = "file.modify"
    path_effect: ClassVar[PathEffect | None] = "use"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    content: ContentSpec

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        record = disk.lookup(ctx.render(self.path))
        times = self._times(ctx, when, None, modified=when, accessed=when)
        content = render_content(
            self.content,
            ctx,
            disk_id=self.disk,
            label=self.id or f"modify:{self.path}:{when.isoformat()}",
            local_time=times.modified,
        )
        disk.modify(record, content.data, times, content.true_type)
        record.extra["meta"] = content.metadata
        if self.id:
            ctx.payloads[self.id] = content.data
        return self._file_facts(ctx, record, when)


class RenameFile(DiskAction):
    """Rename or move a file (times are kept, as Windows and Linux do)."""

    action_name: ClassVar[str] = "file.rename"
    path_effect: ClassVar[PathEffect | None] = "move"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    to: str

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        record = disk.lookup(ctx.render(self.path))
        disk.rename(record, ctx.render(self.to), ctx.local(when, self.disk))
        return self._file_facts(ctx, record, when)


class DisguiseFile(DiskAction):
    """Give a file an extension that lies about its content (keeps name stem and folder)."""

    action_name: ClassVar[str] = "file.disguise"
    path_effect: ClassVar[PathEffect | None] = "disguise"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    extension: str = Field(pattern=r"^\.?[A-Za-z0-9]{1,8}$")

    def target_path(self, path: str) -> str:
        """``path`` with its extension replaced (same folder, same stem)."""
        folder, _, name = path.rpartition("/")
        stem = name.rsplit(".", 1)[0] if "." in name else name
        return f"{folder}/{stem}.{self.extension.lstrip('.')}"

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        path = ctx.render(self.path)
        record = disk.lookup(path)
        disk.rename(record, self.target_path(path), ctx.local(when, self.disk))
        return self._file_facts(ctx, record, when)


class DeleteFile(DiskAction):
    """Delete a file: its entry is marked deleted, its data stays in unallocated clusters."""

    action_name: ClassVar[str] = "file.delete"
    path_effect: ClassVar[PathEffect | None] = "remove"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    wipe: ClassVar[bool] = False

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        record = disk.lookup(ctx.render(self.path))
        disk.delete(record, wipe=self.wipe)
        return self._file_facts(ctx, record, when)


class WipeFile(DeleteFile):
    """Overwrite a file's clusters, then delete it: the content is not recoverable."""

    action_name: ClassVar[str] = "file.wipe"
    wipe: ClassVar[bool] = True


class SetAttributes(DiskAction):
    action_name: ClassVar[str] = "file.set_attributes"
    path_effect: ClassVar[PathEffect | None] = "use"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    hidden: bool | None = None
    system: bool | None = None
    read_only: bool | None = None
    archive: bool | None = None

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        record = disk.lookup(ctx.render(self.path))
        current = disk.volume.entry(record.handle).attributes
        updated = FatAttributes(
            read_only=current.read_only if self.read_only is None else self.read_only,
            hidden=current.hidden if self.hidden is None else self.hidden,
            system=current.system if self.system is None else self.system,
            archive=current.archive if self.archive is None else self.archive,
        )
        record.handle = disk.volume.set_attributes(record.path, updated)
        return self._file_facts(ctx, record, when)


class SetTimes(DiskAction):
    """Set timestamps explicitly (what 'timestomping' tools do)."""

    action_name: ClassVar[str] = "file.set_times"
    path_effect: ClassVar[PathEffect | None] = "use"
    media: ClassVar[tuple[str, ...]] = ("disk",)
    fact_fields: ClassVar[tuple[str, ...]] = FILE_FACTS
    path: str
    times: TimesSpec

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        disk = ctx.disk(self.disk)
        record = disk.lookup(ctx.render(self.path))
        record.handle = disk.volume.set_times(record.path, self._times(ctx, when, self.times))
        return self._file_facts(ctx, record, when)

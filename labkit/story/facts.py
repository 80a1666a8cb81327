"""The fact book: what the evidence writers recorded about what they wrote.

Facts are keyed by the id of the action (or disk) that produced them. File facts
are resolved at the end of the story, so they describe the file as the evidence
finally holds it (renamed, deleted, overwritten...). The fact book is the
trainer's: it never goes into a case folder.
"""

from __future__ import annotations

import json
from typing import Any

from labkit.story.context import StoryContext


class FactBook:
    def __init__(self) -> None:
        self.facts: dict[str, dict[str, Any]] = {}
        self.media: dict[str, tuple[str, ...]] = {}
        #: Owners that are evidence files themselves (captures), named in the case id.
        self.captures: set[str] = set()

    def record(self, owner: str, media: tuple[str, ...], facts: dict[str, Any]) -> None:
        self.facts[owner] = dict(facts)
        self.media[owner] = tuple(media)

    def resolve_files(self, ctx: StoryContext) -> None:
        """Replace file handles with the file's final facts (also in nested facts: a download's ``file``)."""
        for facts in self.facts.values():
            _resolve_file(ctx, facts)
            for value in facts.values():
                if isinstance(value, dict):
                    _resolve_file(ctx, value)

    def resolve_network(self) -> None:
        """Replace frame and stream handles by the numbers Wireshark shows (after captures are written)."""
        from labkit.story.network.runtime import resolve_refs

        for owner, facts in self.facts.items():
            self.facts[owner] = resolve_refs(facts)

    def get(self, owner: str, field: str) -> Any:
        """The value of ``owner.field``; ``field`` may go deeper (``meta.author``)."""
        value: Any = self.facts[owner]
        for part in field.split("."):
            if not isinstance(value, dict) or part not in value:
                raise KeyError(f"{owner}.{field}")
            value = value[part]
        return value

    def to_json(self) -> str:
        payload = {"format": 1, "facts": self.facts, "media": {k: list(v) for k, v in self.media.items()}}
        return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def _resolve_file(ctx: StoryContext, facts: dict[str, Any]) -> None:
    record = facts.pop("_file", None)
    disk_id = facts.pop("_disk", None)
    if record is not None:
        disk = ctx.disk(disk_id)
        resolved = disk.file_facts(record)
        resolved["meta"] = dict(record.extra.get("meta", {}))
        facts.update({k: v for k, v in resolved.items() if k not in facts or k == "meta"})

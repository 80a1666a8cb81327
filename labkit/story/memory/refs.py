"""Handles for facts only known once the image is written (where the writer placed a mapping)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InjectedRef:
    """The address (or end) of a process's ``index``-th injected mapping on ``host``."""

    host: str
    pid: int
    index: int
    field: str = "start"  # "start" or "end"


@dataclass(frozen=True)
class ModuleRef:
    host: str
    name: str


class FileStateRef:
    """Whether a file is deleted when the RAM is acquired (it may be unlinked after the fact is taken)."""

    def __init__(self, record: Any) -> None:
        self.record = record

    def __repr__(self) -> str:
        return f"FileStateRef({self.record.path!r})"


def resolve_memory_refs(value: Any, results: dict[str, Any]) -> Any:
    """Replace handles by what the writer reported: addresses as vol prints them (0x..., lower case)."""
    if isinstance(value, InjectedRef):
        mapping = results[value.host].processes[value.pid].injected[value.index]
        return f"0x{getattr(mapping, value.field):x}"
    if isinstance(value, ModuleRef):
        return f"0x{results[value.host].modules[value.name].address:x}"
    if isinstance(value, FileStateRef):
        return bool(value.record.deleted)
    if isinstance(value, dict):
        return {key: resolve_memory_refs(item, results) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_memory_refs(item, results) for item in value]
    return value

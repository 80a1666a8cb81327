"""Rendering shared by the ``labkit net`` commands: times, endpoints, bytes, JSON, warnings.

Tables and plain lines are the disk commands' (:mod:`labkit.cli.disk_render`). Capture
times are UTC instants: they are shown in ``--tz`` (default UTC), always with their
offset, to the precision the capture recorded. Bytes from the wire are shown escaped
(``\\x00``, ``\\r``), never written raw to a terminal.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, tzinfo
from typing import Any

from labkit.cli.disk_render import jsonable, warn
from labkit.tools.disk.timestamps import resolve_zone
from labkit.tools.net import PacketTime, Truncation


def zone_of(zone_name: str | None) -> tzinfo:
    return UTC if zone_name is None else resolve_zone(zone_name)


def zone_label(zone_name: str | None) -> str:
    return zone_name or "UTC"


def shown_time(value: PacketTime | None, zone: tzinfo) -> str:
    return value.readable(zone) if value is not None else ""


def endpoint(ip: str, port: int) -> str:
    """``10.0.0.1:80``, ``[fd00::1]:80`` (brackets keep an IPv6 address readable)."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def escape_bytes(data: bytes) -> str:
    """Printable ASCII as is; everything else as ``\\xNN`` (``\\r``, ``\\n``, ``\\t`` by name)."""
    named = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x5C: "\\\\"}
    return "".join(
        named.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\x{byte:02x}") for byte in data
    )


def net_jsonable(value: Any, zone: tzinfo) -> Any:
    """Like :func:`disk_render.jsonable`, with packet times as ISO 8601 and bytes as escaped text."""
    if isinstance(value, PacketTime):
        return value.iso(zone)
    if isinstance(value, bytes):
        return escape_bytes(value)
    if isinstance(value, Truncation):
        return value.message()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: net_jsonable(getattr(value, field.name), zone) for field in dataclasses.fields(value)
        }
    if isinstance(value, list | tuple):
        return [net_jsonable(item, zone) for item in value]
    if isinstance(value, dict):
        return {str(key): net_jsonable(item, zone) for key, item in value.items()}
    return jsonable(value, zone)


def document(path: str, zone_name: str | None, truncation: Truncation | None, **parts: Any) -> dict[str, Any]:
    """The one JSON document a command prints: capture, zone, warning, then its own parts."""
    return {
        "capture": path,
        "time_zone": zone_label(zone_name),
        "truncated": truncation.message() if truncation else None,
        **parts,
    }


def warn_if_truncated(truncation: Truncation | None) -> None:
    """A capture cut short in its last record: the results stand for what was read; say so."""
    if truncation is not None:
        warn(truncation.message())


def optional(value: object) -> str:
    return "" if value is None else str(value)

"""The kernel model's types: one registry shared by the ISF writer and the object builders."""

from __future__ import annotations

from functools import cache

from labkit.evidence.memory.kernel_types.basics import BASIC_ENUMS, BASIC_TYPES
from labkit.evidence.memory.kernel_types.filesystem import FILESYSTEM_TYPES
from labkit.evidence.memory.kernel_types.kernel import KERNEL_ENUMS, KERNEL_TYPES
from labkit.evidence.memory.kernel_types.memory import MEMORY_TYPES
from labkit.evidence.memory.kernel_types.model import TypeRegistry
from labkit.evidence.memory.kernel_types.net_devices import DEVICE_TYPES, NETWORK_ENUMS
from labkit.evidence.memory.kernel_types.network import NETWORK_TYPES
from labkit.evidence.memory.kernel_types.process import PROCESS_TYPES

__all__ = ["TypeRegistry", "kernel_types"]


@cache
def kernel_types() -> TypeRegistry:
    """The 5.15 x86-64 model (checked once: every type referenced exists and every field fits)."""
    registry = TypeRegistry()
    registry.add(
        *BASIC_TYPES, *PROCESS_TYPES, *MEMORY_TYPES, *FILESYSTEM_TYPES, *NETWORK_TYPES, *DEVICE_TYPES
    )
    registry.add(*KERNEL_TYPES)
    registry.add(*BASIC_ENUMS, *NETWORK_ENUMS, *KERNEL_ENUMS)
    registry.check()
    return registry
